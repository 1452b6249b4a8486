"""Several sensors at once into one PostgreSQL inventory (issue 14): real `camscan scan`
subprocesses of three loopback sites, a database of each test's own."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from sensor_sites import (
    HOSTS_PER_SITE,
    PORT,
    SITES,
    camscan,
    rows,
    scalar,
    sightings,
    site_ips,
    site_range,
    start_sensor,
    wait_until,
)

from camscan.inventory.db import head_revision

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("loopback_sites")]


def site_devices(url: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for site, ip in rows(
        url, "SELECT site.name, device.ip FROM device JOIN site ON site.id = device.site_id"
    ):
        found.setdefault(str(site), set()).add(str(ip))
    return found


def test_three_sensors_at_once_into_an_empty_inventory(database: str, tmp_path: Path) -> None:
    """Three sites and a second sensor of one of them, all started together on an empty
    database: the migrations run once, every device is stored once, every scan complete."""
    sensors = [start_sensor(database, site, tmp_path) for site in (*SITES, "north")]
    results = [s.wait() for s in sensors]
    for (code, _out, err), s in zip(results, sensors, strict=True):
        assert code == 0, f"{s.site}: {err[-2000:]}"
    assert scalar(database, "SELECT version_num FROM alembic_version") == int(head_revision())
    assert site_devices(database) == {site: set(site_ips(site)) for site in SITES}
    assert scalar(database, "SELECT count(*) FROM device") == len(SITES) * HOSTS_PER_SITE
    dupes = rows(
        database,
        "SELECT site_id, ip, count(*) FROM device GROUP BY site_id, ip HAVING count(*) > 1",
    )
    assert dupes == []
    scans = rows(database, "SELECT status, devices_found FROM scan ORDER BY id")
    assert [s for s, _ in scans] == ["complete"] * 4
    assert [n for _, n in scans] == [HOSTS_PER_SITE] * 4
    assert scalar(database, "SELECT count(DISTINCT uuid) FROM scan_sensor") == 4
    assert list(tmp_path.rglob("*.jsonl")) == []  # every spool stored and removed


def camscan_json(url: str, spool: Path, *args: str) -> object:
    import json

    done = camscan("--db", url, *args, spool=spool, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_sensor_killed_mid_scan_keeps_what_it_committed(database: str, tmp_path: Path) -> None:
    """One of three sensors is SIGKILLed mid-scan: what it had committed stays, its scan is
    marked incomplete, and the next sensor of the inventory stores what its spool held."""
    slow = start_sensor(database, "south", tmp_path, rate=4)
    others = [start_sensor(database, site, tmp_path) for site in ("north", "east")]
    try:
        wait_until(lambda: sightings(database, "south") >= 3, 90, "the slow sensor's hosts")
    finally:
        slow.proc.send_signal(signal.SIGKILL)
        slow.proc.wait(30)
    kept = sightings(database, "south")
    for s in others:
        code, _out, err = s.wait()
        assert code == 0, err[-2000:]
    assert 3 <= kept < HOSTS_PER_SITE
    assert sightings(database, "south") == kept  # nothing of it lost, nothing added after
    spools = list(tmp_path.rglob("*.jsonl"))
    assert len(spools) == 1  # the killed sensor's; the others removed theirs

    scans = camscan_json(database, tmp_path, "scans", "--format", "json")
    assert isinstance(scans, list)
    by_site = {s["site"]: s for s in scans}
    assert by_site["south"]["status"] == "incomplete"  # its process is gone
    assert by_site["south"]["devices_found"] == kept
    assert by_site["north"]["status"] == by_site["east"]["status"] == "complete"

    # The next sensor of this inventory (another site's) replays the orphaned spool once.
    again = start_sensor(database, "east", tmp_path)
    code, _out, err = again.wait()
    assert code == 0, err[-2000:]
    assert "left in its spool are now stored" in err
    assert list(tmp_path.rglob("*.jsonl")) == []
    recovered = sightings(database, "south")
    assert kept <= recovered <= HOSTS_PER_SITE
    south = rows(
        database,
        "SELECT scan.status, scan.devices_found, scan.note FROM scan JOIN site "
        "ON site.id = scan.site_id WHERE site.name = 'south'",
    )
    assert south[0][:2] == ("incomplete", recovered)
    assert "recovered from its spool" in str(south[0][2])
    ips = rows(
        database,
        "SELECT device.ip FROM device JOIN site ON site.id = device.site_id "
        "WHERE site.name = 'south'",
    )
    assert len(ips) == len({ip for (ip,) in ips}) == recovered


# --- the server restarted mid-scan --------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnServer:
    """A PostgreSQL server of this test's own (its own data folder and port), started with
    the suite's script, so restarting it disturbs no other test."""

    def __init__(self) -> None:
        import tempfile

        self.dir = Path(tempfile.mkdtemp(prefix="camscan-pg-sensors-"))
        self.port = _free_port()
        self.env = {"CAMSCAN_PG_DIR": str(self.dir), "CAMSCAN_PG_PORT": str(self.port)}
        self.url = self._script()
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]

    def _script(self, *args: str) -> str:
        import os
        import subprocess

        out = subprocess.run(
            ["scripts/pg-test-server.sh", *args],
            cwd=Path(__file__).resolve().parents[2],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return out.stdout.strip()

    def pg_ctl(self, *args: str) -> None:
        import os
        import subprocess

        cmd = [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, capture_output=True, timeout=60, check=True)

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        opts = f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-l", str(self.dir / "log"), "-w", "-o", opts, "start")

    def remove(self) -> None:
        self._script("stop")


@pytest.fixture
def own_server() -> object:
    import shutil

    if shutil.which("runuser") is None and not sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        pytest.fail("PostgreSQL is not installed: run `make deps`")
    server = OwnServer()
    try:
        yield server
    finally:
        server.remove()


def test_the_server_restarted_mid_scan_loses_nothing(own_server: OwnServer, tmp_path: Path) -> None:
    """Three sensors; the server stops for a few seconds mid-scan and comes back: the
    sensors try again with backoff, say so, and every host is stored."""
    import time

    url = own_server.url
    sensors = [start_sensor(url, site, tmp_path, rate=6) for site in SITES]
    wait_until(lambda: sightings(url) >= 6, 90, "the first hosts")
    own_server.stop()
    time.sleep(3)
    own_server.start()
    results = [s.wait(180) for s in sensors]
    for (code, _out, err), s in zip(results, sensors, strict=True):
        assert code == 0, f"{s.site}: {err[-2000:]}"
    assert any("unreachable" in err and "nothing was lost" in err for _c, _o, err in results)
    assert site_devices(url) == {site: set(site_ips(site)) for site in SITES}
    scans = rows(url, "SELECT status, devices_found FROM scan ORDER BY id")
    assert scans == [("complete", HOSTS_PER_SITE)] * len(SITES)
    assert list(tmp_path.rglob("*.jsonl")) == []


# --- the least-privilege role of docs/sensors.md -----------------------------------------


def test_the_documented_roles_run_a_sensor(tmp_path: Path) -> None:
    """The SQL of docs/sensors.md, as written (names made unique to this test): the owner
    runs the migrations, the sensor role scans into the inventory and cannot create a table."""
    import re
    import shutil
    import subprocess
    import uuid

    import sqlalchemy as sa
    from sensor_sites import pg_url

    doc = (Path(__file__).resolve().parents[2] / "docs" / "sensors.md").read_text()
    block = doc.split("<!-- sensors-roles:", 1)[1].split("```sql\n", 1)[1].split("```", 1)[0]
    tag = uuid.uuid4().hex[:8]
    names = {
        "camscan_owner": f"camscan_owner_{tag}",
        "camscan_sensor": f"camscan_sensor_{tag}",
        "camscan": f"camscan_roles_{tag}",
    }
    sql = re.sub(r"\b(camscan_owner|camscan_sensor|camscan)\b", lambda mt: names[mt[1]], block)
    server = sa.make_url(pg_url())
    psql = shutil.which("psql") or str(sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1])
    script = tmp_path / "roles.sql"
    script.write_text(sql)
    base = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(server.host)]
    base += ["-p", str(server.port), "-U", str(server.username)]
    subprocess.run([*base, "-d", str(server.database), "-f", str(script)], check=True, timeout=60)

    def url(role: str) -> str:
        return str(
            server.set(username=names[role], database=names["camscan"]).render_as_string(
                hide_password=False
            )
        )

    try:
        owner = subprocess.run(
            [sys.executable, "-m", "camscan", "--db", url("camscan_owner"), "scans"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert owner.returncode == 0, owner.stderr
        code, _out, err = start_sensor(url("camscan_sensor"), "east", tmp_path).wait()
        assert code == 0, err[-2000:]
        assert sightings(url("camscan_sensor"), "east") == HOSTS_PER_SITE
        engine = sa.create_engine(url("camscan_sensor"))
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE intruder (id int)")
        engine.dispose()
    finally:
        for drop in (
            f'DROP DATABASE IF EXISTS "{names["camscan"]}" WITH (FORCE)',
            f'DROP ROLE IF EXISTS "{names["camscan_owner"]}"',
            f'DROP ROLE IF EXISTS "{names["camscan_sensor"]}"',
        ):
            subprocess.run([*base, "-d", str(server.database), "-c", drop], timeout=60, check=True)


def test_a_server_gone_for_good_leaves_the_spool_for_the_next_run(
    own_server: OwnServer, tmp_path: Path
) -> None:
    """The server stops mid-scan and stays away past the last write's patience: the scan
    says ``spooled``, its hosts and end wait in the spool, and once the server is back the
    next run stores them and closes the scan as it ended (complete)."""
    import threading

    from camscan.app import scan as scanning
    from camscan.discovery.records import ScanOptions
    from camscan.inventory import spool
    from camscan.inventory.db import open_inventory
    from camscan.scope import build_scope

    url = own_server.url
    inv = open_inventory(url)
    stopped = threading.Event()

    def stop_after_first_hosts() -> None:
        wait_until(lambda: sightings(url) >= 2, 60, "the first hosts")
        inv.engine.dispose()
        own_server.stop()
        stopped.set()

    threading.Thread(target=stop_after_first_hosts, daemon=True).start()
    report = scanning.run(
        inv,
        build_scope([site_range("south")]),
        site="south",
        options=ScanOptions(ports=(PORT,), rate=12, probes=frozenset({"tcp", "http"})),
        recorded_options={},
        patience=1.0,
        spool_dir=tmp_path,
    )
    assert stopped.is_set()
    assert report.status == "spooled", report
    assert any("spool" in n for n in report.notes)
    (kept,) = list(tmp_path.rglob("*.jsonl"))
    assert '"finish"' in kept.read_text().splitlines()[-1]

    own_server.start()
    inv.engine.dispose()
    notes = spool.recover(inv, folder=tmp_path)
    assert len(notes) == 1 and "now stored" in notes[0]
    assert list(tmp_path.rglob("*.jsonl")) == []
    assert rows(url, "SELECT status, devices_found FROM scan") == [("complete", HOSTS_PER_SITE)]
    assert site_devices(url) == {"south": set(site_ips("south"))}
    inv.close()
