"""Capture files into observations and the inventory: pcap (micro/nanoseconds, both byte
orders), pcapng (two interfaces of different link types), files cut short or corrupt, a
real tcpdump capture of a loopback camera-like web server, and `import` into an empty
inventory."""

from __future__ import annotations

import io
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest
from passive_frames import arp, ipv4, pcap, pcapng, tcp_conversation, udp, udp_frame
from passive_samples import DAHUA_HELLO, HIK_HTTP, HIK_SADP

from camscan.app.ingest import import_file, open_import
from camscan.imports import ImportedHost, ImportFormatError, RecordError, detect, formats
from camscan.inventory.db import open_inventory
from camscan.inventory.queries import list_devices
from camscan.passive.capture import CaptureError, ReadState, read_frames

DEV, HIK, CLIENT = "10.0.0.80", "10.0.0.64", "10.0.0.5"


def _frames() -> list[bytes]:
    return [
        arp(DEV),
        udp_frame(DEV, "239.255.255.250", 3702, 3702, DAHUA_HELLO),
        udp_frame(HIK, "239.255.255.250", 37020, 37020, HIK_SADP, mac=b"\x58\x50\xed\x1f\xe3\x85"),
        *tcp_conversation(HIK, CLIENT, 80, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", HIK_HTTP),
    ]


def _hosts(data: bytes, **options: str) -> tuple[dict[str, ImportedHost], list[RecordError]]:
    from camscan.imports import ReadContext
    from camscan.imports.pcap import read

    hosts: dict[str, ImportedHost] = {}
    errors: list[RecordError] = []
    for rec in read(io.BytesIO(data), ReadContext("x.pcap", len(data), options)):
        if isinstance(rec, RecordError):
            errors.append(rec)
        else:
            hosts[rec.ip or ""] = rec
    return hosts, errors


@pytest.mark.parametrize(("order", "nano"), [("<", False), (">", False), ("<", True), (">", True)])
def test_pcap_in_either_byte_order_and_resolution(order: str, nano: bool) -> None:
    data = pcap(_frames(), order=order, nano=nano)
    assert detect(data[:4096], "capture.bin").name == "pcap"
    state = ReadState()
    ts = [f.ts for f in read_frames(io.BytesIO(data), state)]
    assert state.records == len(_frames()) and state.truncated is None
    assert ts[0] == pytest.approx(1_700_000_000 + (500e-9 if nano else 500e-6))
    hosts, errors = _hosts(data)
    assert sorted(hosts) == [HIK, DEV] and not errors
    assert {o.probe for o in hosts[HIK].observations} == {"sadp", "tcp", "http"}


def test_pcapng_with_two_interfaces_of_different_link_types() -> None:
    raw_ip = ipv4(DEV, "239.255.255.250", 17, udp(3702, 3702, DAHUA_HELLO))  # LINKTYPE_RAW
    data = pcapng([(0, _frames()[2]), (1, raw_ip)], linktypes=(1, 101))
    assert detect(data[:4096], "capture.pcapng").name == "pcap"
    hosts, errors = _hosts(data)
    assert sorted(hosts) == [HIK, DEV] and not errors
    assert hosts[DEV].observations[0].probe == "wsdiscovery"


def test_a_file_cut_short_keeps_what_was_read_and_says_where() -> None:
    data = pcap(_frames())
    cut = data[: len(data) - 30]
    hosts, errors = _hosts(cut)
    assert DEV in hosts and HIK in hosts  # the SADP reply came before the cut
    assert len(errors) == 1 and "capture ends early" in errors[0].message
    ng = pcapng([(0, f) for f in _frames()])
    hosts, errors = _hosts(ng[:-20])
    assert DEV in hosts and len(errors) == 1 and "unreadable" in errors[0].message


def test_corrupt_lengths_do_not_read_the_rest_of_the_file() -> None:
    good = pcap(_frames()[:2])
    # a record claiming 3 GB: the read stops there, nothing is allocated for it
    bad = good + struct.pack("<IIII", 1, 0, 3 << 30, 3 << 30) + b"x" * 100
    hosts, errors = _hosts(bad)
    assert DEV in hosts and "claims 3,221,225,472 bytes" in errors[0].message
    ng = pcapng([(0, _frames()[1])])
    bad = ng + struct.pack("<II", 6, 0xFFFFFFF0) + b"\0" * 64
    hosts, errors = _hosts(bad)
    assert DEV in hosts and errors and "corrupt" in errors[0].message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xa1\xb2\xc3\xd4",
        b"\xd4\xc3\xb2\xa1" + b"\x07\x00" + b"\0" * 18,
        b"\x0a\x0d\x0d\x0a\0\0",
    ],
)
def test_no_capture_at_all_is_one_format_error(data: bytes) -> None:
    with pytest.raises(ImportFormatError):
        _hosts(data)
    with pytest.raises(CaptureError):
        list(read_frames(io.BytesIO(b"GIF89a....")))


def test_a_large_capture_streams_in_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    frame = udp_frame(DEV, "239.255.255.250", 1900, 1900, b"NOTIFY * HTTP/1.1\r\nNT: a\r\n\r\n")
    path = tmp_path / "big.pcap"
    with path.open("wb") as f:
        f.write(pcap([]))
        rec = struct.pack("<IIII", 1, 0, len(frame), len(frame)) + frame
        f.write(rec * 200_000)  # ~20 MB
    tracemalloc.start()
    with path.open("rb") as f:
        n = sum(1 for _ in read_frames(f))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 200_000 and peak < 2 << 20


def test_import_into_an_empty_inventory_and_twice_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "lab.pcap"
    path.write_bytes(pcap(_frames()))
    assert "pcap" in [f.name for f in formats()]
    inv = open_inventory(str(tmp_path / "inv.db"))
    try:
        report = import_file(inv, path, site="hospital")
        assert report.hosts == 2 and report.cameras == 2
        assert report.makers == {"Dahua": 1, "Hikvision": 1}
        devices = {d.ip: d for d in list_devices(inv)}
        assert devices[DEV].mac == "9c:8e:cd:01:02:03"
        notes = " ".join(devices[HIK].notes or [])
        assert "never scanned" in notes and "ONVIF device information" in notes
        again = import_file(inv, path, site="hospital")
        assert again.status == "already imported" and len(list_devices(inv)) == 2
    finally:
        inv.close()
    source, _ = open_import(path)
    assert source.format == "pcap"


class _CameraLikeServer:
    """A loopback web server answering as Hikvision's App-webs does (HIK_HTTP)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for _ in range(2):
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(4096)
                conn.sendall(HIK_HTTP)

    def close(self) -> None:
        self.sock.close()


@pytest.mark.root
def test_a_tcpdump_capture_of_a_loopback_camera_web_server(tmp_path: Path) -> None:
    tcpdump = shutil.which("tcpdump")
    assert tcpdump, "tcpdump is needed (apt-get install tcpdump)"
    server = _CameraLikeServer()
    out = tmp_path / "lo.pcap"
    proc = subprocess.Popen(
        [
            "timeout",
            "15",
            tcpdump,
            "-i",
            "lo",
            "--immediate-mode",
            "-U",
            "-c",
            "40",
            "-w",
            str(out),
            f"tcp port {server.port}",
        ],
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        assert b"listening" in proc.stderr.readline()  # tcpdump prints it once it captures
        time.sleep(0.3)
        for path in ("/", "/doc/page/login.asp"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=3) as c:
                c.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                while c.recv(4096):
                    pass
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        server.close()
    hosts, errors = _hosts(out.read_bytes())
    assert not errors
    http = [o for o in hosts["127.0.0.1"].observations if o.probe == "http"]
    assert sorted(o.meta["path"] for o in http) == ["/", "/doc/page/login.asp"]
    assert all(o.raw == HIK_HTTP and o.port == server.port for o in http)
    inv = open_inventory(str(tmp_path / "inv.db"))
    try:
        report = import_file(inv, out, site="lo")
        assert report.makers == {"Hikvision": 1}
    finally:
        inv.close()
