from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The sample site is shared with the scoring and report tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scoring"))

import sample_site
from sample_site import TODAY

from camscan.scoring import rescore


@pytest.fixture
def scored_site(tmp_path: Path) -> Iterator[sample_site.Site]:
    """The sample site (two scans, a hostile device) in a real SQLite file, scored."""
    s = sample_site.build(tmp_path / "inventory.db")
    rescore(s.inv, today=TODAY)
    yield s
    s.inv.close()
