"""Unicast UDP discovery on real loopback sockets: an mDNS answer read into service records,
a reply that comes only to the retry, silence, and a responder that floods."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from zeroconf import DNSOutgoing, DNSPointer, DNSText  # type: ignore[attr-defined]

from camscan.discovery import udp
from camscan.discovery.messages import mdns_query
from camscan.discovery.ratelimit import RateLimiter

_TYPE_PTR, _TYPE_TXT, _CLASS_IN = 12, 16, 1
_FLAGS_RESPONSE_AA = 0x8400  # RFC 6762 section 18: QR and AA set on a response


@contextmanager
def responder(answer: Callable[[int, bytes], list[bytes]]) -> Iterator[int]:
    """A UDP server on 127.0.0.1: ``answer(n, datagram)`` gives the datagrams to send back
    for the n-th datagram received.  Yields its port; stops when the test ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        n = 0
        while not stop.is_set():
            try:
                data, addr = sock.recvfrom(65535)
            except TimeoutError:
                continue
            n += 1
            for reply in answer(n, data):
                sock.sendto(reply, addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        sock.close()


def mdns_answer() -> bytes:
    """An Axis camera's answer to an mDNS query for _axis-video._tcp (the instance name
    layout of Axis units; Home Assistant's axis tests use the same service type)."""
    out = DNSOutgoing(_FLAGS_RESPONSE_AA, True, 0)
    instance = "AXIS M3045-V - ACCC8E000001._axis-video._tcp.local."
    out.add_answer_at_time(
        DNSPointer("_axis-video._tcp.local.", _TYPE_PTR, _CLASS_IN, 4500, instance), 0
    )
    out.add_answer_at_time(
        DNSText(instance, _TYPE_TXT, _CLASS_IN, 4500, bytes([23]) + b"macaddress=ACCC8E000001"), 0
    )
    packet: bytes = out.packets()[0]
    return packet


def ask(port: int, retries: int = 0, timeout: float = 0.5) -> tuple[list[bytes], str | None, int]:
    probe = udp.UdpProbe("mdns", port, None, False, mdns_query())
    sent = [0]
    replies, err = asyncio.run(
        udp.unicast(
            "127.0.0.1",
            probe,
            RateLimiter(100),
            timeout=timeout,
            retries=retries,
            max_bytes=65536,
            grace=0.05,
            sent=sent,
        )
    )
    return replies, err, sent[0]


def test_mdns_answer_becomes_service_records() -> None:
    with responder(lambda n, data: [mdns_answer()]) as port:
        replies, err, sent = ask(port)
    assert err is None and sent == 1 and len(replies) == 1
    obs = udp.observations("mdns", "127.0.0.1", replies[0], port, 65536)
    assert [o.meta.get("service") for o in obs] == ["_axis-video._tcp.local."]
    assert obs[0].meta["name"].startswith("AXIS M3045-V")
    assert obs[0].meta["properties"] == {"macaddress": "ACCC8E000001"}


def test_a_reply_to_the_retry_is_kept() -> None:
    with responder(lambda n, data: [mdns_answer()] if n == 2 else []) as port:
        replies, err, sent = ask(port, retries=1, timeout=0.3)
    assert sent == 2 and len(replies) == 1 and err is None


def test_silence_is_reported_not_raised() -> None:
    with responder(lambda n, data: []) as port:
        replies, err, sent = ask(port, retries=1, timeout=0.2)
    assert replies == [] and sent == 2
    assert err == "no reply after 2 tries of 0.2 s"


def test_unreadable_mdns_is_recorded() -> None:
    with responder(lambda n, data: [b"\x00\x01garbage"]) as port:
        replies, _, _ = ask(port)
    obs = udp.observations("mdns", "127.0.0.1", replies[0], port, 65536)
    assert len(obs) == 1 and obs[0].error and obs[0].raw == b"\x00\x01garbage"


def test_a_flood_is_bounded() -> None:
    """Thousands of datagrams to one question: what is kept stays bounded."""
    with responder(lambda n, data: [b"x" * 64] * 5000) as port:
        replies, err, _ = ask(port, timeout=1.0)
    assert err is None and 0 < len(replies) <= 4096
