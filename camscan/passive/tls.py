"""The server's side of a TLS handshake: its version and, up to TLS 1.2, its certificate.

Records (RFC 5246 section 6.2.1; RFC 8446 section 5.1): type (22 handshake), version,
16-bit length, fragment; handshake messages (RFC 5246 section 7.4) are type, 24-bit length,
body, and may span records.  ServerHello (type 2) gives the version; its supported_versions
extension (43, RFC 8446 section 4.2.1) saying 0x0304 means TLS 1.3, where the Certificate
message is sent encrypted (RFC 8446 section 2) and cannot be read off the wire.  Certificate
(type 11, RFC 5246 section 7.4.2): a 24-bit list length, then 24-bit length + DER per
certificate, the server's own first.
"""

from __future__ import annotations

import ssl
import struct
from dataclasses import dataclass

HANDSHAKE = 22
SERVER_HELLO = 2
CERTIFICATE = 11
SUPPORTED_VERSIONS = 43
TLS13 = 0x0304
MAX_CERT = 16384  # one DER certificate; a server's own is a few KiB


@dataclass(frozen=True, slots=True)
class ServerHandshake:
    """What a passive listener reads of a server's handshake."""

    version: int | None  # 0x0303 = TLS 1.2, 0x0304 = TLS 1.3
    pem: str | None  # the server's own certificate (TLS <= 1.2 only)
    error: str | None = None

    @property
    def encrypted_certificate(self) -> bool:
        return self.version == TLS13


def looks_like_server_hello(data: bytes) -> bool:
    """A handshake record whose first message is a ServerHello."""
    return len(data) >= 6 and data[0] == HANDSHAKE and data[1] == 3 and data[5] == SERVER_HELLO


def _handshake_bytes(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i + 5 <= len(data):
        rtype, _ver, length = data[i], data[i + 1 : i + 3], struct.unpack_from("!H", data, i + 3)[0]
        if rtype != HANDSHAKE:
            break  # ChangeCipherSpec or application data: the clear handshake is over
        out += data[i + 5 : i + 5 + length]
        i += 5 + length
    return bytes(out)


def _hello_version(body: bytes) -> int | None:
    if len(body) < 38:
        return None
    version = int(struct.unpack_from("!H", body, 0)[0])
    i = 34
    sid = body[i]
    i += 1 + sid + 3  # session id, cipher suite, compression method
    if i + 2 > len(body):
        return version
    (ext_len,) = struct.unpack_from("!H", body, i)
    i += 2
    end = min(len(body), i + ext_len)
    while i + 4 <= end:
        etype, elen = struct.unpack_from("!HH", body, i)
        if etype == SUPPORTED_VERSIONS and elen >= 2:
            return int(struct.unpack_from("!H", body, i + 4)[0])
        i += 4 + elen
    return version


def read_server_handshake(data: bytes) -> ServerHandshake:
    """Read the version and first certificate from a server's first bytes; never raises."""
    hs = _handshake_bytes(data)
    version: int | None = None
    i = 0
    while i + 4 <= len(hs):
        mtype = hs[i]
        length = int.from_bytes(hs[i + 1 : i + 4], "big")
        body = hs[i + 4 : i + 4 + length]
        cut = len(body) < length
        if mtype == SERVER_HELLO:
            version = _hello_version(body)
            if version == TLS13:
                return ServerHandshake(version, None)
        elif mtype == CERTIFICATE:
            if len(body) < 6:
                return ServerHandshake(version, None, "certificate message cut off")
            n = int.from_bytes(body[3:6], "big")
            der = body[6 : 6 + n]
            if len(der) < n or not n:
                return ServerHandshake(version, None, "certificate cut off")
            if n > MAX_CERT:
                return ServerHandshake(version, None, f"certificate of {n} bytes not kept")
            return ServerHandshake(version, ssl.DER_cert_to_PEM_cert(der))
        if cut:
            break
        i += 4 + length
    return ServerHandshake(version, None, None if version else "no ServerHello read")
