"""The dashboard under load: `camscan serve` on loopback over a 5,000-device inventory, 50
concurrent clients asking for the device list.

The inventory is built through the repository (``record_hosts``, 500 hosts a transaction:
ten sites of 500 devices of the makers, white labels and types of an ordinary estate) and
scored, then `camscan serve` runs as its own process on a free 127.0.0.1 port.  One account
logs in once (a login is ~0.4 s of scrypt by design, not what is measured); each of the
``clients`` async httpx clients has its own connection and that session's cookie, and
asks for ``path`` (default: the device table's first page, priority order) over and over
until ``seconds`` have passed or ``max_requests`` were sent.  Latency is per request, from
send to the last byte.  Only loopback is contacted.

    python bench/dashboard.py                      # 5,000 devices, 50 clients, 20 s
    python bench/dashboard.py --devices 500 --seconds 5 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/dashboard.py`
    sys.path.insert(0, str(ROOT))

ACCOUNT = ("bench", "the bench's own long passphrase")
# (maker, brand shown, model, device type, firmware): an estate of mostly Hikvision and
# Dahua units, some sold under other brands, and some other makers' cameras.
KINDS = (
    ("Hikvision", "Hikvision", "DS-2CD2042WD-I", "camera", "V5.4.0 build 160530"),
    ("Hikvision", "Annke", "I91BM", "camera", "V5.7.3 build 220112"),
    ("Hikvision", "Hikvision", "DS-7608NI-K2", "nvr", "V4.30.085 build 210623"),
    ("Dahua", "Dahua", "IPC-HFW2431S-S-S2", "camera", "2.800.0000000.16.R"),
    ("Dahua", "Amcrest", "IP2M-841", "camera", "2.800.00AC000.0.R.200101"),
    ("Dahua", "Lorex", "LNB4321B", "camera", "2.620.0000000.3.R"),
    ("Axis", "Axis", "P3245-LVE", "camera", "10.12.114"),
    ("Uniview", "Uniview", "IPC2122LR3-PF40", "camera", "GIPC-B6202.5.10"),
    ("Hanwha", "Hanwha", "XNV-6080R", "camera", "2.21.02"),
    ("HP", "HP", "LaserJet M404", "not_camera", None),
)
SITES = 10
BATCH = 500


@dataclass
class DashboardLoad:
    """One run: what was asked and how fast the answers came."""

    devices: int
    clients: int
    path: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    per_second: float
    build_seconds: float  # inventory built and scored (not part of the load)
    page_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        return (
            f"dashboard {self.path} over {self.devices:,} devices, {self.clients} clients: "
            f"{self.requests:,} requests in {self.seconds:.1f} s ({self.per_second:,.0f}/s), "
            f"p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, p99 {self.p99_ms:.0f} ms, "
            f"{self.errors} errors"
        )


def build_inventory(db: Path, devices: int) -> None:
    """``devices`` hosts over ten sites, stored and scored as a scan would."""
    from camscan.app.scores import rescore
    from camscan.fingerprint.verdict import Verdict
    from camscan.inventory import repository as repo
    from camscan.inventory.db import open_inventory
    from camscan.scope.targets import Scope, parse_target
    from camscan.web import accounts

    inv = open_inventory(str(db))
    per_site = -(-devices // SITES)
    made = 0
    for s in range(SITES):
        n = min(per_site, devices - made)
        if n <= 0:
            break
        cidr = f"10.{100 + s}.0.0/20"
        scope = Scope.build([parse_target(cidr, resolve=False)]).to_dict()
        scan = repo.start_scan(inv, f"Site {s + 1:02d}", scope, {"bench": True})
        hosts = []
        for i in range(n):
            maker, brand, model, kind, firmware = KINDS[(i * 7 + s) % len(KINDS)]
            verdict = Verdict(
                is_camera=kind != "not_camera",
                device_type=kind,
                manufacturer=maker,
                brand=brand,
                white_label=brand != maker,
                model=model,
                firmware=firmware,
                serial=f"BENCH{s:02d}{i:05d}",
                confidence=0.9,
                evidence=[{"source": "http", "field": "http.server", "value": model,
                           "strength": 0.9, "asserts": {"manufacturer": maker}}],
                exposure={"open_ports": [80, 554], "sdk_ports": [], "telnet": False},
            )  # fmt: skip
            ip = f"10.{100 + s}.{i // 250}.{i % 250 + 2}"
            mac = f"02:{s:02x}:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}"
            hosts.append((ip, mac, [], verdict))
        for at in range(0, n, BATCH):
            repo.record_hosts(inv, scan, hosts[at : at + BATCH])
        repo.finish_scan(inv, scan, "complete", n)
        made += n
    rescore(inv)
    accounts.add_account(inv, ACCOUNT[0], "viewer", ACCOUNT[1])
    inv.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    db: Path | str, *extra: str, timeout: float = 60.0, tries: int = 5
) -> tuple[subprocess.Popen[bytes], str]:
    """`camscan -q --db DB serve --port P EXTRA...` on a free loopback port, returned once
    it answers /healthz (another port is tried when the chosen one was taken meanwhile)."""
    import httpx

    err = b""
    for _ in range(tries):
        port = _free_port()
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "camscan", "-q", "--db", str(db), "serve",
                 "--port", str(port), *extra],
                stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    if httpx.get(url + "/healthz", timeout=2).text == "ok":
                        return proc, url
                except httpx.TransportError:
                    time.sleep(0.1)
            stop_server(proc)
            log.seek(0)
            err = log.read()
    raise RuntimeError(f"camscan serve did not start: {err.decode(errors='replace')[-500:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def csrf_of(html: str) -> str:
    """The form token of a dashboard page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def login(url: str) -> dict[str, str]:
    """The session cookie of one login through the form (its CSRF token included)."""
    import httpx

    with httpx.Client(base_url=url, timeout=30) as c:
        form = {"csrf": csrf_of(c.get("/login").text), "name": ACCOUNT[0],
                "password": ACCOUNT[1], "next": "/"}  # fmt: skip
        r = c.post("/login", data=form)
        if r.status_code != 303:
            raise RuntimeError(f"login failed: HTTP {r.status_code}")
        return dict(c.cookies)


async def _load(
    url: str, cookies: dict[str, str], path: str, clients: int, seconds: float, max_requests: int
) -> tuple[list[float], int, int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    size = 0
    sent = 0
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors, size, sent
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=url, cookies=cookies, limits=limits, timeout=60) as c:
            while time.perf_counter() < stop_at and sent < max_requests:
                sent += 1
                t0 = time.perf_counter()
                try:
                    r = await c.get(path)
                    body = r.content
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1
                size = len(body)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, size, time.perf_counter() - start


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(
    *,
    devices: int = 5000,
    clients: int = 50,
    seconds: float = 20.0,
    max_requests: int = 20000,
    path: str = "/devices",
    workdir: Path | None = None,
) -> DashboardLoad:
    """Build the inventory, serve it, load it; the server is stopped whatever happens."""
    with tempfile.TemporaryDirectory(prefix="camscan-bench-web-", dir=workdir) as tmp:
        db = Path(tmp) / "inventory.db"
        t0 = time.perf_counter()
        build_inventory(db, devices)
        built = time.perf_counter() - t0
        proc, url = start_server(db)
        try:
            cookies = login(url)
            lat, errors, size, wall = asyncio.run(
                _load(url, cookies, path, clients, seconds, max_requests)
            )
        finally:
            stop_server(proc)
    ms = [x * 1000 for x in lat]
    return DashboardLoad(
        devices=devices,
        clients=clients,
        path=path,
        requests=len(lat),
        errors=errors,
        seconds=wall,
        p50_ms=_percentile(ms, 50),
        p95_ms=_percentile(ms, 95),
        p99_ms=_percentile(ms, 99),
        max_ms=max(ms, default=0.0),
        per_second=len(lat) / wall if wall else 0.0,
        build_seconds=built,
        page_bytes=size,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devices", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20.0, help="load duration (bound)")
    ap.add_argument("--max-requests", type=int, default=20000, help="request count (bound)")
    ap.add_argument("--path", default="/devices", help="what each client asks for")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    result = run(devices=args.devices, clients=args.clients, seconds=args.seconds,
                 max_requests=args.max_requests, path=args.path)  # fmt: skip
    print(json.dumps(result.as_dict(), indent=2) if args.json else result.line())
    return 0 if result.errors == 0 and result.requests else 1


if __name__ == "__main__":
    sys.exit(main())
