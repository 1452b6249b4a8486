"""ONVIF on the wire: the device service (SOAP over HTTP POST) and WS-Discovery ProbeMatches.

Device service (ONVIF Core spec 5.9 / 5.12): GetSystemDateAndTime and the other pre-auth
operations (GetCapabilities, GetServices: the spec's PRE_AUTH access class) answer without
credentials; GetDeviceInformation, GetNetworkInterfaces, GetScopes and GetHostname need a
WS-Security UsernameToken with PasswordDigest = Base64(SHA1(nonce + created + password)) for
the lab's ONVIF account when the personality's ``auth_required`` is set, else a SOAP fault
``ter:NotAuthorized``.  Hikvision firmware returns that fault with HTTP 401, the SOAP 1.2 HTTP
binding (and the other stacks here) with 400 for sender faults.

Requests and probes are parsed with defusedxml (no DTDs, no entities) under a size cap.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from camscan_lab.serve_host import Host

MAX_SOAP_BYTES = 64 * 1024
MAX_PROBE_BYTES = 16 * 1024

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
PRE_AUTH = frozenset(
    {"GetSystemDateAndTime", "GetCapabilities", "GetServices", "GetWsdlUrl", "GetEndpointReference"}
)

_NS = (
    f'xmlns:env="{SOAP12}" xmlns:tt="http://www.onvif.org/ver10/schema" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
    'xmlns:ter="http://www.onvif.org/ver10/error"'
)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse(raw: bytes, cap: int) -> Element | None:
    if len(raw) > cap:
        return None
    try:
        root: Element = ElementTree.fromstring(raw, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError, UnicodeError):
        return None
    return root


def _child(el: Element, name: str) -> Element | None:
    return next((c for c in el if _local(c.tag) == name), None)


def _envelope(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope {_NS}><env:Body>{body}'
        "</env:Body></env:Envelope>\n"
    ).encode("utf-8", errors="surrogateescape")


def fault(subcode: str, reason: str, code: str = "env:Sender") -> bytes:
    """A SOAP 1.2 fault envelope with an ONVIF ``ter:`` subcode."""
    return _envelope(
        f"<env:Fault><env:Code><env:Value>{code}</env:Value><env:Subcode>"
        f"<env:Value>{subcode}</env:Value></env:Subcode></env:Code><env:Reason>"
        f'<env:Text xml:lang="en">{reason}</env:Text></env:Reason></env:Fault>'
    )


def digest_ok(root: Element, user: str, password: str) -> bool:
    """True when the envelope carries a UsernameToken PasswordDigest for user/password."""
    token = next((el for el in root.iter() if _local(el.tag) == "UsernameToken"), None)
    if token is None:
        return False
    parts = {_local(c.tag): (c.text or "").strip() for c in token}
    password_el = _child(token, "Password")
    kind = password_el.get("Type", "") if password_el is not None else ""
    if parts.get("Username") != user or not kind.endswith("#PasswordDigest"):
        return False
    try:
        nonce = base64.b64decode(parts.get("Nonce", ""), validate=True)
    except ValueError:
        return False
    expected = base64.b64encode(
        hashlib.sha1(nonce + parts.get("Created", "").encode() + password.encode()).digest()
    ).decode()
    return hmac.compare_digest(expected, parts.get("Password", ""))


def _now() -> datetime:
    return datetime.now(UTC)


def _date_time() -> str:
    t = _now()
    return (
        "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
        "<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
        "<tt:TimeZone><tt:TZ>GMT0</tt:TZ></tt:TimeZone><tt:UTCDateTime>"
        f"<tt:Time><tt:Hour>{t.hour}</tt:Hour><tt:Minute>{t.minute}</tt:Minute>"
        f"<tt:Second>{t.second}</tt:Second></tt:Time>"
        f"<tt:Date><tt:Year>{t.year}</tt:Year><tt:Month>{t.month}</tt:Month>"
        f"<tt:Day>{t.day}</tt:Day></tt:Date></tt:UTCDateTime>"
        "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
    )


def _device_information(host: Host) -> str:
    onvif = host.personality.onvif
    assert onvif is not None
    f = host.xml_fields
    maker = host.xml(onvif.manufacturer) if onvif.manufacturer else f["brand"]
    return (
        "<tds:GetDeviceInformationResponse>"
        f"<tds:Manufacturer>{maker}</tds:Manufacturer><tds:Model>{f['model']}</tds:Model>"
        f"<tds:FirmwareVersion>{f['firmware']}</tds:FirmwareVersion>"
        f"<tds:SerialNumber>{f['serial']}</tds:SerialNumber>"
        f"<tds:HardwareId>{host.xml(onvif.hardware_id)}</tds:HardwareId>"
        "</tds:GetDeviceInformationResponse>"
    )


def _xaddr(host: Host) -> str:
    onvif = host.personality.onvif
    assert onvif is not None
    port = "" if onvif.port == 80 else f":{onvif.port}"
    return f"http://{host.ip}{port}{onvif.path}"


def _network_interfaces(host: Host) -> str:
    return (
        '<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0">'
        "<tt:Enabled>true</tt:Enabled><tt:Info><tt:Name>eth0</tt:Name>"
        f"<tt:HwAddress>{host.fields['mac']}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>"
        "<tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual>"
        f"<tt:Address>{host.ip}</tt:Address><tt:PrefixLength>24</tt:PrefixLength></tt:Manual>"
        "<tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4>"
        "</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>"
    )


def _capabilities(host: Host) -> str:
    base = _xaddr(host).rsplit("/", 1)[0]
    return (
        "<tds:GetCapabilitiesResponse><tds:Capabilities>"
        f"<tt:Device><tt:XAddr>{_xaddr(host)}</tt:XAddr></tt:Device>"
        f"<tt:Media><tt:XAddr>{base}/Media</tt:XAddr></tt:Media>"
        "</tds:Capabilities></tds:GetCapabilitiesResponse>"
    )


def _services(host: Host) -> str:
    return (
        "<tds:GetServicesResponse><tds:Service>"
        "<tds:Namespace>http://www.onvif.org/ver10/device/wsdl</tds:Namespace>"
        f"<tds:XAddr>{_xaddr(host)}</tds:XAddr>"
        "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version>"
        "</tds:Service></tds:GetServicesResponse>"
    )


def _scopes(host: Host) -> str:
    onvif = host.personality.onvif
    assert onvif is not None
    items = "".join(
        "<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef>"
        f"<tt:ScopeItem>{host.xml(s)}</tt:ScopeItem></tds:Scopes>"
        for s in onvif.scopes
    )
    return f"<tds:GetScopesResponse>{items}</tds:GetScopesResponse>"


def _hostname(host: Host) -> str:
    return (
        "<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP>"
        f"<tt:Name>{host.xml_fields['hostname']}</tt:Name></tds:HostnameInformation>"
        "</tds:GetHostnameResponse>"
    )


_OPERATIONS = {
    "GetSystemDateAndTime": lambda _h: _date_time(),
    "GetDeviceInformation": _device_information,
    "GetNetworkInterfaces": _network_interfaces,
    "GetCapabilities": _capabilities,
    "GetServices": _services,
    "GetScopes": _scopes,
    "GetHostname": _hostname,
}


def device_service(host: Host, raw: bytes) -> tuple[int, str, bytes]:
    """(HTTP status, reason, SOAP body) for one POST to the host's device service."""
    root = _parse(raw, MAX_SOAP_BYTES)
    body = _child(root, "Body") if root is not None else None
    if root is None or body is None or len(body) == 0:
        return 400, "Bad Request", fault("ter:WellFormed", "Malformed SOAP request")
    operation = _local(body[0].tag)
    handler = _OPERATIONS.get(operation)
    if handler is None:
        return 400, "Bad Request", fault("ter:ActionNotSupported", "Action not supported")
    onvif = host.personality.onvif
    assert onvif is not None
    needs_auth = onvif.auth_required and operation not in PRE_AUTH
    if needs_auth and not digest_ok(root, host.creds.onvif_user, host.creds.onvif_password):
        status = 401 if host.personality.manufacturer == "Hikvision" else 400
        reason = "Unauthorized" if status == 401 else "Bad Request"
        return status, reason, fault("ter:NotAuthorized", "Sender not Authorized")
    return 200, "OK", _envelope(handler(host))


# --- WS-Discovery -----------------------------------------------------------------------

_WSD_NS = (
    f'xmlns:env="{SOAP12}" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"'
)


def _wanted_types(root: Element) -> list[str] | None:
    """Local names of the probe's Types (empty: any), or None when it is not a Probe."""
    body = _child(root, "Body")
    probe = _child(body, "Probe") if body is not None else None
    if probe is None:
        return None
    types = _child(probe, "Types")
    text = (types.text or "") if types is not None else ""
    return [t.rsplit(":", 1)[-1] for t in text.split()]


def _wsd_children(host: Host) -> str:
    """EndpointReference, Types, Scopes, XAddrs and MetadataVersion: what a ProbeMatch and
    a Hello carry."""
    onvif = host.personality.onvif
    assert onvif is not None
    scopes = " ".join(host.xml(s) for s in onvif.scopes)
    return (
        f"<wsa:EndpointReference><wsa:Address>{host.xml(onvif.endpoint_reference)}"
        f"</wsa:Address></wsa:EndpointReference><d:Types>{host.xml(onvif.types)}</d:Types>"
        f"<d:Scopes>{scopes}</d:Scopes><d:XAddrs>{_xaddr(host)}</d:XAddrs>"
        "<d:MetadataVersion>1</d:MetadataVersion>"
    )


def wsd_announcement(host: Host, kind: str, number: int, *, instance: int) -> bytes:
    """A multicast Hello or Bye (WS-Discovery 2005/04, the version cameras speak): To the
    discovery URN, an AppSequence (InstanceId constant for one power-on, MessageNumber
    counting up); a Hello carries the ProbeMatch's children, a Bye only the
    EndpointReference (WS-Discovery 1.1 §4.1, §4.2)."""
    onvif = host.personality.onvif
    assert onvif is not None
    if kind == "Hello":
        body = _wsd_children(host)
    else:
        epr = host.xml(onvif.endpoint_reference)
        body = f"<wsa:EndpointReference><wsa:Address>{epr}</wsa:Address></wsa:EndpointReference>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope {_WSD_NS}><env:Header>'
        f"<wsa:MessageID>urn:uuid:{uuid.uuid4()}</wsa:MessageID>"
        "<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
        f"<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/{kind}</wsa:Action>"
        f'<d:AppSequence InstanceId="{instance}" MessageNumber="{number}"/>'
        f"</env:Header><env:Body><d:{kind}>{body}</d:{kind}></env:Body></env:Envelope>\n"
    ).encode("utf-8", errors="surrogateescape")


def probe_matches(host: Host, raw: bytes) -> bytes | None:
    """The ProbeMatches for a WS-Discovery Probe, or None (not a probe, types not ours)."""
    onvif = host.personality.onvif
    root = _parse(raw, MAX_PROBE_BYTES)
    if onvif is None or root is None:
        return None
    wanted = _wanted_types(root)
    ours = {t.rsplit(":", 1)[-1] for t in onvif.types.split()} | {"Device"}
    if wanted is None or (wanted and not ours.intersection(wanted)):
        return None
    header = _child(root, "Header")
    mid_el = _child(header, "MessageID") if header is not None else None
    message_id = (mid_el.text or "").strip()[:200] if mid_el is not None else ""
    if onvif.probe_match is not None:
        return host.xml(onvif.probe_match, message_id=message_id).encode(
            "utf-8", errors="surrogateescape"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope {_WSD_NS}><env:Header>'
        f"<wsa:MessageID>urn:uuid:{host.fields['uuid']}</wsa:MessageID>"
        f"<wsa:RelatesTo>{host.xml('{m}', m=message_id)}</wsa:RelatesTo>"
        "<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>"
        "</env:Header><env:Body><d:ProbeMatches><d:ProbeMatch>"
        f"{_wsd_children(host)}"
        "</d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>\n"
    ).encode("utf-8", errors="surrogateescape")
