"""Corpus replays send what the corpus documents captured (pure: no sockets)."""

from __future__ import annotations

import pytest
from personality_render import render, sample_fields

from camscan.fingerprint.corpus import load_corpus
from camscan_lab.personalities import ALL, by_name, corpus_replay
from camscan_lab.personalities.encode import http_response, pick_reply, rtsp_response

DOCS = {d.id: d for d in load_corpus()}
REPLAYS = [p for p in ALL if p.name.startswith("corpus-")]


def _http_cases() -> list[tuple[str, int, str, str]]:
    """(personality, port, path, captured raw) for every HTTP reply a replay serves."""
    out = []
    for (name, port, path), doc_id in sorted(corpus_replay.HTTP_ORIGIN.items()):
        doc = DOCS.get(doc_id)
        assert doc is not None, doc_id
        for h in doc.document.get("http") or ():
            if int(h.get("port", 80)) == port and str(h.get("path") or "/") == path:
                out.append((name, port, path, str(h["raw"])))
                break
    return out


def test_replays_exist_for_new_makers_and_ordinary_hosts() -> None:
    makers = {p.manufacturer for p in REPLAYS if p.is_camera}
    assert len(makers) >= 8 and not makers & corpus_replay.MODELLED
    assert any(not p.is_camera for p in REPLAYS)
    assert all(p.field and p.sources and p.sources[0] for p in REPLAYS)


@pytest.mark.parametrize(("name", "port", "path", "raw"), _http_cases())
def test_http_reply_is_the_captured_one(name: str, port: int, path: str, raw: str) -> None:
    p = by_name(name)
    reply = pick_reply(p.http[port], path)
    assert reply is not None
    sent = http_response(reply, sample_fields(p))
    captured_head, _, captured_body = raw.replace("\r\n", "\n").partition("\n\n")
    sent_head, _, sent_body = sent.decode("utf-8", "surrogateescape").partition("\r\n\r\n")
    assert sent_head.split("\r\n")[0].split(" ", 2)[1] == captured_head.split(" ", 2)[1]
    if "://" not in captured_body:  # addresses in bodies become the host's own
        assert sent_body.replace("\r\n", "\n") == captured_body
    for line in captured_head.split("\n")[1:]:
        if line.lower().startswith("server:"):
            assert line.split(":", 1)[1].strip() in sent_head


def test_rtsp_and_snmp_replays_render() -> None:
    for p in REPLAYS:
        r = render(p)
        if p.rtsp:
            describe = rtsp_response(p.rtsp.describe, r.fields, "7")
            assert describe.startswith(b"RTSP/1.0 ") and b"CSeq: 7\r\n" in describe
        for oid, value in p.snmp.items():
            assert oid.startswith("1.3.6.1.") and isinstance(value.format(**r.fields), str)
    assert by_name(REPLAYS[0].name) is REPLAYS[0]
