"""The UDP discovery protocols over real loopback sockets: a server that answers only a
well-formed camscan inquiry (WS-Discovery Probe, SADP inquiry, DHIP DHDiscover.search) sends
a device's real reply (the corpus' public captures) unicast back to the scanner's socket;
the reply is kept as sent and identifies its maker as the corpus says.  A reply from another
address, a cut-off reply, an oversized one and several datagrams to one question are handled.

Nothing leaves 127.0.0.0/8; every exchange is one or two datagrams each way.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from camscan.app.identify import verdict_of
from camscan.discovery import messages, udp
from camscan.discovery.ratelimit import RateLimiter
from camscan.fingerprint import load_engine
from camscan.fingerprint.corpus import load_corpus
from camscan.observations import evidence_document
from tests.discovery.test_udp_loopback import responder

CORPUS = {d.id: d for d in load_corpus()}
DHIP_HEADER = 32  # bytes before the JSON body (DHIP framing: camscan/protocols/dhip.py)


def corpus_raw(doc_id: str, key: str) -> bytes:
    """The reply a corpus document holds for ``key``, as the device sent it."""
    raw = CORPUS[doc_id].document[key][0]["raw"]
    return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)


def dhip_framed(body: bytes) -> bytes:
    """A DHIP datagram: the 32-byte header (length of the JSON twice) + JSON, as Dahua units
    send discovery replies (the framing of DahuaConsole and the DHIP parser)."""
    return struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, len(body), 0, len(body), 0) + body


def is_wsd_probe(data: bytes) -> bool:
    return (
        b"http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>" in data
        and b"<d:Types>dn:NetworkVideoTransmitter</d:Types>" in data
    )


def is_sadp_inquiry(data: bytes) -> bool:
    return data.startswith(b"<?xml") and b"<Types>inquiry</Types>" in data


def is_dhip_search(data: bytes) -> bool:
    if data[4:8] != b"DHIP" or len(data) <= DHIP_HEADER:
        return False
    (length,) = struct.unpack_from("<I", data, 16)
    body = json.loads(data[DHIP_HEADER : DHIP_HEADER + length])
    return bool(body.get("method") == "DHDiscover.search")


# (probe name, the inquiry camscan sends, the check a device's stack would make, the corpus
# document whose reply it sends back, how that reply is framed on the wire)
CASES: dict[str, tuple[bytes, Callable[[bytes], bool], str, bytes]] = {
    "wsdiscovery": (
        messages.wsdiscovery_probe(),
        is_wsd_probe,
        "hikvision-wsd-ds-2cd2385g1-i",
        corpus_raw("hikvision-wsd-ds-2cd2385g1-i", "wsdiscovery"),
    ),
    "sadp": (
        messages.sadp_inquiry(),
        is_sadp_inquiry,
        "hikvision-sadp-ds-2cd2385g1-i",
        corpus_raw("hikvision-sadp-ds-2cd2385g1-i", "sadp"),
    ),
    "dahua_discovery": (
        messages.dhip_search(),
        is_dhip_search,
        "dahua-dhip-ipc-hdw1431t1-s4-private",
        dhip_framed(corpus_raw("dahua-dhip-ipc-hdw1431t1-s4-private", "dahua_discovery")),
    ),
}


def ask(
    name: str,
    payload: bytes,
    port: int,
    *,
    timeout: float = 1.0,
    max_bytes: int = 65536,
    grace: float = 0.05,
) -> tuple[list[bytes], str | None, int]:
    """camscan's unicast ask of the server on 127.0.0.1:``port``: replies, error, sent."""
    probe = udp.UdpProbe(name, port, None, False, payload)
    sent = [0]
    replies, err = asyncio.run(
        udp.unicast(
            "127.0.0.1",
            probe,
            RateLimiter(100),
            timeout=timeout,
            retries=0,
            max_bytes=max_bytes,
            grace=grace,
            sent=sent,
        )
    )
    return replies, err, sent[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_real_reply_to_camscans_inquiry_identifies_the_maker(name: str) -> None:
    payload, well_formed, doc_id, reply = CASES[name]
    asked: list[bytes] = []

    def answer(n: int, data: bytes) -> list[bytes]:
        asked.append(data)
        return [reply] if well_formed(data) else []

    with responder(answer) as port:
        replies, err, sent = ask(name, payload, port)
    assert sent == 1 and len(asked) == 1 and well_formed(asked[0])
    assert err is None and replies == [reply]  # kept byte for byte
    obs = udp.observations(name, "127.0.0.1", replies[0], port, 65536)
    assert [(o.probe, o.raw, o.truncated, o.error) for o in obs] == [(name, reply, False, None)]
    verdict = verdict_of(load_engine(), evidence_document("127.0.0.1", obs))
    expect = CORPUS[doc_id].expect
    assert verdict.manufacturer == expect["manufacturer"] and verdict.model == expect["model"]
    assert verdict.is_camera is True and verdict.errors == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_malformed_inquiry_gets_no_reply(name: str) -> None:
    """The servers' checks are real: another protocol's inquiry is not answered."""
    _, well_formed, _, _ = CASES[name]
    others = [p for n, (p, _, _, _) in CASES.items() if n != name]
    assert not any(well_formed(p) for p in others)


@contextmanager
def replying_from(other: str) -> Iterator[int]:
    """A server on 127.0.0.1 that answers each datagram from ``other`` (a second loopback
    address), as a spoofed or confused device would."""
    listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listen.bind(("127.0.0.1", 0))
    listen.settimeout(2.0)
    speak = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    speak.bind((other, 0))
    reply = CASES["sadp"][3]

    def serve() -> None:
        try:
            _, addr = listen.recvfrom(65535)
        except TimeoutError:
            return
        speak.sendto(reply, addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listen.getsockname()[1]
    finally:
        thread.join(3)
        listen.close()
        speak.close()


def test_a_reply_from_another_address_is_not_the_hosts() -> None:
    with replying_from("127.0.0.2") as port:
        replies, err, sent = ask("sadp", messages.sadp_inquiry(), port, timeout=0.3)
    assert replies == [] and sent == 1 and err == "no reply after 1 tries of 0.3 s"


def test_a_cut_off_probematch_is_kept_and_read_as_far_as_it_goes() -> None:
    whole = CASES["wsdiscovery"][3]
    cut = whole[: whole.index(b"</d:Scopes>")]  # the datagram ends inside the scopes
    with responder(lambda n, data: [cut]) as port:
        replies, err, _ = ask("wsdiscovery", messages.wsdiscovery_probe(), port)
    assert err is None and replies == [cut]
    obs = udp.observations("wsdiscovery", "127.0.0.1", cut, port, 65536)
    assert obs[0].raw == cut and obs[0].error is None
    verdict = verdict_of(load_engine(), evidence_document("127.0.0.1", obs))
    # the scopes that arrived still name the unit; nothing raised
    assert verdict.manufacturer == "Hikvision" and verdict.model == "DS-2CD2385G1-I"


def test_an_oversized_reply_is_capped_and_marked() -> None:
    reply = CASES["sadp"][3]
    big = reply + b"\x00" * 4000
    with responder(lambda n, data: [big]) as port:
        replies, err, _ = ask("sadp", messages.sadp_inquiry(), port, max_bytes=1024)
    assert err is None and replies == [big[:1024]]  # the socket keeps at most max_bytes
    obs = udp.observations("sadp", "127.0.0.1", big, port, 1024)
    assert len(obs[0].raw) == 1024 and obs[0].truncated is True


def test_several_datagrams_to_one_question_are_all_kept() -> None:
    """Units answer a SADP inquiry more than once; every datagram within the grace period
    is kept (the grace after the first is generous: loopback delivers the three at once)."""
    reply = CASES["sadp"][3]
    with responder(lambda n, data: [reply, reply, reply]) as port:
        replies, err, sent = ask("sadp", messages.sadp_inquiry(), port, grace=1.0)
    assert err is None and sent == 1 and replies == [reply] * 3
