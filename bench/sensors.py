"""N concurrent sensors writing into one PostgreSQL inventory: devices/s, conflicts, wall.

Each sensor is its own process doing what a scan's writer does (camscan/app/scan.py):
open the inventory (the first open of an empty database runs the migrations, under their
advisory lock, while the others wait), start a scan of its site, store its finished hosts
through ``repository.record_hosts`` in batches as they "complete", and close the scan.
Every host carries what a loopback scan stores for a camera (a TCP observation, an HTTP
reply of ~1 KB byte for byte, a verdict with evidence).  The probing itself is left out:
this measures the shared inventory, not the network.

Rows: 1, 3 and 6 sensors of distinct sites, and 3 sensors of one site scanning the same
hosts at once (every unit raced for: the identity locks' worst case).  ``conflicts`` are
the identity locks a batch had to wait for plus transactions tried again.  Each row uses a
new database on a PostgreSQL server of the bench's own (scripts/pg-test-server.sh with
its own folder and port, stopped at the end), or on --url's server.

    python bench/sensors.py                         # 1, 3, 6 sensors x 600 hosts
    python bench/sensors.py --sensors 1,3 --hosts 200 --json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/sensors.py`
    sys.path.insert(0, str(ROOT))

BATCH = 32  # hosts per transaction: what a sensor's writer finds queued on a busy scan
BENCH_PG = {"CAMSCAN_PG_DIR": "/tmp/camscan-pg-bench-sensors", "CAMSCAN_PG_PORT": "54338"}


@dataclass
class Row:
    sensors: int
    shared_site: bool
    hosts: int  # stored, all sensors together
    devices: int  # distinct devices in the inventory afterwards
    wall_s: float  # the first write to the last scan closed
    devices_per_s: float  # hosts stored per second of wall
    conflicts: int
    migrate_s: float  # the slowest sensor's first open (migrations on the empty database)


def _reply(ip: str, n: int) -> bytes:
    body = (f"<html><head><title>Network Camera {n}</title></head><body>" + "x" * 800).encode()
    head = f"HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def _hosts(site: int, count: int) -> list[tuple[str, str, list[Any], Any]]:
    from camscan.fingerprint.verdict import Verdict
    from camscan.observations import Observation

    out = []
    for n in range(count):
        ip = f"10.{100 + site}.{n // 250}.{n % 250 + 2}"
        mac = f"44:19:b6:{site:02x}:{n // 256:02x}:{n % 256:02x}"
        obs = [
            Observation(probe="tcp", ip=ip, port=80, meta={"open": True}),
            Observation(probe="http", ip=ip, port=80, raw=_reply(ip, n), meta={"path": "/"}),
        ]
        verdict = Verdict(
            is_camera=True,
            device_type="camera",
            manufacturer="Hikvision",
            brand="Hikvision",
            model="DS-2CD2142FWD-I",
            firmware="V5.5.0 build 170725",
            serial=f"DS-2CD2142FWD-I2019{site:02d}{n:06d}",
            confidence=0.95,
            evidence=[{"source": "http", "field": "http.server", "value": "App-webs/"}],
        )
        out.append((ip, mac, obs, verdict))
    return out


def _sensor(url: str, site: int, count: int, gate: Any, results: Any) -> None:
    from camscan.inventory import repository as repo
    from camscan.inventory.db import open_inventory

    hosts = _hosts(site, count)
    gate.wait()
    t0 = time.monotonic()
    inv = open_inventory(url)
    opened = time.monotonic() - t0
    gate.wait()  # every sensor open: the writes start together
    begun = time.monotonic()
    scope = {"cidrs": [f"10.{100 + site}.0.0/16"], "targets": [f"10.{100 + site}.0.0/16"]}
    scan_id = repo.start_scan(inv, f"site {site}", scope, {"bench": True})
    for i in range(0, len(hosts), BATCH):
        repo.record_hosts(inv, scan_id, hosts[i : i + BATCH], spooled=True)
    repo.finish_scan(inv, scan_id, "complete", len(hosts))
    results.put((opened, begun, time.monotonic(), inv.conflicts, len(hosts)))
    inv.close()


def create_database(server: str, prefix: str = "camscan_bench_sensors") -> str:
    """A new empty database on the server of ``server`` (a URL); its URL."""
    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return str(sa.make_url(server).set(database=name).render_as_string(hide_password=False))


def drop_database(server: str, url: str) -> None:
    import sqlalchemy as sa

    name = sa.make_url(url).database
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _devices(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = int(conn.exec_driver_sql("SELECT count(*) FROM device").scalar() or 0)
    engine.dispose()
    return n


def measure(server: str, sensors: int, hosts: int, *, shared_site: bool = False) -> Row:
    """One row: ``sensors`` processes of ``hosts`` hosts each into a new database."""
    url = create_database(server)
    ctx = mp.get_context("spawn")
    gate = ctx.Barrier(sensors + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_sensor, args=(url, 0 if shared_site else i, hosts, gate, results))
        for i in range(sensors)
    ]
    try:
        for p in procs:
            p.start()
        gate.wait(timeout=120)  # all loaded: open together (the migrations race)
        gate.wait(timeout=300)  # all open: write together
        done = [results.get(timeout=600) for _ in procs]
        for p in procs:
            p.join(60)
        if any(p.exitcode != 0 for p in procs):
            raise RuntimeError(f"a sensor failed: exit codes {[p.exitcode for p in procs]}")
        wall = max(end for _o, _b, end, _c, _n in done) - min(b for _o, b, *_x in done)
        stored = sum(n for *_x, n in done)
        return Row(
            sensors=sensors,
            shared_site=shared_site,
            hosts=stored,
            devices=_devices(url),
            wall_s=round(wall, 2),
            devices_per_s=round(stored / wall, 1),
            conflicts=sum(c for *_x, c, _n in done),
            migrate_s=round(max(o for o, *_x in done), 2),
        )
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
        drop_database(server, url)


def own_server() -> str:
    """Start (or reuse) the bench's own PostgreSQL server; its URL."""
    out = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-server.sh")],
        env={**os.environ, **BENCH_PG},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.strip()


def stop_own_server() -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "pg-test-server.sh"), "stop"],
        env={**os.environ, **BENCH_PG},
        capture_output=True,
        timeout=120,
        check=False,
    )


def run(sensors: list[int], hosts: int, url: str | None = None) -> list[Row]:
    """Every row: each count of distinct-site sensors, then 3 sensors of one site."""
    server = url or own_server()
    try:
        rows = [measure(server, n, hosts) for n in sensors]
        rows.append(measure(server, min(3, max(sensors)), hosts, shared_site=True))
        return rows
    finally:
        if url is None:
            stop_own_server()


def table(rows: list[Row]) -> Any:
    from bench.report import Table

    t = Table(
        "Concurrent sensors into one PostgreSQL inventory",
        ("sensors", "sites", "hosts stored", "devices", "wall", "devices/s", "conflicts"),
    )
    for r in rows:
        t.rows.append(
            (
                str(r.sensors),
                "1 (same hosts)" if r.shared_site else str(r.sensors),
                f"{r.hosts:,}",
                f"{r.devices:,}",
                f"{r.wall_s:.1f} s",
                f"{r.devices_per_s:,.0f}",
                str(r.conflicts),
            )
        )
    t.notes.append(
        f"each sensor a process storing its hosts {BATCH} per transaction through "
        "repository.record_hosts (a TCP and a ~1 KB HTTP observation and a verdict each); "
        "probing left out; conflicts = identity locks waited for + transactions retried"
    )
    slowest = max(r.migrate_s for r in rows)
    t.notes.append(f"first open of the empty database (migrations once, others wait): {slowest} s")
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sensors", default="1,3,6", help="sensor counts, comma-separated")
    ap.add_argument("--hosts", type=int, default=600, help="hosts per sensor")
    ap.add_argument("--url", help="a PostgreSQL server URL (a new database is made on it)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.sensors.split(",") if x.strip()]
    rows = run(counts, args.hosts, args.url)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=1))
    else:
        print(table(rows).text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
