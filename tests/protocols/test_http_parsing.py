"""HTTP replies as real devices send them, parsed from bytes (no sockets)."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from camscan.protocols import ParseError
from camscan.protocols.http import (
    MAX_DECODED_BYTES,
    dechunk_body,
    favicon_hash,
    favicon_of,
    parse_http_response,
)

PAGE = b"<html><head><title>Network Camera</title></head><body>ok</body></html>"


def _reply(head: bytes, body: bytes) -> bytes:
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_lf_only_line_endings() -> None:
    resp = parse_http_response(b"HTTP/1.1 200 OK\nServer: Boa/0.94.14rc21\nX-A: 1\n\n" + PAGE)
    assert resp.server == "Boa/0.94.14rc21" and resp.title == "Network Camera"
    assert resp.message.get("X-A") == "1"


def test_space_before_colon_and_colonless_line() -> None:
    raw = b"HTTP/1.1 200 OK\r\nServer : App-webs/\r\ngarbage line\r\nX-B:2\r\n\r\n" + PAGE
    resp = parse_http_response(raw)
    assert resp.server == "App-webs/" and resp.message.get("X-B") == "2"
    assert any("without a name and colon" in n for n in resp.message.notes)


def test_duplicated_headers_are_all_kept_in_order() -> None:
    raw = (
        b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="IPC"\r\n'
        b'WWW-Authenticate: Basic realm="IPC-basic"\r\nServer: one\r\nServer: two\r\n\r\n'
    )
    resp = parse_http_response(raw)
    assert resp.realms == ("IPC", "IPC-basic")
    assert resp.server == "one" and resp.message.get_all("Server") == ["one", "two"]


def test_obs_fold_continuation() -> None:
    raw = b"HTTP/1.1 200 OK\r\nServer: Embedded\r\n  Web Server\r\n\tv2\r\n\r\nx"
    assert parse_http_response(raw).server == "Embedded Web Server v2"


def test_http10_status_line_and_body_without_headers() -> None:
    resp = parse_http_response(b"HTTP/1.0 200 OK\r\n\r\n" + PAGE)
    assert resp.status == 200 and resp.message.headers == () and resp.title == "Network Camera"


def test_no_blank_line_after_the_headers() -> None:
    resp = parse_http_response(b"HTTP/1.0 200 OK\r\nServer: thttpd/2.25b\r\n" + PAGE)
    assert resp.server == "thttpd/2.25b" and resp.title == "Network Camera"
    assert not resp.message.complete and resp.message.notes


def test_bare_body_without_status_line_is_a_clear_error() -> None:
    # Documented choice: an HTTP/0.9-style reply is not read as HTTP evidence.
    with pytest.raises(ParseError, match="no status line"):
        parse_http_response(PAGE)


def test_401_on_every_path_keeps_realm_headers_and_body() -> None:
    raw = _reply(
        b"HTTP/1.1 401 Unauthorized\r\nServer: webserver\r\n"
        b'WWW-Authenticate: Digest realm="Login to 4H0A1B2PAZ5C6D7", qop="auth"\r\n',
        b"<html><title>401 Unauthorized</title>Authentication Error</html>",
    )
    fields = dict(parse_http_response(raw).fields("/cgi-bin/magicBox.cgi"))
    assert fields["http.realm"] == "Login to 4H0A1B2PAZ5C6D7"
    assert fields["http.server"] == "webserver" and "Authentication Error" in fields["http.body"]
    assert fields["http.status"] == "401 /cgi-bin/magicBox.cgi"


def test_gzip_body_is_decoded_and_raw_body_kept() -> None:
    body = gzip.compress(PAGE)
    resp = parse_http_response(_reply(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n", body))
    assert resp.title == "Network Camera" and resp.message.raw_body == body


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_body_zlib_wrapped_or_raw(wbits: int) -> None:
    c = zlib.compressobj(wbits=wbits)
    body = c.compress(PAGE) + c.flush()
    resp = parse_http_response(_reply(b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n", body))
    assert resp.title == "Network Camera" and not resp.message.notes


def test_gzip_bomb_is_bounded() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=6)  # ~64 KiB on the wire
    raw = _reply(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n", bomb)
    tracemalloc.start()
    try:
        resp = parse_http_response(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(resp.message.body) <= MAX_DECODED_BYTES
    assert any("more than" in n for n in resp.message.notes)
    assert peak < 40 * MAX_DECODED_BYTES  # nowhere near the 64 MiB it inflates to


def test_gzip_cut_off_keeps_what_decodes() -> None:
    body = gzip.compress(PAGE + b",".join(b"%d" % i for i in range(5000)))[:-100]
    resp = parse_http_response(_reply(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n", body))
    assert resp.title == "Network Camera"
    assert any("cut off" in n for n in resp.message.notes)


def test_gzip_declared_but_sent_plain_is_kept_as_sent() -> None:
    resp = parse_http_response(_reply(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n", PAGE))
    assert resp.title == "Network Camera"
    assert any("does not decode" in n for n in resp.message.notes)


def test_chunked_and_gzipped_together() -> None:
    z = gzip.compress(PAGE)
    body = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, z[:10], len(z) - 10, z[10:])
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + body
    assert parse_http_response(raw).title == "Network Camera"


def test_chunked_lf_only_and_cut_tails() -> None:
    assert dechunk_body(b"3\nabc\n2;x=y\nde\n0\n\n") == (b"abcde", None)
    assert dechunk_body(b"3\r\nabc\r\n5\r\nde") == (b"abcde", "chunked body cut off mid-chunk")
    out, note = dechunk_body(b"3\r\nabc\r\n")
    assert out == b"abc" and note and "before the last chunk" in note
    assert dechunk_body(b"<html>")[0] == b"<html>"  # declared chunked, is not


def test_charset_from_content_type_gb2312() -> None:
    title = "网络摄像机"  # constructed: GB2312 text a Chinese device's page carries
    page = f"<html><head><title>{title}</title></head></html>".encode("gb2312")
    raw = _reply(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=GB2312\r\n", page)
    assert parse_http_response(raw).title == title


def test_charset_from_html_meta_gbk() -> None:
    title = "硬盘录像机 WEB"  # "DVR": constructed GBK text
    page = f"<html><head><meta charset=gbk><title>{title}</title></head></html>".encode("gbk")
    raw = _reply(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", page)
    assert parse_http_response(raw).title == title


def test_charset_from_xml_declaration_in_an_isapi_body() -> None:
    xml = (
        '<?xml version="1.0" encoding="GB2312"?>'
        '<DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">'
        "<deviceName>大门摄像机</deviceName><model>DS-2CD2032-I</model></DeviceInfo>"
    ).encode("gb2312")
    raw = _reply(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n", xml)
    isapi = parse_http_response(raw).isapi
    assert isapi["deviceName"] == "大门摄像机" and isapi["model"] == "DS-2CD2032-I"


def test_windows_1252_and_unknown_charsets() -> None:
    page = "<title>CPPLUS DVR –Web View</title>".encode("cp1252")
    ok = parse_http_response(
        _reply(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\n", page)
    )
    assert ok.title == "CPPLUS DVR –Web View"
    odd = parse_http_response(
        _reply(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=rot13\r\n", PAGE)
    )
    assert odd.title == "Network Camera"
    assert any("unknown charset" in n for n in odd.message.notes)


def test_text_input_keeps_its_characters_whatever_it_declares() -> None:
    raw = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gb2312\r\n\r\n<title>网络</title>"
    assert parse_http_response(raw).title == "网络"


def test_favicon_hash_is_of_the_decoded_icon() -> None:
    icon = bytes(range(256)) * 4
    plain = _reply(b"HTTP/1.1 200 OK\r\nContent-Type: image/x-icon\r\n", icon)
    zipped = _reply(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n", gzip.compress(icon))
    assert favicon_of(plain) == favicon_of(zipped) == favicon_hash(icon)
    assert favicon_of(b"HTTP/1.1 404 Not Found\r\n\r\n") is None


def test_crlf_headers_with_a_bare_lf_before_the_body() -> None:
    # The shape of the old Axis replies h11 refused (encode/httpx#1378, python-hyper/h11#7):
    # CRLF header lines, then a bare LF before the body.
    resp = parse_http_response(b"HTTP/1.0 200 OK\r\nServer: Axis\r\nX-A: 1\r\n\n" + PAGE)
    assert resp.server == "Axis" and resp.title == "Network Camera"
    assert resp.message.body.startswith("<html>") and resp.message.complete
