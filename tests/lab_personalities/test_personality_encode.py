"""The wire conventions of base.py, applied by encode.py, on real personalities."""

from __future__ import annotations

import gzip

from personality_render import sample_fields

from camscan_lab.personalities import by_name
from camscan_lab.personalities.encode import http_response, pick_reply, rtsp_response


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


# --- wire quirks of the field mix (base.QUIRKS) -------------------------------------------


def _quirky(name: str, path: str = "/", port: int = 80) -> tuple[bytes, bytes]:
    """(reply with the personality's quirks, the same reply without them)."""
    p = by_name(name)
    reply = pick_reply(p.http[port], path)
    assert reply is not None
    fields = sample_fields(p)
    return http_response(reply, fields, quirks=p.quirks), http_response(reply, fields)


def test_gzip_hikvision_compresses_the_body_it_would_send_plain() -> None:
    raw, plain = _quirky("hikvision-ipc-v5.7+gzip", "/doc/page/login.asp")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"\r\nContent-Encoding: gzip" in head
    assert int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]) == len(body)
    assert gzip.decompress(body) == plain.partition(b"\r\n\r\n")[2]
    assert b"Server: webserver" in head  # the rest of the reply is the family's


def test_lf_only_dahua_has_no_carriage_return_in_its_head() -> None:
    raw, plain = _quirky("dahua-ipc+lf-only")
    head, sep, body = raw.partition(b"\n\n")
    assert sep and b"\r" not in head and head.startswith(b"HTTP/1.1 200 OK\nCONNECTION: close")
    assert body == plain.partition(b"\r\n\r\n")[2]


def test_axis_closes_its_header_block_with_a_bare_lf() -> None:
    raw, plain = _quirky("axis-camera+lf-separator", "/index.html")
    head, sep, body = raw.partition(b"\r\n\n")
    assert sep and b"\r\n\r\n" not in raw and head.split(b"\r\n")[1].startswith(b"Server: ")
    assert body == plain.partition(b"\r\n\r\n")[2]


def test_xiongmai_writes_a_space_before_the_colon_of_server() -> None:
    raw, _ = _quirky("xiongmai-camera+header-space")
    assert b"\r\nServer : uc-httpd 1.0.0\r\n" in raw
    assert b"\r\nContent-Type: text/html\r\n" in raw  # only the Server line is bent


def test_chunked_encoder_body_reassembles() -> None:
    raw, plain = _quirky("axis-encoder+chunked", "/index.html")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head and b"content-length" not in head.lower()
    out, rest = b"", body
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    assert out == plain.partition(b"\r\n\r\n")[2] and rest == b"\r\n"


def test_no_server_and_http10_without_headers() -> None:
    raw, plain = _quirky("hikvision-dvr+no-server")
    assert b"\r\nServer:" not in raw and b"\r\nServer: DVRDVS-Webs" in plain
    bare, _ = _quirky("http10-relay-board", "/anything")
    assert bare.startswith(b"HTTP/1.0 200 OK\r\n\r\n<html>")


def test_catch_all_and_401_everywhere_answer_any_path_the_same() -> None:
    portal = by_name("lighttpd-captive-portal")
    pages = {pick_reply(portal.http[80], path) for path in ("/", "/ISAPI/x", "/camscan-3f9a1c")}
    assert len(pages) == 1 and next(iter(pages)).status == 200  # type: ignore[union-attr]
    nvr = by_name("hanwha-nvr+auth-everywhere")
    raw = http_response(pick_reply(nvr.http[80], "/") or nvr.http[80]["*"], sample_fields(nvr))
    assert raw.startswith(b"HTTP/1.1 401 ") and b'realm="iPOLiS"' in raw
