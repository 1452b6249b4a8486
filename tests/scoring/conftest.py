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


@pytest.fixture(autouse=True)
def private_vulns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every scoring test reads and writes its own vulnerability copy and no policy from the
    environment (a user's data must not change what a test sees): the CLI reads
    $CAMSCAN_VULNS, a library call is given the path, and the default data directory is the
    test's own."""
    path = tmp_path / "user-vulns.json"
    monkeypatch.setenv("CAMSCAN_VULNS", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("CAMSCAN_POLICY", raising=False)
    return path
