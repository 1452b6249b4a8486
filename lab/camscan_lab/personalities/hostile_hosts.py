"""Misbehaving hosts (issue 3 "--hostile" mix, also in the default mix at a low rate).

Two kinds:

* hostile *cameras*: a real maker's device, identifiable over its other services, with one
  poisoned answer - an entity bomb or external entity in its SADP/ONVIF XML, script in its
  model name, invalid UTF-8 in its web page, a malformed SADP/DHIP datagram.  Ground truth is
  the maker's (a hostile camera is still a camera of its maker).
* hosts with no identity: a tarpit, a byte-by-byte slow web server, an endless body, a host
  answering on every port.  Ground truth: ``device_type`` "not_camera", ``is_camera`` False,
  manufacturer "Unknown" - nothing on the wire says what they are, and a scanner must not call
  them cameras.

Every name contains "hostile" (the end-to-end tests select these hosts by name).  The
``hostile`` tokens tell the server what to do on the wire (base.py); payloads that can be
written down are in the templates here.  Lone surrogates (``\\udcff``) become raw invalid
UTF-8 bytes on the wire (base.py conventions).

Sources: the service traits are those of the parent families (hikvision.py, dahua.py,
xiongmai.py, ordinary.py, with their citations); the attack shapes are the classic XML entity
expansion ("billion laughs") and XXE patterns defusedxml guards against
(https://github.com/tiran/defusedxml README), and the team brief's hostile-input list.
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities import dahua, hikvision, ordinary, xiongmai
from camscan_lab.personalities._wire import html_page, reply, unit
from camscan_lab.personalities.base import Personality

SOURCES = (
    "https://github.com/tiran/defusedxml (billion laughs, quadratic blowup, external entity "
    "expansion patterns)",
    "team BRIEF: devices are hostile input (XXE, entity bombs, invalid UTF-8, script in "
    "banners, slow and endless replies); issue 3 misbehaving hosts list",
)

# Ten levels of ten: 10**10 expansions if a parser resolved it.
_BOMB_DTD = (
    "<!DOCTYPE ProbeMatch [\n"
    '<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
)
_XXE_DTD = '<!DOCTYPE ProbeMatch [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'

_SADP = hikvision.sadp_reply(141945, "V7.3 build 190626")
_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _poisoned_sadp(dtd: str, entity: str) -> str:
    """The ordinary SADP reply with a DTD and the model replaced by an entity reference."""
    body = _SADP.removeprefix(_DECL)
    body = body.replace(
        "<DeviceDescription>{model}</DeviceDescription>",
        f"<DeviceDescription>&{entity};</DeviceDescription>",
    )
    return _DECL + dtd + body


_XXE_PROBE_MATCH = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE env:Envelope [<!ENTITY xxe SYSTEM "file:///etc/shadow">]>\n'
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
    "<env:Header><wsadis:MessageID>urn:uuid:{uuid}</wsadis:MessageID>"
    "<wsadis:RelatesTo>{message_id}</wsadis:RelatesTo>"
    "<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action>"
    "</env:Header><env:Body><d:ProbeMatches><d:ProbeMatch>"
    "<wsadis:EndpointReference><wsadis:Address>&xxe;</wsadis:Address></wsadis:EndpointReference>"
    "<d:Types>dn:NetworkVideoTransmitter</d:Types>"
    "<d:Scopes>onvif://www.onvif.org/hardware/{model}</d:Scopes>"
    "<d:XAddrs>http://{ip}/onvif/device_service</d:XAddrs>"
    "<d:MetadataVersion>10</d:MetadataVersion>"
    "</d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>"
)

_HIK = hikvision.IPC_V5_NEW
assert _HIK.onvif is not None

HIK_ENTITY_BOMB = replace(
    _HIK,
    name="hostile-hikvision-entity-bomb",
    sources=_HIK.sources + SOURCES,
    sadp=_poisoned_sadp(_BOMB_DTD, "lol9"),
    hostile=("entity-bomb",),
    weight=1.0,
)

HIK_XXE = replace(
    hikvision.IPC_V5_OLD,
    name="hostile-hikvision-xxe",
    sources=_HIK.sources + SOURCES,
    sadp=_poisoned_sadp(_XXE_DTD, "xxe"),
    onvif=replace(_HIK.onvif, probe_match=_XXE_PROBE_MATCH),
    hostile=("xxe",),
    weight=1.0,
)

HIK_MALFORMED_SADP = replace(
    _HIK,
    name="hostile-hikvision-malformed-sadp",
    sources=_HIK.sources + SOURCES,
    # Cut off mid-element, with a NUL and stray bytes: a broken datagram, not XML.
    sadp=_SADP[: _SADP.index("<MAC>") + 5] + "{mac_plain}\x00\udcff\udcfe<<<",
    hostile=("malformed-udp",),
    weight=0.8,
)

_DAHUA = dahua.IPC
assert _DAHUA.onvif is not None
SCRIPT = "<script>alert(1)</script>"

DAHUA_SCRIPT_MODEL = replace(
    _DAHUA,
    name="hostile-dahua-script-model",
    sources=_DAHUA.sources + SOURCES,
    models=(SCRIPT, '"><img src=x onerror=alert(document.domain)>'),
    http={80: dahua.http_dahua(title=f"WEB SERVICE{SCRIPT}")},
    https_ports=(),
    # No hand-written XML around the model: the server escapes it in what it builds.
    onvif=replace(_DAHUA.onvif, probe_match=None),
    ssdp_server=None,
    ssdp_description=None,
    hostile=("script-model",),
    weight=1.0,
)

DAHUA_MALFORMED_DHIP = replace(
    _DAHUA,
    name="hostile-dahua-malformed-dhip",
    sources=_DAHUA.sources + SOURCES,
    # Truncated JSON; the server also sends header lengths that disagree with the body.
    dahua_discovery='{{"mac":"{mac}","method":"client.notifyDevInfo","params":{{"deviceInfo":'
    '{{"DeviceType":"{model}","SerialNo":"{serial}","Vers',
    hostile=("malformed-udp",),
    weight=0.8,
)

_XM = xiongmai.CAMERA
XM_BAD_UTF8 = replace(
    _XM,
    name="hostile-xiongmai-bad-utf8",
    sources=_XM.sources + SOURCES,
    http={
        80: {
            "/": reply(
                200,
                html_page("NETSurveillance WEB \udcc3(\udcff", "\udcfe\udcfe caf\udce9"),
                ("Server", "uc-httpd 1.0.0\udc80"),
                ("Content-Type", "text/html; charset=utf-8"),
            ),
            "*": reply(404, "\udcff\udcfe", ("Server", "uc-httpd 1.0.0")),
        }
    },
    hostile=("bad-utf8",),
    weight=0.8,
)

ROUTER_XXE = replace(
    ordinary.UPNP_ROUTER,
    name="hostile-router-xxe",
    sources=ordinary.UPNP_ROUTER.sources + SOURCES,
    ssdp_description=(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<root xmlns="urn:schemas-upnp-org:device-1-0"><device>'
        "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>"
        "<friendlyName>&xxe;</friendlyName><manufacturer>TP-Link</manufacturer>"
        "<modelName>{model}</modelName><UDN>uuid:{uuid}</UDN></device></root>\n"
    ),
    hostile=("xxe",),
    weight=0.6,
)


def _nobody(name: str, tokens: tuple[str, ...], weight: float, **services: object) -> Personality:
    """A host with no identity at all: nothing says who made it."""
    return unit(
        name=name,
        brand="Unknown",
        manufacturer="Unknown",
        device_type="not_camera",
        ouis=("02:00:5e", "0a:1b:2c"),  # locally administered: no registrant
        models=("unknown",),
        firmwares=("unknown",),
        serial_format="X{num:09d}",
        sources=SOURCES,
        hostile=tokens,
        weight=weight,
        **services,
    )


_CAMERA_PORTS = (80, 443, 554, 8000, 8080, 8443, 34567, 37777)

TARPIT = _nobody("hostile-tarpit", ("tarpit",), 1.0, tcp_silent=_CAMERA_PORTS)
SLOWLORIS = _nobody(
    "hostile-slow-bytes",
    ("slowloris",),
    1.0,
    http={
        80: {
            "/": reply(
                200, html_page("Loading", "please wait " * 40), ("Content-Type", "text/html")
            )
        }
    },
    rtsp=None,
)
ENDLESS = _nobody(
    "hostile-endless-body",
    ("endless-body",),
    1.0,
    http={80: {"*": reply(200, "", ("Content-Type", "text/html"), ("Connection", "close"))}},
)
ALL_PORTS = _nobody("hostile-all-ports", ("all-ports",), 0.8)

PERSONALITIES: tuple[Personality, ...] = (
    HIK_ENTITY_BOMB,
    HIK_XXE,
    HIK_MALFORMED_SADP,
    DAHUA_SCRIPT_MODEL,
    DAHUA_MALFORMED_DHIP,
    XM_BAD_UTF8,
    ROUTER_XXE,
    TARPIT,
    SLOWLORIS,
    ENDLESS,
    ALL_PORTS,
)
