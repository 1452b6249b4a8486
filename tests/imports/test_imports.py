"""`camscan import`: real sample files into real SQLite inventories (and one PostgreSQL round
trip), idempotency, merging with scanned devices, and hostile input.

The samples model what each tool prints: tests/bench/nmap-sample.xml (Debian nmap 7.93
-oX), Cisco IOS `show mac address-table` / `show ip arp`, Junos `show ethernet-switching
table`, HP ProCurve `show mac-address` (camscan/imports/switch_text.py cites the vendors'
command references), a Windows DHCP Server "Export List" CSV (Client IP Address, Name,
Unique ID)."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from camscan.app.ingest import import_file
from camscan.cli import cli
from camscan.fingerprint.verdict import Verdict
from camscan.imports import (
    ImportedHost,
    ImportFormatError,
    ReadContext,
    RecordError,
    detect,
    switch_text,
)
from camscan.imports import nmap as nmap_format
from camscan.inventory import models as m
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory, open_inventory
from camscan.inventory.models_imports import ImportFile

HERE = Path(__file__).parent
SAMPLES = HERE / "samples"
NMAP = HERE.parent / "bench" / "nmap-sample.xml"


def _counts(inv: Inventory) -> dict[str, int]:
    with inv.session() as s:
        return {
            t.__tablename__: int(s.scalar(sa.select(sa.func.count()).select_from(t)) or 0)
            for t in (m.Device, m.Scan, m.Sighting, m.Observation, m.Verdict, ImportFile)
        }


def _run(db: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    return res.exit_code, res.output


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_nmap_xml_import_identifies_and_twice_adds_nothing(tmp_path: Path) -> None:
    inv = open_inventory(str(tmp_path / "inv.db"))
    report = import_file(inv, NMAP, site="audit")
    assert report.status == "imported" and report.source.format == "nmap-xml"
    devices = {d.ip: d for d in queries.list_devices(inv)}
    assert set(devices) >= {"10.77.0.11", "10.77.0.12", "10.77.0.30", "10.77.8.20"}
    hik = devices["10.77.0.11"]
    assert hik.is_camera and hik.manufacturer == "Hikvision"
    assert any("seen only through import:nmap-xml" in n for n in hik.notes or [])
    before = _counts(inv)
    again = import_file(inv, NMAP, site="audit")
    assert again.status == "already imported" and again.imported_before
    assert _counts(inv) == before
    with inv.session() as s:
        row = s.scalars(sa.select(ImportFile)).one()
        assert (
            row.sha256 == _sha(NMAP)
            and row.format == "nmap-xml"
            and row.size == NMAP.stat().st_size
        )
        scan = s.get(m.Scan, row.scan_id)
        assert scan is not None and scan.options["kind"] == "import"
        stored = s.scalars(sa.select(m.Observation).where(m.Observation.probe == "http")).first()
        assert stored is not None and "nmap" in stored.meta["reconstructed"]
        sources = set(s.scalars(sa.select(m.Verdict.source)))
        assert sources == {"import:nmap-xml"}


def test_servicefp_reply_is_the_devices_bytes() -> None:
    fp = (
        'SF-Port80-TCP:V=7.93%I=7%D=12/2%Time=1%P=x86_64-pc-linux-gnu%r(GetRequest,50,"HTTP/1\\.0'
        '\\x20200\\x20OK\\r\\nServer:\\x20DNVRS-Webs\\r\\nContent-Length:\\x200\\r\\n\\r\\n")\n'
        'SF:%r(RTSPRequest,1F,"RTSP/1\\.0\\x20401\\x20Unauthorized\\r\\n\\r\\n");'
    )
    replies = nmap_format.servicefp_replies(fp)
    assert replies[0] == (
        "GetRequest",
        b"HTTP/1.0 200 OK\r\nServer: DNVRS-Webs\r\nContent-Length: 0\r\n\r\n",
        True,  # nmap says 0x50 bytes were sent; fewer were kept
    )
    assert replies[1][1] == b"RTSP/1.0 401 Unauthorized\r\n\r\n"


@pytest.mark.parametrize(
    ("prolog", "word"),
    [
        (b'<!DOCTYPE nmaprun [<!ENTITY a "aaaa">]>', "refused"),
        (b'<!DOCTYPE nmaprun SYSTEM "http://example.com/evil.dtd">', "refused"),
    ],
)
def test_nmap_dtd_or_entities_refused_inventory_unchanged(
    tmp_path: Path, prolog: bytes, word: str
) -> None:
    db = tmp_path / "inv.db"
    inv = open_inventory(str(db))
    import_file(inv, SAMPLES / "dhcp-leases.csv", site="audit")
    inv.close()
    data = NMAP.read_bytes().replace(b"<!DOCTYPE nmaprun>", prolog)
    bad = tmp_path / "evil.xml"
    bad.write_bytes(data)
    digest = _sha(db)
    code, out = _run(db, "import", str(bad), "--site", "audit")
    assert code == 2 and word in out and len(out.strip().splitlines()) == 1
    assert _sha(db) == digest


def test_nmap_cut_short_keeps_finished_hosts_exit_1(tmp_path: Path) -> None:
    data = NMAP.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b'<address addr="10.77.0.30"')])
    code, out = _run(tmp_path / "inv.db", "import", str(cut), "--json")
    report = json.loads(out[: out.rindex("}") + 1])
    assert code == 1 and report["record_errors"] == 1 and report["hosts"] >= 3


def test_sparse_2gb_file_streams_with_bounded_memory(tmp_path: Path) -> None:
    """nmap's header, then a 2 GB hole: read as a stream, one record error, nothing held."""
    big = tmp_path / "huge.xml"
    with big.open("wb") as f:
        f.write(NMAP.read_bytes()[:200])
        f.truncate(2 << 30)
    db = tmp_path / "inv.db"
    code, out = _run(db, "import", str(big), "--json")
    assert code in (1, 2), out
    junk = tmp_path / "zeros.bin"
    with junk.open("wb") as f:
        f.truncate(2 << 30)
    code, out = _run(db, "import", str(junk))
    assert code == 2 and "not a format camscan reads (tried:" in out


def test_binary_junk_refused_naming_formats(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(ImportFormatError, match=r"tried: .*nmap-xml.*csv"):
        detect(junk.read_bytes()[:4096], junk.name)


def test_csv_wrong_columns_names_the_expected_ones(tmp_path: Path) -> None:
    db = tmp_path / "inv.db"
    code, out = _run(db, "import", str(SAMPLES / "wrong-columns.csv"))
    assert code == 2 and "expected IP" in out and "MAC" in out
    assert len(out.strip().splitlines()) == 1


def test_mac_table_gives_a_routed_device_its_mac_and_keeps_its_verdict(tmp_path: Path) -> None:
    """A camera behind a router was scanned by IP only; the DHCP export names its MAC."""
    from sample_site import http_reply

    inv = open_inventory(str(tmp_path / "inv.db"))
    scan = repo.start_scan(inv, "audit", {"cidrs": ["10.30.8.0/24"]}, {})
    obs = [http_reply("10.30.8.20", 80, "App-webs/", "")]
    from camscan.app.identify import identify_document
    from camscan.fingerprint import load_engine
    from camscan.observations import evidence_document

    verdict = identify_document(load_engine(), evidence_document("10.30.8.20", obs))
    assert verdict.manufacturer == "Hikvision"
    dev_id = repo.record_host(inv, scan, "10.30.8.20", None, obs, verdict)
    repo.finish_scan(inv, scan, "complete", 1)

    report = import_file(inv, SAMPLES / "dhcp-leases.csv", site="audit")
    assert report.record_errors == 1 and "not a MAC address" in report.error_samples[0]
    assert report.updated_devices == 1 and report.new_devices == 1
    with inv.session() as s:
        dev = s.get(m.Device, dev_id)
        assert dev is not None and dev.mac == "c0:56:e3:aa:00:20"
        assert dev.manufacturer == "Hikvision"  # the scan's evidence was carried, not lost
        assert not any("never scanned" in n for n in dev.verdict.get("notes", []))


@pytest.mark.parametrize(
    ("sample", "rows"),
    [
        (
            "cisco-mac-address-table.txt",
            [
                ("01:00:0c:cc:cc:cc", None, "All", "CPU"),
                ("c0:56:e3:00:00:11", None, "20", "Gi1/0/11"),
                ("3c:ef:8c:00:00:01", None, "20", "Gi1/0/12"),
                ("00:40:8c:aa:bb:cc", None, "30", "Gi1/0/30"),
                ("c0:56:e3:aa:00:20", "10.30.8.20", None, "Vlan30"),
                ("00:11:22:33:44:01", "10.30.8.1", None, "Vlan30"),
            ],
        ),
        (
            "juniper-ethernet-switching-table.txt",
            [
                ("c0:56:e3:00:00:11", None, "cameras", "ge-0/0/11.0"),
                ("3c:ef:8c:00:00:01", None, "cameras", "ge-0/0/12.0"),
            ],
        ),
        (
            "aruba-procurve-mac-address.txt",
            [
                ("c0:56:e3:00:00:11", None, "20", "11"),
                ("3c:ef:8c:00:00:01", None, "20", "12"),
            ],
        ),
    ],
)
def test_switch_tables_read(
    sample: str, rows: list[tuple[str, str | None, str | None, str]]
) -> None:
    data = (SAMPLES / sample).read_bytes()
    fmt = detect(data[:4096], sample)
    assert fmt.name == "switch-text"
    got = [
        (h.mac, h.ip, h.vlan, h.switch_port)
        for h in switch_text.FORMAT.read(io.BytesIO(data), ReadContext(sample, len(data)))
        if isinstance(h, ImportedHost)
    ]
    assert got[0][0] == rows[0][0]
    assert [(r[0], r[1], r[3]) for r in got] == [(r[0], r[1], r[3]) for r in rows]
    assert [r[2] for r in got if r[2]] == [r[2] for r in rows if r[2]]


def test_mac_table_merges_with_scanned_devices(tmp_path: Path) -> None:
    from sample_site import SITE, build

    site = build(tmp_path / "site.db", two_scans=False)
    before = {d.id: d.manufacturer for d in queries.list_devices(site.inv)}
    report = import_file(site.inv, SAMPLES / "juniper-ethernet-switching-table.txt", site=SITE)
    after = {d.id: d.manufacturer for d in queries.list_devices(site.inv)}
    hik = site.ids["hik_old"]
    assert report.updated_devices >= 1 and hik in after and after[hik] == before[hik]
    assert len(after) == len(before) + report.new_devices


def test_camscan_json_export_round_trip(tmp_path: Path) -> None:
    from sample_site import build

    from camscan.reports.exports import to_json

    site = build(tmp_path / "site.db", two_scans=False)
    exported = tmp_path / "export.json"
    exported.write_text(to_json([d.as_dict() for d in queries.list_devices(site.inv)]))
    inv = open_inventory(str(tmp_path / "central.db"))
    report = import_file(inv, exported, site="north")
    assert report.source.format == "camscan-json" and report.record_errors == 0
    want = {(d.ip, d.manufacturer, d.brand, d.white_label) for d in queries.list_devices(site.inv)}
    got = {(d.ip, d.manufacturer, d.brand, d.white_label) for d in queries.list_devices(inv)}
    assert got == want


def test_jsonl_cut_mid_record_counts_an_error(tmp_path: Path) -> None:
    good = Verdict(is_camera=True, manufacturer="Dahua", brand="Amcrest", white_label=True)
    line = json.dumps({"ip": "10.1.1.5", "mac": None, **good.to_dict()})
    f = tmp_path / "devices.jsonl"
    f.write_text(line + "\n" + line.replace("10.1.1.5", "10.1.1.6")[:60])
    inv = open_inventory(str(tmp_path / "inv.db"))
    report = import_file(inv, f, site="x")
    assert report.hosts == 1 and report.record_errors == 1 and report.white_labels == 1


def test_dry_run_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "inv.db"
    inv = open_inventory(str(db))
    before = _counts(inv)
    report = import_file(inv, NMAP, site="audit", dry_run=True)
    assert report.status == "dry run" and report.hosts >= 5 and report.cameras >= 1
    assert _counts(inv) == before


def test_record_errors_are_records_not_exceptions() -> None:
    assert str(RecordError("line 3", "bad")) == "line 3: bad"


@pytest.mark.postgres
def test_postgresql_round_trip(tmp_path: Path) -> None:
    url = os.environ.get("CAMSCAN_TEST_PG_URL")
    if not url:
        pytest.fail("CAMSCAN_TEST_PG_URL is not set: run with `make test`")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = "camscan_imports_test"
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    db_url = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    inv = open_inventory(db_url)
    try:
        first = import_file(inv, NMAP, site="audit")
        before = _counts(inv)
        again = import_file(inv, NMAP, site="audit")
        assert first.hosts >= 5 and again.status == "already imported"
        assert _counts(inv) == before
    finally:
        inv.close()


def test_hostile_csv_rows_are_counted(tmp_path: Path) -> None:
    """An overlong row, a row with NUL bytes and a broken quote each cost one record."""
    f = tmp_path / "leases.csv"
    f.write_bytes(
        b"\xef\xbb\xbfIP Address;MAC Address;Hostname\r\n"
        b"10.9.0.5;C0-56-E3-00-09-05;cam-5\r\n"
        + b"10.9.0.6;" + b"A" * 20000 + b"\r\n"
        + b"10.9.0.7;\x00\x01\x02;x\r\n"
        + b'10.9.0.8;"c0:56:e3:00:09:08;bad\r\n'
        + b"10.9.0.9;c056.e300.0909;cam-9\r\n"
    )  # fmt: skip
    inv = open_inventory(str(tmp_path / "inv.db"))
    report = import_file(inv, f, site="x")
    assert report.hosts == 2 and report.record_errors == 3
    macs = {d.mac for d in queries.list_devices(inv)}
    assert macs == {"c0:56:e3:00:09:05", "c0:56:e3:00:09:09"}


def test_broadcast_block_from_the_group_address_is_filed_by_each_devices_url() -> None:
    """broadcast-wsdd-discover's layout (nmap/nmap:scripts/broadcast-wsdd-discover.nse)
    with the replies keyed by the multicast group instead of each sender."""
    output = (
        "\n  Devices\n    239.255.255.250\n"
        "        Message id: 6a2c419e-37a9-440d-8d4c-1a3e0dc86c8d\n"
        "        Address: http://10.77.0.17/onvif/device_service\n"
        "        Type: n:NetworkVideoTransmitter\n"
        "        Message id: 0b7d4c2e-0000-4000-8000-000000000021\n"
        "        Address: http://10.77.0.21:80/onvif/device_service\n"
        "        Type: n:NetworkVideoTransmitter\n"
        "    10.77.0.30\n"
        "        Message id: 1\n        Address: http://10.77.0.30/onvif/device_service\n"
    )
    blocks = nmap_format.by_sender(output)
    assert set(blocks) == {"10.77.0.17", "10.77.0.21", "10.77.0.30"}
    assert "10.77.0.21:80" in blocks["10.77.0.21"] and "10.77.0.17" not in blocks["10.77.0.21"]


def test_servicefp_canary_and_duplicate_replies() -> None:
    """nmap's FourOhFourRequest asks a path that cannot exist: its reply is the canary; an
    OPTIONS reply identical to the GET one is one piece of evidence, not two."""
    reply = '"HTTP/1\\.1\\x20200\\x20OK\\r\\nServer:\\x20x\\r\\n\\r\\n"'
    fp = f"SF-Port80-TCP:V=7.93%r(GetRequest,1D,{reply})%r(HTTPOptions,1D,{reply})"
    fp += f"%r(FourOhFourRequest,1D,{reply})%r(RTSPRequest,1D,{reply});"
    svc = nmap_format.NmapService(port=80, proto="tcp", state="open", name="http", servicefp=fp)
    obs = nmap_format.host_observations(nmap_format.NmapHost(ip="10.0.0.9", services=[svc]))
    http = [o for o in obs if o.probe == "http"]
    assert [(o.meta["path"], o.meta.get("canary", False)) for o in http] == [
        ("/", False),
        ("/nice%20ports%2C/Tri%6Eity.txt%2ebak", True),
    ]
    assert not [o for o in obs if o.probe == "rtsp"]  # an HTTP reply to RTSP OPTIONS


def test_one_serial_at_two_addresses_is_one_device(tmp_path: Path) -> None:
    """Records of one unit under two IPs (it moved between exports) name one serial: the
    second is counted as a duplicate, not a second device or a second sighting."""
    from camscan.app.ingest import ImportSource, ingest

    v = Verdict(is_camera=True, manufacturer="Hikvision", serial="DS-2CD2142FWD-I20170110AAWR7")
    records = [ImportedHost(ip="10.5.0.10", verdict=v), ImportedHost(ip="10.5.0.11", verdict=v)]
    inv = open_inventory(str(tmp_path / "inv.db"))
    source = ImportSource(name="two.jsonl", format="camscan-json", origin="import:camscan-json")
    report = ingest(inv, site="x", source=source, hosts=records)
    assert report.hosts == 1 and report.duplicates == 1
    assert len(queries.list_devices(inv)) == 1


def test_import_scores_with_the_users_policy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$CAMSCAN_POLICY is laid over the default for an import as for a scan (the import
    scored with the shipped policy alone before)."""
    policy = tmp_path / "hospital.toml"
    policy.write_text('name = "hospital"\nversion = "2026-12"\n', encoding="utf-8")
    monkeypatch.setenv("CAMSCAN_POLICY", str(policy))
    db = tmp_path / "inv.db"
    code, out = _run(db, "import", str(NMAP), "--site", "audit")
    assert code in (0, 1), out
    inv = open_inventory(str(db))
    try:
        factors = [f for d in queries.list_devices(inv) for f in d.score_factors or []]
    finally:
        inv.close()
    assert factors and {f["policy"].split(" (")[0] for f in factors} == {"hospital 2026-12"}
