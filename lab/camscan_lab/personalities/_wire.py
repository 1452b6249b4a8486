"""Small builders shared by the personality modules: wire framing only, no vendor content.

Every vendor string lives in the family modules next to its citation; these helpers only
put CRLFs, status lines and OIDs in the right places so each family states what a device
says and not how HTTP or RTSP is framed.
"""

from __future__ import annotations

import json
from typing import Any

from camscan_lab.personalities.base import HttpReply, Personality, RtspService

CRLF = "\r\n"

# MIB-II system group (RFC 1213): the OIDs every SNMP agent answers first.
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_CONTACT = "1.3.6.1.2.1.1.4.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"

_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
}


def reply(
    status: int = 200,
    body: str = "",
    *headers: tuple[str, str],
    reason: str = "",
) -> HttpReply:
    """An HttpReply with the standard reason phrase for ``status`` unless one is given."""
    return HttpReply(
        status=status,
        reason=reason or _REASONS.get(status, "OK"),
        headers=tuple(headers),
        body=body,
    )


def rtsp(status_line: str, *headers: str, body: str = "") -> str:
    """A whole RTSP response template: status line, ``Name: value`` lines, blank line, body.

    ``CSeq: {cseq}`` is added right after the status line, where real servers put it; a
    ``Content-Length`` is added when there is a body.
    """
    lines = [status_line, "CSeq: {cseq}", *headers]
    if body:
        lines.append(f"Content-Length: {len(body.encode())}")
    return CRLF.join(lines) + CRLF + CRLF + body


def sdp(*lines: str) -> str:
    """An SDP body with CRLF line ends (RFC 4566)."""
    return CRLF.join(lines) + CRLF


def scopes(*parts: str) -> tuple[str, ...]:
    """ONVIF scope URIs from their path parts (``"hardware/{model}"``)."""
    return tuple(f"onvif://www.onvif.org/{p}" for p in parts)


def snmp_system(descr: str, object_id: str | None, name: str = "{hostname}") -> dict[str, str]:
    """The MIB-II system group; ``object_id`` None leaves sysObjectID out (some cameras)."""
    values = {SYS_DESCR: descr, SYS_NAME: name, SYS_CONTACT: "", SYS_LOCATION: ""}
    if object_id is not None:
        values[SYS_OBJECT_ID] = object_id
    return values


# Every placeholder a JSON template may carry (base.template_fields keys).
_PLACEHOLDERS = (
    "ip",
    "mac",
    "mac_plain",
    "mac_dash",
    "mac_upper",
    "model",
    "firmware",
    "firmware_version",
    "firmware_build",
    "serial",
    "name",
    "uuid",
    "brand",
    "hostname",
    "boot_time",
)


def json_template(obj: object, *, separators: tuple[str, str] = (",", ":")) -> str:
    """A JSON document as a ``str.format`` template: braces doubled, ``"{ip}"``-style string
    values left as placeholders."""
    text = json.dumps(obj, separators=separators, ensure_ascii=False)
    text = text.replace("{", "{{").replace("}", "}}")
    for name in _PLACEHOLDERS:
        text = text.replace("{{" + name + "}}", "{" + name + "}")
    return text


_CAMERA_TYPES = frozenset({"camera", "nvr", "dvr", "encoder"})


def unit(**fields: Any) -> Personality:
    """A Personality whose ``is_camera`` follows from its ``device_type``."""
    return Personality(is_camera=fields["device_type"] in _CAMERA_TYPES, **fields)


def html_page(title: str, *body_lines: str, head: str = "") -> str:
    """A small HTML page: the title a browser tab shows and the body lines given."""
    body = "\n".join(body_lines)
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def redirect(location: str, *headers: tuple[str, str], status: int = 302) -> HttpReply:
    """A redirect with an empty body."""
    return reply(status, "", *headers, ("Location", location))


RTSP_PUBLIC = (
    "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER"
)


def rtsp_auth(
    challenge: str,
    *headers: str,
    public: str = RTSP_PUBLIC,
    port: int = 554,
) -> RtspService:
    """OPTIONS answered without credentials, DESCRIBE refused with ``challenge`` (the whole
    WWW-Authenticate value); ``headers`` go on both replies (Server, Date ...)."""
    return RtspService(
        port=port,
        options=rtsp("RTSP/1.0 200 OK", public, *headers),
        describe=rtsp("RTSP/1.0 401 Unauthorized", f"WWW-Authenticate: {challenge}", *headers),
    )
