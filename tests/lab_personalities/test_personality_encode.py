"""The wire conventions of base.py, applied by encode.py, on real personalities."""

from __future__ import annotations

from personality_render import sample_fields

from camscan.lab.personalities import by_name
from camscan.lab.personalities.encode import http_response, pick_reply, rtsp_response


def _split(raw: bytes) -> tuple[list[bytes], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return head.split(b"\r\n"), body


def test_dahua_keeps_its_upper_case_length_header_with_the_real_length() -> None:
    p = by_name("dahua-ipc")
    fields = sample_fields(p)
    reply = pick_reply(p.http[80], "/")
    assert reply is not None
    lines, body = _split(http_response(reply, fields))
    lengths = [line for line in lines if line.lower().startswith(b"content-length:")]
    assert lengths == [b"CONTENT-LENGTH: " + str(len(body)).encode()]
    assert body.startswith(b"\xef\xbb\xbf<!DOCTYPE html PUBLIC")  # BOM kept on the wire
    assert not any(line.lower().startswith(b"server:") for line in lines)


def test_query_string_falls_back_to_the_path_then_to_the_404() -> None:
    p = by_name("dahua-ipc")
    fields = sample_fields(p)
    cgi = pick_reply(p.http[80], "/cgi-bin/magicBox.cgi?action=getSystemInfo")
    assert cgi is not None and cgi.status == 401
    raw = http_response(cgi, fields)
    assert f'realm="Login to {fields["serial"]}"'.encode() in raw
    missing = pick_reply(p.http[80], "/nothing/here")
    assert missing is not None and missing.status == 404


def test_newer_hikvision_answers_http_1_0_with_the_mac_realm() -> None:
    p = by_name("hikvision-ipc-v5.7")
    fields = sample_fields(p)
    reply = pick_reply(p.http[80], "/ISAPI/System/deviceInfo")
    assert reply is not None
    raw = http_response(reply, fields)
    assert raw.startswith(b"HTTP/1.0 401 Unauthorized\r\n")
    assert f'realm="{fields["mac_plain"]}"'.encode() in raw
    assert b"Server: webserver\r\n" in raw


def test_head_keeps_length_drops_body() -> None:
    p = by_name("linux-nginx")
    reply = pick_reply(p.http[80], "/")
    assert reply is not None
    full = http_response(reply, sample_fields(p))
    head = http_response(reply, sample_fields(p), head=True)
    assert full.startswith(head) and head.endswith(b"\r\n\r\n") and len(full) > len(head)


def test_invalid_utf8_reaches_the_wire() -> None:
    p = by_name("hostile-xiongmai-bad-utf8")
    reply = pick_reply(p.http[80], "/")
    assert reply is not None
    raw = http_response(reply, sample_fields(p))
    assert b"uc-httpd 1.0.0\x80" in raw and b"\xc3\x28\xff" in raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # pragma: no cover - the assertion below explains the failure
        raise AssertionError("the hostile reply decoded as valid UTF-8")


def test_rtsp_cseq_and_hikvision_date_quirk() -> None:
    p = by_name("hikvision-ipc-v5.4")
    assert p.rtsp is not None
    fields = sample_fields(p)
    options = rtsp_response(p.rtsp.options, fields, cseq="7")
    assert options.startswith(b"RTSP/1.0 200 OK\r\nCSeq: 7\r\n")
    assert b"\r\nDate:  " in options  # two spaces, as captured
    describe = rtsp_response(p.rtsp.describe, fields, cseq="8")
    assert describe.count(b"WWW-Authenticate:") == 2
    assert b'Digest realm="IP Camera(C2875)"' in describe
