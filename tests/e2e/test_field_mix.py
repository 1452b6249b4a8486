"""Issue 10 acceptance on the lab's field mix: camera families whose firmware bends the wire
(gzip, LF-only, ``Server :``, chunked, slow TLS, cut or gSOAP-prefixed WS-Discovery, 401 on
every path) among ordinary hosts that look like cameras (embedded web servers, catch-all
SPAs and portals, printers, NAS, TVs, gateways).

Done when: every camera found; maker right for at least 98% of cameras, NVRs, DVRs and
encoders; every white label traced; no ordinary host called a camera; device type right for
at least 98%.  The tests print the confusion tables (maker and device type) and, for every
host that fails, its personality and quirks, so a failure says which behaviour broke it.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from camscan_lab import site
from tests.conftest import Lab
from tests.e2e.conftest import LabScan, scan_lab

pytestmark = pytest.mark.lab

FIELD_DEVICES = int(os.environ.get("CAMSCAN_TEST_FIELD_DEVICES", "200"))
MIN_RIGHT = 0.98


@pytest.fixture(scope="module")
def field(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabScan]:
    """A field-mix lab scanned once; the session's lab is put back afterwards."""
    tmp = tmp_path_factory.mktemp("field")
    truth_path = tmp / "truth.json"
    site.down()
    try:
        state = site.up(devices=FIELD_DEVICES, seed=7, mix="field", truth=truth_path)
        truth = json.loads(truth_path.read_text())
        field_lab = Lab(state=state, truth=truth, truth_path=truth_path, devices=FIELD_DEVICES)
        yield scan_lab(field_lab, tmp / "field.db")
    finally:
        lab.restart()


def _cameras(scan: LabScan) -> list[dict[str, Any]]:
    return [h for h in scan.truth if h["is_camera"]]


def _ordinary(scan: LabScan) -> list[dict[str, Any]]:
    return [h for h in scan.truth if not h["is_camera"] and "hostile" not in h["personality"]]


def _row(h: dict[str, Any], d: dict[str, Any]) -> str:
    quirks = ",".join(h["quirks"]) or "-"
    return (
        f"    {h['ip']:<12} {h['personality']:<32} quirks={quirks:<26} "
        f"-> maker={d.get('manufacturer')} type={d.get('device_type')} "
        f"camera={d.get('is_camera')} brand={d.get('brand')} white_label={d.get('white_label')}"
    )


# An ordinary host whose type camscan leaves "unknown" is not called a camera: not an error.
_NOT_WRONG = {("not_camera", "unknown")}


def _table(title: str, pairs: collections.Counter[tuple[str, str]]) -> str:
    lines = [title]
    for (actual, said), n in sorted(pairs.items()):
        mark = "" if actual == said or (actual, said) in _NOT_WRONG else "  <-- wrong"
        lines.append(f"  {actual:<14} -> {said:<14} {n:4d}{mark}")
    total = sum(pairs.values())
    right = sum(n for (a, s), n in pairs.items() if a == s)
    lines.append(f"  {right}/{total} right = {right / max(total, 1):.1%}")
    return "\n".join(lines)


def _report(scan: LabScan, key: str, hosts: list[dict[str, Any]]) -> tuple[float, str]:
    """(share right, the confusion table and the hosts that are wrong) for ``key``."""
    found = scan.by_ip
    pairs = collections.Counter((str(h[key]), str(found.get(h["ip"], {}).get(key))) for h in hosts)
    wrong = [
        h
        for h in hosts
        if (h[key], found.get(h["ip"], {}).get(key)) not in {(h[key], h[key]), *_NOT_WRONG}
    ]
    text = _table(f"\nconfusion of {key} (truth -> camscan), field mix:", pairs)
    if wrong:
        text += "\n  wrong hosts:\n" + "\n".join(_row(h, found.get(h["ip"], {})) for h in wrong)
    right = sum(n for (a, s), n in pairs.items() if a == s)
    return right / max(len(hosts), 1), text


def test_field_population_holds_quirks_and_lookalikes(field: LabScan) -> None:
    cams, ordinary = _cameras(field), _ordinary(field)
    quirks = collections.Counter(q for h in field.truth for q in h["quirks"])
    print(
        f"\nfield mix: {len(field.truth)} hosts, {len(cams)} cameras/NVRs/DVRs/encoders, "
        f"{len(ordinary)} ordinary, quirks {dict(sorted(quirks.items()))}"
    )
    assert {h["device_type"] for h in cams} == {"camera", "nvr", "dvr", "encoder"}
    assert sum(1 for h in cams if h["quirks"]) >= len(cams) // 4
    assert {"catch-all", "auth-everywhere", "gzip", "lf-only"} <= set(quirks)


def test_every_camera_found(field: LabScan) -> None:
    found = field.by_ip
    missed = [h for h in _cameras(field) if not found.get(h["ip"], {}).get("is_camera")]
    assert not missed, "cameras not reported as cameras:\n" + "\n".join(
        _row(h, found.get(h["ip"], {})) for h in missed
    )


def test_maker_right(field: LabScan) -> None:
    share, text = _report(field, "manufacturer", _cameras(field))
    print(text)
    assert share >= MIN_RIGHT, text


def test_device_type_right(field: LabScan) -> None:
    share, text = _report(field, "device_type", _cameras(field))
    print(text)
    _, everyone = _report(field, "device_type", field.truth)
    print(everyone.replace("field mix:", "field mix, every host:"))
    assert share >= MIN_RIGHT, text


def test_every_white_label_traced(field: LabScan) -> None:
    found = field.by_ip
    white = [h for h in _cameras(field) if h["brand"] != h["manufacturer"]]
    assert len({h["brand"] for h in white}) >= 6
    bad = [
        h
        for h in white
        if not (
            found.get(h["ip"], {}).get("white_label")
            and found.get(h["ip"], {}).get("manufacturer") == h["manufacturer"]
        )
    ]
    assert not bad, "white-label units not traced:\n" + "\n".join(
        _row(h, found.get(h["ip"], {})) for h in bad
    )


def test_no_ordinary_host_called_a_camera(field: LabScan) -> None:
    found = field.by_ip
    ordinary = _ordinary(field)
    assert any(h["quirks"] for h in ordinary)
    wrongly = [h for h in ordinary if found.get(h["ip"], {}).get("is_camera")]
    unlisted = [h for h in ordinary if h["ip"] not in found]
    assert not wrongly, "ordinary hosts called cameras:\n" + "\n".join(
        _row(h, found[h["ip"]]) for h in wrongly
    )
    assert not unlisted, f"ordinary hosts not listed: {[h['ip'] for h in unlisted]}"


def test_lab_status_counts_the_quirks(field: LabScan) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "camscan_lab", "status"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "mix field" in out.stdout
    line = next(ln for ln in out.stdout.splitlines() if ln.strip().startswith("quirks"))
    quirks = collections.Counter(q for h in field.truth for q in h["quirks"])
    for q, n in quirks.items():
        assert f"{q} {n}" in line
