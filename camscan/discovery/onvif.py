"""ONVIF device service: GetSystemDateAndTime (no auth), GetDeviceInformation (without
credentials first, which tells whether the device leaks it; then with the user's account
and a WS-Security UsernameToken digest).  The password lives only in memory.

The SOAP envelopes are small and fixed, so they are written here and the replies read with
defusedxml, rather than loading WSDLs with zeep: no schema fetches, nothing to resolve, and
hostile replies (entity bombs, XXE) are refused by the parser.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from camscan.discovery import wire
from camscan.discovery.ratelimit import RateLimiter
from camscan.observations import Observation
from camscan.protocols import ParseError
from camscan.protocols._message import parse_message
from camscan.protocols.http import decode_body
from camscan.protocols.wsdiscovery import parse_wsdiscovery

if TYPE_CHECKING:
    from camscan.discovery.host import Host
    from camscan.probes import Probe

SOAP = "http://www.w3.org/2003/05/soap-envelope"
TDS = "http://www.onvif.org/ver10/device/wsdl"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DIGEST = (
    "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
)
MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")
INFO_FIELDS = ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber", "HardwareId")


def _security(user: str, password: str) -> str:
    nonce = os.urandom(16)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(
        hashlib.sha1(nonce + created.encode() + password.encode()).digest()
    ).decode()
    return (
        f'<s:Header><wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" s:mustUnderstand="1">'
        f"<wsse:UsernameToken><wsse:Username>{_esc(user)}</wsse:Username>"
        f'<wsse:Password Type="{DIGEST}">{digest}</wsse:Password>'
        f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        f"<wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>"
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def envelope(operation: str, header: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="{SOAP}" '
        f'xmlns:tds="{TDS}">{header}<s:Body><tds:{operation}/></s:Body></s:Envelope>'
    ).encode()


def parse_device_information(raw: bytes) -> dict[str, str] | None:
    """The fields of a GetDeviceInformationResponse, or None (refused, fault, malformed)."""
    try:
        root = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return None
    resp = root.find(f".//{{{TDS}}}GetDeviceInformationResponse")
    if resp is None:
        return None
    out: dict[str, str] = {}
    for name in INFO_FIELDS:
        el = resp.find(f"{{{TDS}}}{name}")
        if el is not None and el.text:
            out[name] = el.text.strip()[:256]
    return out


def parse_hw_addresses(raw: bytes) -> list[str]:
    """The MAC addresses of a GetNetworkInterfacesResponse (well-formed ones only)."""
    try:
        root = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return []
    macs: list[str] = []
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.endswith("}HwAddress") and el.text:
            mac = el.text.strip().lower().replace("-", ":")
            if MAC.fullmatch(mac) and mac not in macs:
                macs.append(mac)
    return macs[:8]


def post_request(ip: str, port: int, path: str, body: bytes) -> bytes:
    """A SOAP 1.2 POST as the raw reader sends it (identity encoding, one request)."""
    host = f"[{ip}]" if ":" in ip else ip
    head = (
        f"POST {path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"User-Agent: {wire.USER_AGENT}\r\nAccept: */*\r\nAccept-Encoding: identity\r\n"
        "Content-Type: application/soap+xml; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def _post(
    url: str, body: bytes, limiter: RateLimiter, timeout: float, max_bytes: int
) -> tuple[int, bytes, str | None]:
    """POST one envelope; (status, decoded body, error)."""
    parts = urlsplit(url)
    tls = parts.scheme == "https"
    try:
        port = parts.port or (443 if tls else 80)
    except ValueError as err:
        return 0, b"", f"bad URL: {err}"
    ip = parts.hostname or ""
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    await limiter.acquire()
    replies, _ = await wire.exchange(
        ip,
        port,
        [post_request(ip, port, path, body)],
        tls=tls,
        timeout=timeout,
        max_bytes=max_bytes,
    )
    r = replies[0]
    if not r.data:
        return 0, b"", r.error or "no reply"
    try:
        message = parse_message(r.data, expect=("HTTP",), what="ONVIF reply")
    except ParseError as err:
        return 0, b"", f"unreadable HTTP reply: {str(err)[:200]}"
    data, _notes = decode_body(message)  # de-chunked, decompressed: the XML as meant
    return message.status or 0, data, r.error


async def probe(
    ip: str,
    url: str,
    limiter: RateLimiter,
    *,
    user: str | None,
    password: str | None,
    timeout: float,
    max_bytes: int,
    counter: list[int] | None = None,
) -> list[Observation]:
    """Ask one ONVIF device service; observations for time, device information, auth.
    ``counter[0]`` is increased by the number of requests sent."""
    counter = counter if counter is not None else [0]

    async def post(body: bytes) -> tuple[int, bytes, str | None]:
        counter[0] += 1
        return await _post(url, body, limiter, timeout, max_bytes)

    out: list[Observation] = []
    try:
        port = urlsplit(url).port or 80
    except ValueError:
        port = 80
    status, raw, err = await post(envelope("GetSystemDateAndTime"))
    if err and not raw:
        return [Observation(probe="onvif", ip=ip, port=port, meta={"url": url}, error=err)]
    meta: dict[str, Any] = {"url": url, "system_date_time_status": status}
    status, raw, err = await post(envelope("GetDeviceInformation"))
    info = parse_device_information(raw) if status == 200 else None
    authenticated = False
    if info is None and user and password is not None:
        status, raw, err = await post(envelope("GetDeviceInformation", _security(user, password)))
        info = parse_device_information(raw) if status == 200 else None
        authenticated = info is not None
    if info is not None:
        # The interfaces' MAC addresses: the identity of a device behind a router, where
        # ARP cannot see it.  Asked with the same credentials that opened GetDeviceInformation.
        header = _security(user, password) if authenticated and user and password else ""
        st, nraw, _ = await post(envelope("GetNetworkInterfaces", header))
        macs = parse_hw_addresses(nraw) if st == 200 else []
        if macs:
            meta["hw_addresses"] = macs
    meta["authenticated"] = authenticated
    meta["device_information_status"] = status
    meta["device_information"] = "obtained" if info is not None else "refused"
    out.append(Observation.capped("onvif", ip, raw, port=port, meta=meta, limit=max_bytes))
    if info is not None:
        out.append(Observation(probe="onvif_device_information", ip=ip, port=port, meta=info))
    elif raw and status == 200:
        out.append(
            Observation(
                probe="onvif",
                ip=ip,
                port=port,
                meta={"url": url},
                error="GetDeviceInformation reply could not be read (malformed or hostile XML)",
            )
        )
    return out


async def probe_url(host: Host, url: str) -> list[Observation]:
    """The plan's ONVIF follow-up on ``host`` (its own XAddrs), requests accounted."""
    counter = [0]
    try:
        return await probe(
            host.ip,
            url,
            host.limiter,
            user=host.opt.onvif_user,
            password=host.opt.onvif_password,
            timeout=host.opt.timeout,
            max_bytes=host.opt.max_bytes,
            counter=counter,
        )
    finally:
        host.count(counter[0])


async def run(host: Host, probe_entry: Probe) -> list[Observation]:
    """Registry entry point: the device service the host announced (camscan/discovery/plan)."""
    from camscan.discovery.plan import _onvif_urls

    out: list[Observation] = []
    for url in _onvif_urls(host):
        out.extend(await probe_url(host, url))
    return out


def xaddrs(raw: bytes) -> list[str]:
    """The device service URLs of a WS-Discovery reply (empty when unreadable), read by the
    one WS-Discovery parser, which also reads replies cut off or oddly prefixed."""
    try:
        message = parse_wsdiscovery(raw)
    except ParseError:
        return []
    return [u for m in message.matches for u in m.xaddrs if u.startswith("http")]
