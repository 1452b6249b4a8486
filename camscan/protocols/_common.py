"""Shared helpers of the parsers: size caps, lenient decoding, safe XML."""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET  # only for the Element type; parsing goes through defusedxml
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _safe_fromstring

# The largest value of one field the parsers accept; beyond it the reply is refused with an
# error (a device that sends megabytes of "banner" is not telling us who it is).
MAX_FIELD_BYTES = 1024 * 1024


class ParseError(ValueError):
    """A reply that could not be parsed; ``str()`` is a one-line reason."""


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


def local(tag: str) -> str:
    """An XML tag without its namespace: ``{ns}Model`` -> ``Model``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    """The namespace URI of an XML tag, or ``""``."""
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


_BOM = "\ufeff"


def parse_xml(raw: bytes | str | Any, *, what: str = "XML") -> ET.Element:
    """Parse XML with defusedxml: DTDs, entities and external references are refused."""
    text = to_text(raw, what=what).lstrip(_BOM).strip()
    if not text:
        raise ParseError(f"{what}: empty")
    # The XML declaration may name an encoding; we already hold text, so drop it.
    text = re.sub(r"^<\?xml[^>]*\?>", "", text, count=1)
    try:
        root: ET.Element = _safe_fromstring(text, forbid_dtd=True)
        return root
    except DefusedXmlException as err:
        raise ParseError(f"{what}: refused unsafe XML ({type(err).__name__})") from None
    except ET.ParseError as err:
        raise ParseError(f"{what}: not well-formed ({err})") from None


def child_texts(elem: ET.Element) -> dict[str, str]:
    """Direct children's local names -> stripped text (first occurrence wins)."""
    out: dict[str, str] = {}
    for child in elem:
        name = local(child.tag)
        if name and name not in out:
            out[name] = (child.text or "").strip()
    return out


_MAC_RE = re.compile(
    r"^([0-9a-f]{2})[-:.]?([0-9a-f]{2})[-:.]?([0-9a-f]{2})[-:.]?"
    r"([0-9a-f]{2})[-:.]?([0-9a-f]{2})[-:.]?([0-9a-f]{2})$"
)


def normalise_mac(value: Any) -> str | None:
    """``aa:bb:cc:dd:ee:ff`` from any common MAC spelling, or None when it is not one."""
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    if re.fullmatch(r"[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}", v):
        v = v.replace(".", "")
    m = _MAC_RE.match(v)
    if not m:
        return None
    mac = ":".join(m.groups())
    if mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
        return None
    return mac
