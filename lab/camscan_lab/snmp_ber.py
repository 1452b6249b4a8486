"""A tiny, defensive BER codec for SNMP v1/v2c GetRequest/GetNextRequest -> GetResponse.

Only what the lab's agents need (RFC 1157, RFC 3416): INTEGER, OCTET STRING, NULL, OBJECT
IDENTIFIER, SEQUENCE and the PDU tags.  Every length is checked against the bytes actually
present; anything malformed raises :class:`BerError` and the caller drops the datagram, as a
real agent does (no answer to garbage).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_MESSAGE = 4096  # a GetRequest for a handful of OIDs is a few hundred bytes
MAX_VARBINDS = 64
MAX_OID_ARCS = 128

INTEGER, OCTET_STRING, NULL, OID, SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
GET_REQUEST, GET_NEXT_REQUEST, GET_RESPONSE = 0xA0, 0xA1, 0xA2
NO_SUCH_OBJECT, END_OF_MIB_VIEW = 0x80, 0x82  # v2c exception values (context, primitive)
NO_SUCH_NAME = 2  # v1 error-status
V1, V2C = 0, 1


class BerError(ValueError):
    """The bytes are not a well-formed message of the subset this codec reads."""


@dataclass(frozen=True)
class Request:
    """A decoded GetRequest/GetNextRequest."""

    version: int
    community: bytes
    pdu_type: int
    request_id: int
    oids: tuple[str, ...]


def _read_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """(tag, value, next position) of the TLV at ``pos``; lengths checked against ``data``."""
    if pos + 2 > len(data):
        raise BerError("truncated TLV")
    tag = data[pos]
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise BerError("bad length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise BerError("length beyond the message")
    return tag, data[pos : pos + length], pos + length


def _expect(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    got, value, nxt = _read_tlv(data, pos)
    if got != tag:
        raise BerError(f"expected tag 0x{tag:02x}, got 0x{got:02x}")
    return value, nxt


def _int(value: bytes) -> int:
    if not 0 < len(value) <= 8:
        raise BerError("bad INTEGER")
    return int.from_bytes(value, "big", signed=True)


def decode_oid(value: bytes) -> str:
    """Dotted form of an OBJECT IDENTIFIER's contents."""
    if not value or value[-1] & 0x80:
        raise BerError("bad OID")
    arcs: list[int] = []
    cur = 0
    for byte in value:
        cur = (cur << 7) | (byte & 0x7F)
        if cur > 0xFFFFFFFF:
            raise BerError("OID arc too large")
        if not byte & 0x80:
            arcs.append(cur)
            cur = 0
        if len(arcs) > MAX_OID_ARCS:
            raise BerError("OID too long")
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def encode_oid(dotted: str) -> bytes:
    """Contents of an OBJECT IDENTIFIER from its dotted form (ValueError when malformed)."""
    arcs = [int(a) for a in dotted.strip(".").split(".")]
    if len(arcs) < 2:
        arcs += [0] * (2 - len(arcs))
    out = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def tlv(tag: int, value: bytes) -> bytes:
    """One TLV with a definite length."""
    n = len(value)
    if n < 0x80:
        return bytes([tag, n]) + value
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + value


def _enc_int(n: int) -> bytes:
    return tlv(INTEGER, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True))


def decode_request(data: bytes) -> Request:
    """Decode a v1/v2c GetRequest or GetNextRequest; BerError for anything else."""
    if len(data) > MAX_MESSAGE:
        raise BerError("message too large")
    body, _ = _expect(data, 0, SEQUENCE)
    version_raw, pos = _expect(body, 0, INTEGER)
    version = _int(version_raw)
    if version not in (V1, V2C):
        raise BerError(f"unsupported version {version}")
    community, pos = _expect(body, pos, OCTET_STRING)
    pdu_type, pdu, _ = _read_tlv(body, pos)
    if pdu_type not in (GET_REQUEST, GET_NEXT_REQUEST):
        raise BerError(f"unsupported PDU 0x{pdu_type:02x}")
    rid_raw, p = _expect(pdu, 0, INTEGER)
    _, p = _expect(pdu, p, INTEGER)  # error-status
    _, p = _expect(pdu, p, INTEGER)  # error-index
    binds, _ = _expect(pdu, p, SEQUENCE)
    oids: list[str] = []
    p = 0
    while p < len(binds):
        bind, p = _expect(binds, p, SEQUENCE)
        oid_raw, _ = _expect(bind, 0, OID)
        oids.append(decode_oid(oid_raw))
        if len(oids) > MAX_VARBINDS:
            raise BerError("too many varbinds")
    return Request(version, community, pdu_type, _int(rid_raw), tuple(oids))


def _oid_key(dotted: str) -> tuple[int, ...]:
    return tuple(int(a) for a in dotted.split("."))


def _value_tlv(oid: str, value: bytes, oid_valued: frozenset[str]) -> bytes:
    if oid in oid_valued:
        text = value.decode("ascii", "replace").strip() or "0.0"
        try:
            return tlv(OID, encode_oid(text))
        except ValueError:
            return tlv(OID, encode_oid("0.0"))
    return tlv(OCTET_STRING, value)


def encode_response(
    req: Request, values: Mapping[str, bytes], oid_valued: frozenset[str] = frozenset()
) -> bytes:
    """The GetResponse to ``req`` from an agent holding ``values`` (OID -> value bytes).

    v2c: noSuchObject (GET) / endOfMibView (GETNEXT) per varbind; v1: noSuchName error with
    the request's varbinds echoed.  OIDs in ``oid_valued`` are sent as OBJECT IDENTIFIERs.
    """
    binds: list[bytes] = []
    error_status = error_index = 0
    ordered = sorted(values, key=_oid_key)
    for i, oid in enumerate(req.oids, start=1):
        name, value_tlv = oid, b""
        if req.pdu_type == GET_REQUEST and oid in values:
            value_tlv = _value_tlv(oid, values[oid], oid_valued)
        elif req.pdu_type == GET_NEXT_REQUEST:
            key = _oid_key(oid)
            nxt = next((o for o in ordered if _oid_key(o) > key), None)
            if nxt is not None:
                name, value_tlv = nxt, _value_tlv(nxt, values[nxt], oid_valued)
        if not value_tlv:
            if req.version == V1:
                error_status, error_index = NO_SUCH_NAME, error_index or i
                value_tlv = tlv(NULL, b"")
            else:
                exc = NO_SUCH_OBJECT if req.pdu_type == GET_REQUEST else END_OF_MIB_VIEW
                value_tlv = tlv(exc, b"")
        binds.append(tlv(SEQUENCE, tlv(OID, encode_oid(name)) + value_tlv))
    if error_status:  # v1: the response carries the request's varbinds unchanged
        binds = [tlv(SEQUENCE, tlv(OID, encode_oid(o)) + tlv(NULL, b"")) for o in req.oids]
    pdu = (
        _enc_int(req.request_id)
        + _enc_int(error_status)
        + _enc_int(error_index)
        + tlv(SEQUENCE, b"".join(binds))
    )
    return tlv(
        SEQUENCE,
        _enc_int(req.version) + tlv(OCTET_STRING, req.community) + tlv(GET_RESPONSE, pdu),
    )
