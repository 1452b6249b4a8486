"""Issue 13: "a pcap of a lab scan, imported into an empty inventory, gives the same verdicts
as the live scan of that lab".  tcpdump records the scanner's interface while camscan scans
the simulated site; the capture goes through `camscan import` into an empty inventory, and
every device's maker is compared with the live scan's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import scan_lab

pytestmark = [pytest.mark.lab, pytest.mark.root]


def test_a_capture_of_a_lab_scan_imports_to_the_same_makers(lab: Any, tmp_path: Path) -> None:
    tcpdump = shutil.which("tcpdump")
    assert tcpdump, "tcpdump is needed (apt-get install tcpdump)"
    cap = tmp_path / "scan.pcap"
    dump = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            lab.scanner_netns,
            tcpdump,
            "-i",
            "eth0",
            "-s",
            "0",
            "-B",
            "65536",
            "--immediate-mode",
            "-U",
            "-w",
            str(cap),
        ],
        stderr=subprocess.PIPE,
    )
    try:
        assert dump.stderr is not None and b"listening" in dump.stderr.readline()
        live = scan_lab(lab, tmp_path / "live.db")
        time.sleep(1.0)
    finally:
        dump.terminate()
        _, err = dump.communicate(timeout=30)
    dropped = [line for line in err.decode().splitlines() if "dropped by kernel" in line]
    assert dropped and dropped[0].startswith("0 "), err.decode()
    imported_db = tmp_path / "imported.db"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "camscan",
            "--db",
            str(imported_db),
            "import",
            str(cap),
            "--site",
            "lab",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    shown = subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(imported_db), "devices", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    passive = {d["ip"]: d for d in json.loads(shown.stdout)}
    scanned = live.by_ip
    cams = sorted(ip for ip, d in scanned.items() if d["is_camera"])
    same = [
        ip for ip in cams if passive.get(ip, {}).get("manufacturer") == scanned[ip]["manufacturer"]
    ]
    differ = [
        (ip, scanned[ip]["manufacturer"], passive.get(ip, {}).get("manufacturer"))
        for ip in cams
        if ip not in same
    ]
    # TLS 1.3 (what the lab's servers and camscan negotiate) encrypts the certificate and
    # every page: a maker the scan read only over TLS cannot be read off the wire.
    tls_only = [row for row in differ if _tls_borne(live, lab, row[0])]
    print(
        f"\n{len(same)}/{len(cams)} cameras with the live scan's maker from the capture "
        f"({cap.stat().st_size / 1e6:.1f} MB, {report['record_errors']} record errors); "
        f"{len(tls_only)} named by the scan only from what TLS carried"
    )
    for row in differ:
        print("  differs:", row, "(TLS only)" if row in tls_only else "")
    assert [row for row in differ if row not in tls_only] == []
    assert len(tls_only) <= max(1, len(cams) // 20)
    # and nothing the scan called ordinary is called a camera from its own traffic
    wrongly = [
        ip
        for ip, d in passive.items()
        if d["is_camera"] and not scanned.get(ip, {}).get("is_camera")
    ]
    assert not wrongly


def _tls_borne(live: Any, lab: Any, ip: str) -> bool:
    """Whether the live scan's maker came from what TLS carried: its evidence document less
    the HTTPS pages and certificates no longer names that maker."""
    from camscan.app.identify import identify_document
    from camscan.fingerprint import load_engine

    proc = live.camscan(lab, "show", ip, "--evidence-document")
    doc = json.loads(proc.stdout)
    doc["http"] = [e for e in doc.get("http", []) if not e.get("tls")]
    doc.pop("tls", None)
    verdict = identify_document(load_engine(), doc)
    return bool(verdict.manufacturer != live.by_ip[ip]["manufacturer"])
