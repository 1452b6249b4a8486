from __future__ import annotations

from pathlib import Path

import pytest
import sample_site


@pytest.fixture
def site(tmp_path: Path) -> sample_site.Site:
    """The sample site in a real SQLite file (two scans)."""
    s = sample_site.build(tmp_path / "inventory.db")
    yield s
    s.inv.close()
