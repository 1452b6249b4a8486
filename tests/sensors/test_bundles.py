"""Offline bundles (issue 14): a scan into a bundle file, imported into an empty PostgreSQL
inventory, gives the same devices and verdicts as a direct scan; importing it twice adds
nothing; damaged, cut-short, foreign and newer bundles are refused with one line, exit 2,
and the inventory unchanged."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sensor_sites import (
    HOSTS_PER_SITE,
    camscan,
    create_database,
    drop_database,
    pg_url,
    rows,
    scalar,
    scan_args,
)

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("loopback_sites")]

VERDICT = (
    "SELECT site.name, device.ip, device.is_camera, device.device_type, device.manufacturer, "
    "device.brand, device.model, device.firmware FROM device JOIN site ON site.id = device.site_id "
    "ORDER BY device.ip"
)
COUNTS = (
    "SELECT (SELECT count(*) FROM device) + 1000 * (SELECT count(*) FROM observation) "
    "+ 1000000 * (SELECT count(*) FROM scan)"
)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[object, ...]]]:
    """One bundle of site 'north', and the devices a direct scan of it stores."""
    work = tmp_path_factory.mktemp("bundle")
    bundle = work / "north.camscan"
    done = camscan(*scan_args("north"), "--bundle", str(bundle), spool=work)
    assert done.returncode == 0, done.stderr[-2000:]
    assert bundle.is_file() and not (work / "north.camscan.part").exists()
    # The part file a killed scan leaves is never written over.
    cut = work / "cut.camscan"
    (work / "cut.camscan.part").write_text("hosts of a killed scan\n")
    refused = camscan(*scan_args("north"), "--bundle", str(cut), spool=work)
    assert refused.returncode == 2 and "cut short" in refused.stderr, refused.stderr
    assert (work / "cut.camscan.part").read_text() == "hosts of a killed scan\n"
    server = pg_url()
    direct = create_database(server)
    try:
        done = camscan("--db", direct, *scan_args("north"), spool=work)
        assert done.returncode == 0, done.stderr[-2000:]
        truth = rows(direct, VERDICT)
    finally:
        drop_database(server, direct)
    assert len(truth) == HOSTS_PER_SITE
    # Named as the rules read an 'App-webs/' server (hikvision.http.server.app-webs).
    assert {(r[2], r[4]) for r in truth} == {(True, "Hikvision")}, truth
    return bundle, truth


def test_bundle_round_trip(
    scanned: tuple[Path, list[tuple[object, ...]]], database: str, tmp_path: Path
) -> None:
    bundle, truth = scanned
    with zipfile.ZipFile(bundle) as z:
        assert z.namelist() == ["camscan-bundle", "hosts.jsonl", "manifest.json"]
        manifest = json.loads(z.read("manifest.json"))
        assert manifest["format_version"] == 1 and manifest["site"] == "north"
        assert manifest["scans"][0]["status"] == "complete"
        assert manifest["files"]["hosts.jsonl"]["hosts"] == HOSTS_PER_SITE
    done = camscan("--db", database, "import", str(bundle), "--json", spool=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["site"] == "north"  # the bundle's own site
    assert rows(database, VERDICT) == truth
    # The replies are stored byte for byte: each device has its HTTP reply with its Server.
    servers = rows(database, "SELECT raw FROM observation WHERE probe = 'http'")
    assert len(servers) >= HOSTS_PER_SITE
    assert all(b"Server: App-webs/" in bytes(r) for (r,) in servers)  # type: ignore[arg-type]

    import hashlib

    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert rows(database, "SELECT origin, bundle_sha256 FROM scan_sensor") == [("bundle", digest)]
    before = scalar(database, COUNTS)
    again = camscan("--db", database, "import", str(bundle), "--json", spool=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert json.loads(again.stdout)["status"] == "already imported"
    assert scalar(database, COUNTS) == before
    assert rows(database, VERDICT) == truth


def _rewrite(src: Path, dst: Path, change: dict[str, object]) -> None:
    """A copy of ``src`` with manifest fields changed (checksums left right)."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "manifest.json":
                data = json.dumps({**json.loads(data), **change}).encode()
            out.writestr(info, data)


def _flip(src: Path, dst: Path) -> None:
    """A copy of ``src`` with one byte changed inside the hosts member's data."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("hosts.jsonl")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    data[at] ^= 0x55
    dst.write_bytes(bytes(data))


def _bad(kind: str, bundle: Path, bad: Path) -> None:
    if kind == "corrupt":
        _flip(bundle, bad)
    elif kind == "truncated":
        bad.write_bytes(bundle.read_bytes()[: bundle.stat().st_size * 2 // 3])
    elif kind == "foreign":
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr("content.xml", "<office:document-content/>")
    elif kind == "newer":
        _rewrite(bundle, bad, {"format_version": 2, "camscan_version": "9.0.0"})
    else:
        bad.write_bytes(b"\x00\x01camscan? no" * 100)


WORDS = {
    "corrupt": "damaged",
    "truncated": "damaged or truncated",
    "foreign": "not a camscan bundle",
    "newer": "upgrade camscan",
    "not-a-zip": "damaged or truncated",
}


def test_bad_bundles_refused(
    scanned: tuple[Path, list[tuple[object, ...]]], database: str, tmp_path: Path
) -> None:
    """Each bad bundle: one line, exit 2, the inventory (which already holds the good
    bundle's devices) unchanged; recognised without --format too."""
    from click.testing import CliRunner

    from camscan.cli import cli

    bundle, _ = scanned
    first = camscan("--db", database, "import", str(bundle), spool=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    before = scalar(database, COUNTS), rows(database, VERDICT)
    for kind, words in WORDS.items():
        bad = tmp_path / f"{kind}.camscan"
        _bad(kind, bundle, bad)
        for forced in (["--format", "bundle"], []):
            done = CliRunner().invoke(cli, ["--db", database, "import", str(bad), *forced])
            assert done.exit_code == 2, (kind, forced, done.output)
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            assert len(lines) == 1 and "Traceback" not in done.output, (kind, done.output)
            if forced:
                assert words in lines[0], (kind, lines[0])
            assert (scalar(database, COUNTS), rows(database, VERDICT)) == before, kind
