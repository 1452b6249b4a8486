"""Helpers of the sensor tests (tests/sensors): loopback sites, a database per test, real
`camscan scan` subprocesses.

Each site is a set of small HTTP servers of this test's own on loopback addresses
(127.0.4x.y: nothing leaves the machine); each test gets a database of its own on the
suite's PostgreSQL server (CAMSCAN_TEST_PG_URL, scripts/pg-test-server.sh), dropped after.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.sensors import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    """A port free on the sites' first address (each test run its own: two runs at once
    on one machine do not collide)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.41.2", 0))
        return int(s.getsockname()[1])


PORT = _free_port()
HOSTS_PER_SITE = 12
# site name -> the loopback block its devices answer on (127.0.4x.2-13)
SITES = {"north": 41, "south": 42, "east": 43}
# Each site's devices say a different maker, as camscan's rules read them.
SERVERS = {"north": "App-webs/", "south": "Webs", "east": "lighttpd/1.4.35"}


def site_ips(site: str) -> list[str]:
    block = SITES[site]
    return [f"127.0.{block}.{i}" for i in range(2, 2 + HOSTS_PER_SITE)]


def site_range(site: str) -> str:
    return f"127.0.{SITES[site]}.2-{1 + HOSTS_PER_SITE}"


class Device(BaseHTTPRequestHandler):
    delay = 0.05  # seconds before each reply (the tests that interrupt a scan slow it)

    def version_string(self) -> str:
        """The one Server header: the site's maker's (not http.server's own)."""
        block = int(str(self.server.server_address[0]).split(".")[2])
        return SERVERS[next(name for name, b in SITES.items() if b == block)]

    def do_GET(self) -> None:
        time.sleep(self.delay)
        if self.path != "/":  # no catch-all: only the front page exists
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><head><title>Network Camera</title></head><body></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def loopback_sites() -> Iterator[dict[str, list[str]]]:
    started = []
    for site in SITES:
        for ip in site_ips(site):
            srv = ThreadingHTTPServer((ip, PORT), Device)
            srv.daemon_threads = True
            threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
            started.append(srv)
    yield {site: site_ips(site) for site in SITES}
    for srv in started:
        srv.shutdown()
        srv.server_close()


def pg_url() -> str:
    url = os.environ.get("CAMSCAN_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CAMSCAN_TEST_PG_URL is not set: run the suite with `make test`")
        pytest.skip("no PostgreSQL server: `make test` starts one (scripts/pg-test-server.sh)")
    return url


def with_database(url: str, name: str) -> str:
    return str(sa.make_url(url).set(database=name).render_as_string(hide_password=False))


@pytest.fixture
def database() -> Iterator[str]:
    """The URL of an empty database of this test's own on the suite's server."""
    server = pg_url()
    url = create_database(server, "camscan_sensors")
    yield url
    drop_database(server, url)


@dataclass
class Sensor:
    site: str
    proc: subprocess.Popen[str]

    def wait(self, timeout: float = 120) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err


def scan_args(site: str, rate: int = 200) -> list[str]:
    """``scan`` of the site's loopback range, its one port, TCP and HTTP only."""
    return [
        "scan",
        site_range(site),
        "--site",
        site,
        "--ports",
        str(PORT),
        "--probes",
        "tcp,http",
        "--rate",
        str(rate),
        "--timeout",
        "2",
    ]


def _env(spool: Path) -> dict[str, str]:
    return {**os.environ, "CAMSCAN_SPOOL_DIR": str(spool)}


def camscan(*args: str, spool: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``camscan ARGS`` run to its end, its spool in ``spool``."""
    return subprocess.run(
        [sys.executable, "-m", "camscan", *args],
        cwd=ROOT,
        env=_env(spool),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_sensor(
    url: str, site: str, spool: Path, *, rate: int = 200, extra: tuple[str, ...] = ()
) -> Sensor:
    """``camscan --db URL scan <the site's range> --site SITE`` as a subprocess."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "camscan", "--db", url, *scan_args(site, rate), *extra],
        cwd=ROOT,
        env=_env(spool),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    return Sensor(site, proc)


def scalar(url: str, sql: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(sql).scalar() or 0)
    finally:
        engine.dispose()


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def sightings(url: str, site: str | None = None) -> int:
    """Sightings stored so far (0 while the schema is not there yet)."""
    where = (
        " JOIN scan ON scan.id = sighting.scan_id JOIN site ON site.id = scan.site_id "
        f"WHERE site.name = '{site}'"
        if site
        else ""
    )
    try:
        return scalar(url, "SELECT count(*) FROM sighting" + where)
    except sa.exc.DBAPIError:
        return 0


def wait_until(predicate: object, timeout: float = 60.0, what: str = "") -> None:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
