from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sample_site
from sample_site import TODAY

from camscan.app.scores import rescore
from camscan.fingerprint.verdict import Verdict


@pytest.fixture
def big_site(tmp_path: Path) -> Iterator[sample_site.Site]:
    """61 cameras: the sample site's video devices repeated at new addresses, scored."""
    import copy

    from camscan.inventory import repository as repo
    from camscan.inventory.db import open_inventory

    inv = open_inventory(str(tmp_path / "big.db"))
    base = [h for h in sample_site.hosts() if h.key != "printer"]
    sid = repo.start_scan(inv, "Big site", sample_site._scope(), sample_site.OPTIONS)
    for i in range(61):
        h = copy.deepcopy(base[i % len(base)])
        if h.verdict.get("serial"):
            h.verdict["serial"] += f"-{i}"
        mac = f"02:00:00:00:00:{i:02x}"
        repo.record_host(inv, sid, f"10.30.0.{i + 10}", mac, [], Verdict.from_dict(h.verdict))
    repo.finish_scan(inv, sid, "complete", 61)
    rescore(inv, today=TODAY)
    yield sample_site.Site(inv, tmp_path / "big.db", (sid, sid), {})
    inv.close()
