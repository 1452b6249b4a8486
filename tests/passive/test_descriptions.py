"""--fetch-descriptions: the UPnP description an in-scope device's own SSDP message names is
fetched (from a real loopback server) and read by the engine; a LOCATION naming another
address, or a device out of scope, is never asked."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from passive_frames import udp_frame
from passive_samples import SSDP_NOTIFY

from camscan.app.listen import fetch_descriptions
from camscan.observations import evidence_document
from camscan.passive.decoder import PassiveDecoder
from camscan.passive.scope import recording_scope

# The UPnP description of a Dahua unit (its shape as in home-assistant/core#46822)
DESCRIPTION = (
    b'<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>'
    b"<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>"
    b"<friendlyName>IPC</friendlyName><manufacturer>Dahua</manufacturer>"
    b"<modelName>IPC-HFW2228M</modelName><serialNumber>6J0B3A1PAZ12345</serialNumber>"
    b"</device></root>"
)


@pytest.fixture
def server() -> Iterator[tuple[int, list[bytes]]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    asked: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                asked.append(conn.recv(4096))
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: "
                    + str(len(DESCRIPTION)).encode()
                    + b"\r\n\r\n"
                    + DESCRIPTION
                )

    threading.Thread(target=serve, daemon=True).start()
    yield sock.getsockname()[1], asked
    sock.close()


def _notify(location: str) -> bytes:
    return SSDP_NOTIFY.replace(b"http://10.0.0.80:49152/upnp_device_desc.xml", location.encode())


def test_only_the_in_scope_devices_own_location_is_fetched(server: tuple[int, list[bytes]]) -> None:
    port, asked = server
    dec = PassiveDecoder(recording_scope(only=["127.0.0.1/32", "127.0.0.2/32"]))
    dec.feed(
        1,
        udp_frame(
            "127.0.0.1", "239.255.255.250", 1900, 1900, _notify(f"http://127.0.0.1:{port}/d.xml")
        ),
    )
    # a LOCATION naming another address than the sender's: not followed
    dec.feed(
        1,
        udp_frame(
            "127.0.0.2", "239.255.255.250", 1900, 1900, _notify(f"http://127.0.0.1:{port}/x.xml")
        ),
    )
    dec.finish()
    assert fetch_descriptions(dec, timeout=3) == 1
    assert len(asked) == 1 and asked[0].startswith(b"GET /d.xml HTTP/1.1")
    doc = evidence_document("127.0.0.1", dec.hosts["127.0.0.1"].observations)
    assert "<manufacturer>Dahua</manufacturer>" in doc["ssdp"][0]["description"]
    assert (
        "description"
        not in evidence_document("127.0.0.2", dec.hosts["127.0.0.2"].observations)["ssdp"][0]
    )
