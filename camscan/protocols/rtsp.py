"""RTSP responses: Server, realms, Public methods, the raw header block (Hikvision's
two-space ``Date:``) and the SDP session name and attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from camscan.protocols._message import Message, auth_challenges, parse_message


@dataclass(frozen=True, slots=True)
class RtspResponse:
    """One RTSP reply."""

    message: Message
    realms: tuple[str, ...]
    sdp_session: str | None

    @property
    def status(self) -> int | None:
        return self.message.status

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        m = self.message
        out: list[tuple[str, str]] = [
            ("rtsp.status", str(m.status)),
            ("rtsp.headers", m.header_block),
        ]
        server = m.get("Server")
        if server is not None:
            out.append(("rtsp.server", server))
        for value in m.get_all("WWW-Authenticate"):
            out.append(("rtsp.www_authenticate", value))
        out.extend(("rtsp.realm", r) for r in self.realms)
        public = m.get("Public")
        if public is not None:
            out.append(("rtsp.public", public))
        if m.body:
            out.append(("rtsp.sdp", m.body[:65536]))
        if self.sdp_session is not None:
            out.append(("rtsp.sdp_session", self.sdp_session))
        return out


def parse_rtsp_response(raw: bytes | str) -> RtspResponse:
    """Parse a full RTSP response (status line, headers, optional SDP body)."""
    message = parse_message(raw, expect=("RTSP",), what="RTSP reply")
    realms = tuple(
        p["realm"] for _, p in auth_challenges(message.get_all("WWW-Authenticate")) if "realm" in p
    )
    s = re.search(r"(?m)^s=(.*)$", message.body[:65536])
    return RtspResponse(
        message=message, realms=realms, sdp_session=s.group(1).strip() if s else None
    )
