"""The scan pipeline against real sockets on loopback (127.0.60.x), no lab needed.

Each test starts small real servers (HTTP, a WS-Discovery responder, hostile ones) in this
process and runs the real pipeline over a loopback range; nothing leaves the machine and
no multicast is sent (loopback is not a local segment for the pipeline).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from camscan.discovery.pipeline import HostResult, ScanOptions, run_scan
from camscan.scope import build_scope

PORT = 18081
ONVIF_OK = (
    b'<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body>'
    b"<tds:GetDeviceInformationResponse><tds:Manufacturer>ACME</tds:Manufacturer>"
    b"<tds:Model>CAM-1</tds:Model><tds:FirmwareVersion>1.0</tds:FirmwareVersion>"
    b"<tds:SerialNumber>S1</tds:SerialNumber><tds:HardwareId>H</tds:HardwareId>"
    b"</tds:GetDeviceInformationResponse></s:Body></s:Envelope>"
)
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body>'
    b"<tds:GetDeviceInformationResponse><tds:Model>&c;</tds:Model>"
    b"</tds:GetDeviceInformationResponse></s:Body></s:Envelope>"
)


class _Recorder:
    """Which (ip, port) pairs saw a connection: proves what the scanner touched."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def add(self, ip: str) -> None:
        with self.lock:
            self.seen.add(ip)


def _handler(kind: str, rec: _Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, ctype: str = "text/html") -> None:
            self.send_response(status)
            self.send_header("Server", "TestCam-Webs")
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            rec.add(self.server.server_address[0])  # type: ignore[index]
            if kind == "endless":
                self.send_response(200)
                self.end_headers()
                try:
                    for _ in range(10_000):  # bounded: ~80 MB at most, the scanner cuts it
                        self.wfile.write(b"x" * 8192)
                except OSError:
                    pass
                return
            if kind == "catchall" or self.path == "/":
                self._send(200, b"<html><title>Test camera</title></html>")
            else:
                self._send(404, b"<html><title>Not found</title></html>")

        def do_POST(self) -> None:
            rec.add(self.server.server_address[0])  # type: ignore[index]
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(min(length, 65536))
            if b"GetDeviceInformation" in body:
                self._send(200, BOMB if kind == "bomb" else ONVIF_OK, "application/soap+xml")
            else:
                self._send(200, b"<ok/>", "application/soap+xml")

    return Handler


def _serve(ip: str, kind: str, rec: _Recorder) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((ip, PORT), _handler(kind, rec))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _tarpit(ip: str, stop: threading.Event) -> socket.socket:
    """Accepts connections and never answers (until the test ends)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((ip, PORT))
    sock.listen(64)
    held: list[socket.socket] = []

    def loop() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue
        for c in held:
            c.close()

    threading.Thread(target=loop, daemon=True).start()
    return sock


def _wsd_responder(ip: str, xaddr_ip: str, stop: threading.Event) -> socket.socket:
    """Answers a unicast WS-Discovery probe with ProbeMatches naming ``xaddr_ip``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((ip, 3702))
    sock.settimeout(0.2)
    reply = (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Body><d:ProbeMatches>'
        "<d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:1</a:Address>"
        "</a:EndpointReference><d:Scopes>onvif://www.onvif.org/hardware/CAM-1</d:Scopes>"
        f"<d:XAddrs>http://{xaddr_ip}:{PORT}/onvif/device_service</d:XAddrs>"
        "</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"
    ).encode()

    def loop() -> None:
        for _ in range(200):  # bounded: answers at most 200 datagrams
            if stop.is_set():
                return
            try:
                _data, addr = sock.recvfrom(65535)
            except OSError:
                continue
            sock.sendto(reply, addr)

    threading.Thread(target=loop, daemon=True).start()
    return sock


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    ev = threading.Event()
    yield ev
    ev.set()


def scan(targets: list[str], exclude: tuple[str, ...] = (), **kw: object) -> list[HostResult]:
    scope = build_scope(targets, exclude=exclude)
    found: list[HostResult] = []

    async def on_host(h: HostResult) -> None:
        found.append(h)

    opts = ScanOptions(ports=(PORT,), rate=500, timeout=0.5, **kw)  # type: ignore[arg-type]
    asyncio.run(run_scan(scope, opts, on_host))
    return found


def test_finds_web_servers_and_keeps_every_reply(stop: threading.Event) -> None:
    rec = _Recorder()
    servers = [_serve("127.0.60.5", "ok", rec), _serve("127.0.60.6", "ok", rec)]
    try:
        found = {h.ip: h for h in scan(["127.0.60.1-8"], probes=frozenset({"tcp", "http"}))}
    finally:
        for s in servers:
            s.shutdown()
    web = {ip for ip, h in found.items() if any(o.probe == "http" for o in h.observations)}
    assert web == {"127.0.60.5", "127.0.60.6"}
    paths = {o.meta.get("path") for o in found["127.0.60.5"].observations if o.probe == "http"}
    assert "/" in paths and "/ISAPI/System/deviceInfo" in paths
    first = next(o for o in found["127.0.60.5"].observations if o.meta.get("path") == "/")
    assert first.raw.startswith(b"HTTP/1.") and b"TestCam-Webs" in first.raw
    # nothing hinted a maker (no engine here): the canary, then the bounded fallback
    canary = [o for o in found["127.0.60.5"].observations if o.meta.get("canary")]
    assert len(canary) == 1 and b" 404 " in canary[0].raw[:20]
    plan = next(o for o in found["127.0.60.5"].observations if o.probe == "plan")
    asked = plan.meta["asked"]
    assert plan.meta["requests"] == len(asked) == len(paths) + 1  # + the favicon, not kept
    assert any("/favicon.ico" in a for a in asked)


def test_catch_all_port_gets_the_canary_and_no_blind_fallback() -> None:
    rec = _Recorder()
    servers = [_serve("127.0.60.7", "catchall", rec)]
    try:
        found = {h.ip: h for h in scan(["127.0.60.7"], probes=frozenset({"tcp", "http"}))}
    finally:
        for s in servers:
            s.shutdown()
    obs = found["127.0.60.7"].observations
    paths = [o.meta.get("path") for o in obs if o.probe == "http"]
    assert paths[0] == "/" and len(paths) == 2 and str(paths[1]).startswith("/camscan-canary-")
    assert next(o for o in obs if o.meta.get("canary")).raw.startswith(b"HTTP/1.1 200")
    plan = next(o for o in obs if o.probe == "plan").meta
    assert any("catch-all" in s for s in plan["skipped"])


def test_excluded_address_is_never_touched() -> None:
    rec = _Recorder()
    servers = [_serve("127.0.60.15", "ok", rec), _serve("127.0.60.16", "ok", rec)]
    try:
        found = scan(
            ["127.0.60.14-16"], exclude=("127.0.60.16",), probes=frozenset({"tcp", "http"})
        )
    finally:
        for s in servers:
            s.shutdown()
    assert "127.0.60.16" not in {h.ip for h in found}
    assert rec.seen == {"127.0.60.15"}


def test_unicast_wsdiscovery_leads_to_onvif_and_foreign_xaddrs_are_not_followed(
    stop: threading.Event,
) -> None:
    rec = _Recorder()
    # .22 has a web port too: unicast discovery is only sent to hosts with a camera port open
    servers = [_serve(ip, "ok", rec) for ip in ("127.0.60.21", "127.0.60.22", "127.0.60.23")]
    socks = [
        _wsd_responder("127.0.60.21", "127.0.60.21", stop),
        # .22 claims its device service lives on .23: the scanner must not go there for it
        _wsd_responder("127.0.60.22", "127.0.60.23", stop),
    ]
    try:
        found = {
            h.ip: h
            for h in scan(["127.0.60.21-22"], probes=frozenset({"tcp", "wsdiscovery", "onvif"}))
        }
    finally:
        for s in servers:
            s.shutdown()
        stop.set()
        for sock in socks:
            sock.close()
    info = [o for o in found["127.0.60.21"].observations if o.probe == "onvif_device_information"]
    assert info and info[0].meta["Model"] == "CAM-1"
    assert any(o.probe == "wsdiscovery" for o in found["127.0.60.22"].observations)
    assert "127.0.60.23" not in rec.seen


def test_hostile_hosts_are_recorded_and_do_not_stall_the_scan(stop: threading.Event) -> None:
    rec = _Recorder()
    servers = [
        _serve("127.0.60.31", "endless", rec),
        _serve("127.0.60.32", "bomb", rec),
        _serve("127.0.60.34", "ok", rec),
    ]
    pit = _tarpit("127.0.60.33", stop)
    socks = [_wsd_responder("127.0.60.32", "127.0.60.32", stop)]
    try:
        found = {
            h.ip: h
            for h in scan(
                ["127.0.60.31-34"],
                probes=frozenset({"tcp", "http", "wsdiscovery", "onvif"}),
                host_budget=8.0,
            )
        }
    finally:
        for s in servers:
            s.shutdown()
        stop.set()
        pit.close()
        for sock in socks:
            sock.close()
    assert set(found) == {"127.0.60.31", "127.0.60.32", "127.0.60.33", "127.0.60.34"}
    endless = [o for o in found["127.0.60.31"].observations if o.probe == "http"]
    assert endless and all(len(o.raw) <= 64 * 1024 + 8192 for o in endless)
    assert any(o.truncated or o.error for o in endless)
    bomb = found["127.0.60.32"].observations
    assert not any(o.probe == "onvif_device_information" for o in bomb)
    assert any(o.probe == "onvif" and o.error for o in bomb)
    assert any(o.error for o in found["127.0.60.33"].observations)
    # the well-behaved host beside them was still fully read
    assert any(o.meta.get("path") == "/" and not o.error for o in found["127.0.60.34"].observations)
