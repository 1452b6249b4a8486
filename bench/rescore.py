"""The rescore over a large inventory: wall time and peak memory of `camscan rescore`, and
what a sensor pays at the end of a scan of one small site in a large inventory.

The inventory (SQLite) is built fast: every kind of bench/dashboard.py's estate is stored
once per site through the repository (``record_hosts``, as a scan stores it), then those
rows are copied with new addresses, MACs and serials by one bulk INSERT per batch, up to
``devices`` over ten sites (the same verdict columns a scan writes; no sightings, which
scoring never reads).  Then, each as its own process measured with ``wait4``
(bench/measure.py):

* `camscan rescore` twice: the first scores every device (nothing scored yet), the second
  scores them again (the stored scores are read and compared: what `tag`, `vulns update`
  and a new policy cost);
* `camscan scan 127.0.0.1 --site Sensor --probes tcp,http --ports P` (loopback only, P a
  web server this script starts there): one host's scan into that inventory, then the
  rescore that follows it.

    python bench/rescore.py                         # 20,000 devices
    python bench/rescore.py --devices 100000 --json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/rescore.py`
    sys.path.insert(0, str(ROOT))

from bench.dashboard import KINDS, SITES, _free_port  # noqa: E402
from bench.measure import run_measured  # noqa: E402

COPY_BATCH = 5000
TIMEOUT = 1800.0


@dataclass
class Step:
    """One measured command."""

    what: str
    seconds: float
    peak_mib: float
    output: str


@dataclass
class RescoreBench:
    devices: int
    build_seconds: float
    steps: list[Step]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_inventory(db: Path | str, devices: int, sites: int = SITES) -> None:
    """``devices`` devices over ``sites`` sites (not scored), in the SQLite file or at the
    database URL ``db``."""
    from sqlalchemy import insert, select

    from camscan.fingerprint.verdict import Verdict
    from camscan.inventory import models as m
    from camscan.inventory import repository as repo
    from camscan.inventory.db import open_inventory

    inv = open_inventory(str(db))
    per_site = -(-devices // sites)
    skip = {"id", "ip", "mac", "serial", "endpoint_reference", "site_id"}
    cols = [c.name for c in m.Device.__table__.columns if c.name not in skip]
    made = 0
    for s in range(sites):
        n = min(per_site, devices - made)
        if n <= 0:
            break
        scan = repo.start_scan(inv, f"Site {s + 1:02d}", {"targets": []}, {"bench": True})
        hosts: list[tuple[str | None, str | None, list[Any], Verdict]] = []
        for k, (maker, brand, model, kind, firmware) in enumerate(KINDS[: min(n, len(KINDS))]):
            verdict = Verdict(
                is_camera=kind != "not_camera",
                device_type=kind,
                manufacturer=maker,
                brand=brand,
                white_label=brand != maker,
                model=model,
                firmware=firmware,
                confidence=0.9,
                evidence=[{"source": "http", "field": "http.server", "value": model,
                           "strength": 0.9, "asserts": {"manufacturer": maker}}],
                exposure={"open_ports": [80, 554], "sdk_ports": [8000] if k % 3 == 0 else [],
                          "telnet": k % 4 == 0, "http_plain_only": k % 2 == 0},
            )  # fmt: skip
            hosts.append((f"10.{100 + s}.0.{k + 2}", None, [], verdict))
        ids = repo.record_hosts(inv, scan, hosts)
        repo.finish_scan(inv, scan, "complete", len(hosts))
        with inv.session() as sess:
            templates = [
                {c: getattr(d, c) for c in cols}
                for d in sess.scalars(select(m.Device).where(m.Device.id.in_(ids)))
            ]
            site_id = sess.scalars(select(m.Scan.site_id).where(m.Scan.id == scan)).one()
        rows = []
        for i in range(len(ids), n):
            row = dict(templates[(i * 7 + s) % len(templates)])
            row.update(
                site_id=site_id,
                ip=f"10.{100 + s}.{i // 250}.{i % 250 + 2}",
                mac=f"02:{s:02x}:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}",
                serial=f"BENCH{s:02d}{i:06d}",
            )
            rows.append(row)
            if len(rows) >= COPY_BATCH:
                with inv.session() as sess:
                    sess.execute(insert(m.Device), rows)
                rows.clear()
        if rows:
            with inv.session() as sess:
                sess.execute(insert(m.Device), rows)
        made += n
    inv.close()


def _camscan(db: Path, *args: str) -> Step:
    cmd = [sys.executable, "-m", "camscan", "--db", str(db), *args]
    r = run_measured(cmd, timeout=TIMEOUT)
    if not r.ok:
        raise SystemExit(f"{' '.join(args)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    first = (r.stdout.strip() or r.stderr.strip()).splitlines()[-1:]
    return Step(" ".join(args), round(r.wall_s, 2), round(r.maxrss_mib, 1), "".join(first))


def run(devices: int, work: Path) -> RescoreBench:
    db = work / "rescore.db"
    started = time.monotonic()
    build_inventory(db, devices)
    built = time.monotonic() - started
    steps = [_camscan(db, "rescore"), _camscan(db, "rescore")]
    # one host for the sensor to find: a web server of this script's own on loopback
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(work)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(1.0)
        steps.append(
            _camscan(
                db,
                "scan",
                "127.0.0.1",
                "--site",
                "Sensor",
                "--probes",
                "tcp,http",
                "--ports",
                str(port),
                "--timeout",
                "1",
            )
        )
    finally:
        server.terminate()
        server.wait(10)
    return RescoreBench(devices, round(built, 1), steps)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=20_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="camscan-bench-rescore-") as tmp:
        result = run(args.devices, Path(tmp))
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    print(f"{result.devices:,} devices (built in {result.build_seconds} s)")
    for step in result.steps:
        print(f"  camscan {step.what}: {step.seconds:.1f} s, peak {step.peak_mib:.0f} MiB")
        print(f"      {step.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
