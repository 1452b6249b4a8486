"""Shared helpers of the parsers: size caps, lenient decoding, safe XML."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import xml.etree.ElementTree as ET  # only for the Element type; parsing goes through defusedxml
import zlib
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _safe_fromstring

# The largest value of one field the parsers accept; beyond it the reply is refused with an
# error (a device that sends megabytes of "banner" is not telling us who it is).
MAX_FIELD_BYTES = 1024 * 1024


class ParseError(ValueError):
    """A reply that could not be parsed; ``str()`` is a one-line reason."""


class MalformedXml(ParseError):
    """XML that is not well-formed (often a reply cut off in flight): parsers that can read
    the readable part do so; unsafe XML (DTDs, entities) is a plain ParseError."""


def to_bytes(raw: bytes | bytearray | str | Any, *, what: str = "reply") -> bytes:
    """Bytes of ``raw`` (text is UTF-8 encoded), refusing other types and enormous values."""
    if isinstance(raw, str):
        data = raw.encode("utf-8", errors="surrogatepass")
    elif isinstance(raw, bytes | bytearray):
        data = bytes(raw)
    else:
        raise ParseError(f"{what}: expected text or bytes, got {type(raw).__name__}")
    if len(data) > MAX_FIELD_BYTES:
        raise ParseError(f"{what}: {len(data)} bytes is over the {MAX_FIELD_BYTES}-byte limit")
    return data


def to_text(raw: bytes | bytearray | str | Any, *, what: str = "reply") -> str:
    """Text of ``raw``; invalid UTF-8 is replaced, never fatal."""
    if isinstance(raw, str):
        if len(raw) > MAX_FIELD_BYTES:
            raise ParseError(f"{what}: {len(raw)} characters is over the limit")
        return raw
    return to_bytes(raw, what=what).decode("utf-8", errors="replace")


def b64decode(value: Any, *, what: str = "raw_b64") -> bytes:
    """Decode base64 text strictly, with a one-line error."""
    if not isinstance(value, str):
        raise ParseError(f"{what}: expected base64 text, got {type(value).__name__}")
    if len(value) > MAX_FIELD_BYTES * 4 // 3 + 4:
        raise ParseError(f"{what}: over the size limit")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ParseError(f"{what}: not valid base64 ({err})") from None


# Devices that declare GB2312 or GBK send characters only GB18030 (their superset) names;
# decoding with the superset reads them all (WHATWG Encoding maps gb2312 to gbk:
# https://encoding.spec.whatwg.org/#names-and-labels).
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
}
# Codecs that are text encodings in name only (IDNA/punycode) are not page charsets.
_NOT_CHARSETS = frozenset({"idna", "punycode"})
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})""")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I
)


def codec_for(name: str | None) -> str | None:
    """The Python codec for a declared charset, or None when it names no text encoding."""
    if not name:
        return None
    low = name.strip().strip("\"'").lower()
    low = _CHARSET_ALIASES.get(low, low)
    try:
        info = codecs.lookup(low)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset a reply declares: Content-Type's ``charset=``, else the XML declaration's
    ``encoding=``, else an HTML ``<meta charset>`` / ``http-equiv`` in the first 4 KiB."""
    if content_type:
        m = _CT_CHARSET.search(content_type)
        if m:
            return m.group(1)
    head = data[:4096]
    m2 = _XML_ENCODING.match(head.lstrip(b"\xef\xbb\xbf"))
    if m2:
        return m2.group(1).decode("ascii")
    m3 = _META_CHARSET.search(head)
    if m3:
        return m3.group(1).decode("ascii")
    return None


def decode_text(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text of ``data`` in its declared charset (UTF-8 when none is declared or known); a
    note when the declared name is unknown.  Undecodable bytes are replaced, never fatal."""
    codec = codec_for(charset)
    note = None
    if charset and codec is None:
        note = f"unknown charset {charset[:40]!r}; read as UTF-8"
    if data.startswith(b"\xef\xbb\xbf"):
        codec, data = "utf-8", data[3:]  # a BOM outranks a declaration (WHATWG decode)
    return data.decode(codec or "utf-8", errors="replace"), note


def inflate(data: bytes, encoding: str, limit: int) -> tuple[bytes, str | None]:
    """Decode a ``gzip``/``deflate`` body, keeping at most ``limit`` bytes of output (a
    gzip bomb stops there); a cut stream gives what was decodable.  Returns the bytes and
    a note, or the input unchanged with a note when it does not decode."""
    enc = encoding.strip().lower()
    if enc in ("gzip", "x-gzip"):
        attempts = [zlib.MAX_WBITS | 16]
    elif enc == "deflate":  # RFC 9110 says zlib-wrapped; some servers send raw deflate
        attempts = [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    else:
        return data, f"content-encoding {enc[:40]!r} not decoded"
    for wbits in attempts:
        d = zlib.decompressobj(wbits)
        try:
            out = d.decompress(data, limit)
        except zlib.error:
            continue
        if d.unconsumed_tail:
            return out, f"{enc} body decodes to more than {limit} bytes; the rest was not read"
        if not d.eof:
            return out, f"{enc} body cut off; {len(out)} bytes decoded"
        return out, None
    return data, f"{enc} body does not decode; kept as sent"


def local(tag: str) -> str:
    """An XML tag without its namespace: ``{ns}Model`` -> ``Model``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    """The namespace URI of an XML tag, or ``""``."""
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


_BOM = "\ufeff"


_PREFIX_USE = re.compile(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]")
_ATTR_PREFIX_USE = re.compile(r"\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
_PREFIX_DECL = re.compile(r"xmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT_TAG = re.compile(r"<(?![?!])[^\s/>]+")


def _declare_prefixes(text: str) -> str:
    """Declare on the root element every prefix used but never declared (firmware sends
    ``<d:ProbeMatches>`` with ``d`` unbound); they get a placeholder URI."""
    used = set(_PREFIX_USE.findall(text)) | set(_ATTR_PREFIX_USE.findall(text))
    missing = sorted(used - set(_PREFIX_DECL.findall(text)) - {"xml", "xmlns"})
    root = _ROOT_TAG.search(text)
    if not missing or root is None:
        return text
    decl = "".join(f' xmlns:{p}="urn:camscan:undeclared:{p}"' for p in missing)
    return text[: root.end()] + decl + text[root.end() :]


def xml_text(raw: bytes | str | Any, *, what: str = "XML") -> str:
    """Text of an XML document: bytes are decoded in the encoding the declaration names."""
    if isinstance(raw, bytes | bytearray):
        data = to_bytes(raw, what=what)
        return decode_text(data, declared_charset(data))[0]
    return to_text(raw, what=what)


def parse_xml(raw: bytes | str | Any, *, what: str = "XML") -> ET.Element:
    """Parse XML with defusedxml: DTDs, entities and external references are refused.
    Bytes are decoded in their declared encoding; undeclared prefixes are declared."""
    text = xml_text(raw, what=what).lstrip(_BOM).strip()
    if not text:
        raise ParseError(f"{what}: empty")
    # The XML declaration may name an encoding; we already hold text, so drop it.
    text = re.sub(r"^<\?xml[^>]*\?>", "", text, count=1)
    for attempt in (text, None):
        if attempt is None:
            attempt = _declare_prefixes(text)
            if attempt == text:
                break
        try:
            root: ET.Element = _safe_fromstring(attempt, forbid_dtd=True)
            return root
        except DefusedXmlException as err:
            raise ParseError(f"{what}: refused unsafe XML ({type(err).__name__})") from None
        except ET.ParseError as err:
            error = err
            if "unbound prefix" not in str(err):
                break
    raise MalformedXml(f"{what}: not well-formed ({error})") from None


def child_texts(elem: ET.Element) -> dict[str, str]:
    """Direct children's local names -> stripped text (first occurrence wins)."""
    out: dict[str, str] = {}
    for child in elem:
        name = local(child.tag)
        if name and name not in out:
            out[name] = (child.text or "").strip()
    return out


# Six octets with one separator kind throughout (colon, dash, dot or space) or none.
_MAC_RE = re.compile(
    r"^([0-9a-f]{2})([-:. ]?)([0-9a-f]{2})\2([0-9a-f]{2})\2"
    r"([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$"
)


def normalise_mac(value: Any) -> str | None:
    """``aa:bb:cc:dd:ee:ff`` from any common MAC spelling (``00:11:22:33:44:55``,
    ``00-11-22-33-44-55``, ``00 11 22 33 44 55``, ``001122334455``, Cisco's
    ``0011.2233.4455``), or None when it is not one (or is all zeros or all ones).  The one
    MAC normaliser of camscan."""
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    if re.fullmatch(r"[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}", v):
        v = v.replace(".", "")
    m = _MAC_RE.match(v)
    if not m:
        return None
    mac = ":".join(g for i, g in enumerate(m.groups()) if i != 1)
    if mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
        return None
    return mac
