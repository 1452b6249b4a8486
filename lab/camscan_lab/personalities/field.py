"""Camera families as firmware in the field bends them: one wire quirk per variant.

Each variant is a family personality of its own module (same maker, brand, device type,
models and services) whose firmware has one habit real devices show (base.QUIRKS): a
Hikvision that gzips every body, a Dahua whose header lines end in LF, a Xiongmai that writes
``Server : uc-httpd``, an Axis whose header block ends in a bare LF, recorders that chunk or
omit the Server header, a WS-Discovery reply cut mid-document or written with gSOAP's
prefixes, a camera whose TLS handshake is slow, an NVR that answers 401 on every path.  Only
the field mix draws them (``field=True``); the ground truth records the quirk.

Sources of the habits (the family modules cite the replies themselves):

* gzip sent whatever Accept-Encoding says: https://github.com/OvenMediaLabs/OvenMediaEngine/
  issues/776, https://github.com/18F/18f.gsa.gov/issues/1796,
  https://github.com/ArchiveTeam/wpull/issues/14;
* LF-only lines: RFC 9112 §2.2 (https://www.rfc-editor.org/rfc/rfc9112#section-2.2),
  https://github.com/twisted/twisted/issues/3833, https://github.com/http-rs/async-h1/pull/85;
* the Axis header block closed by a bare LF: the hexdump in
  https://github.com/python-hyper/h11/issues/7 (from https://github.com/encode/httpx/issues/1378);
* a space before the colon: https://github.com/nodejs/http-parser/issues/297,
  https://github.com/dotnet/corefx/issues/21314;
* chunked bodies: RFC 9112 §7.1;
* gSOAP WS-Discovery prefixes (``SOAP-ENV``, ``wsa``, ``wsdd``) as camera SDKs built on gSOAP
  send them: tupers/ipnc_rdk:ipnc_app/network/onvif/gsoap/plugin/dapi.c and
  jjzhang166/qtcms:src/server/onvifsc/onvif/wsdd.c (``-wsdd:Hello``/ProbeMatches
  serialisers); the ``dn:``/``tds:`` QName prefixes in Types are left undeclared, as such
  stacks do when the namespace table omits them;
* a reply cut mid-document: a datagram truncated by the sender's buffer (the issue's
  "discovery replies cut off mid-document").
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities import (
    axis,
    dahua,
    dahua_oem,
    hanwha,
    hikvision,
    hikvision_oem,
    reolink,
    xiongmai,
)
from camscan_lab.personalities._wire import html_page, reply
from camscan_lab.personalities.base import OnvifService, Personality

QUIRK_SOURCES: dict[str, str] = {
    "gzip": "https://github.com/OvenMediaLabs/OvenMediaEngine/issues/776 (gzip despite "
    "Accept-Encoding: identity); https://github.com/ArchiveTeam/wpull/issues/14",
    "lf-only": "https://www.rfc-editor.org/rfc/rfc9112#section-2.2; "
    "https://github.com/twisted/twisted/issues/3833",
    "lf-separator": "https://github.com/python-hyper/h11/issues/7 (Axis camera hexdump, "
    "encode/httpx#1378)",
    "header-space": "https://github.com/nodejs/http-parser/issues/297",
    "chunked": "https://www.rfc-editor.org/rfc/rfc9112#section-7.1",
    "no-server": "https://www.rfc-editor.org/rfc/rfc9110#section-10.2.4 (Server is optional)",
    "slow-tls": "lab's choice: a handshake delayed by the device's CPU",
    "catch-all": "lab's choice: a single-page web UI answering every path with its page",
    "wsd-truncated": "lab's choice: the ProbeMatches datagram cut after the XAddrs scheme",
    "wsd-odd-prefixes": "tupers/ipnc_rdk:ipnc_app/network/onvif/gsoap/plugin/dapi.c; "
    "jjzhang166/qtcms:src/server/onvifsc/onvif/wsdd.c (gSOAP wsdd prefixes)",
    "auth-everywhere": "rapid7/recog:xml/http_wwwauth.xml@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5"
    " (devices identified by the realm of a 401 on /)",
}


def variant(p: Personality, quirk: str, **changes: object) -> Personality:
    """``p`` with firmware that has ``quirk``: a field-mix personality ``<name>+<quirk>``."""
    return replace(
        p,
        name=f"{p.name}+{quirk}",
        quirks=(*p.quirks, quirk),
        field=True,
        sources=(*p.sources, QUIRK_SOURCES[quirk]),
        **changes,  # type: ignore[arg-type]
    )


def truncated(template: str) -> str:
    """A ProbeMatches template cut right after ``XAddrs>http://``: types and scopes are
    readable, the address and every closing tag are lost."""
    at = template.index("XAddrs>") + len("XAddrs>http://")
    return template[:at]


def gsoap_probe_match(onvif: OnvifService) -> str:
    """A ProbeMatches as gSOAP-based stacks write it: ``SOAP-ENV``/``wsa``/``wsdd`` prefixes,
    ``mustUnderstand`` on the header, and Types QNames whose prefixes are not declared."""
    scope_list = " ".join(onvif.scopes)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        "<SOAP-ENV:Header>"
        "<wsa:MessageID>uuid:{uuid}</wsa:MessageID>"
        "<wsa:RelatesTo>{message_id}</wsa:RelatesTo>"
        '<wsa:To SOAP-ENV:mustUnderstand="true">'
        "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"
        '<wsa:Action SOAP-ENV:mustUnderstand="true">'
        "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>"
        "</SOAP-ENV:Header><SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch>"
        "<wsa:EndpointReference><wsa:Address>urn:uuid:{uuid}</wsa:Address>"
        "</wsa:EndpointReference>"
        "<wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types>"
        f"<wsdd:Scopes>{scope_list}</wsdd:Scopes>"
        f"<wsdd:XAddrs>http://{{ip}}:{onvif.port}{onvif.path}</wsdd:XAddrs>"
        "<wsdd:MetadataVersion>1</wsdd:MetadataVersion>"
        "</wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
    )


def _onvif(p: Personality) -> OnvifService:
    assert p.onvif is not None, p.name
    return p.onvif


_HIK_NVR_ONVIF = _onvif(hikvision.NVR)
assert _HIK_NVR_ONVIF.probe_match is not None
_LTS_NVR_ONVIF = _onvif(hikvision_oem.LTS_NVR)
assert _LTS_NVR_ONVIF.probe_match is not None
# A single-page web UI: every path answers the page "/" serves (lab's choice for Reolink).
_REOLINK_SPA = reolink.CAMERA.http[80]["/"]
_XM_DVR_ONVIF = _onvif(xiongmai.DVR)

# Hanwha NVR firmware that challenges every path, ``/`` included (realm iPOLiS as its RTSP).
_HANWHA_401 = reply(
    401,
    html_page("401 Unauthorized", "<h1>401 Unauthorized</h1>"),
    hanwha.AUTH,
    hanwha.HTML,
)

PERSONALITIES: tuple[Personality, ...] = (
    variant(hikvision.IPC_V5_NEW, "gzip"),
    variant(hikvision_oem.HILOOK_IPC, "gzip"),
    variant(hikvision.DVR, "no-server"),
    variant(
        hikvision.NVR,
        "wsd-truncated",
        onvif=replace(_HIK_NVR_ONVIF, probe_match=truncated(_HIK_NVR_ONVIF.probe_match)),
    ),
    variant(dahua.IPC, "lf-only"),
    variant(dahua.NVR, "gzip"),
    variant(dahua_oem.LOREX_NVR, "chunked"),
    variant(xiongmai.CAMERA, "header-space"),
    variant(
        xiongmai.DVR,
        "wsd-odd-prefixes",
        onvif=replace(_XM_DVR_ONVIF, probe_match=gsoap_probe_match(_XM_DVR_ONVIF)),
    ),
    variant(axis.CAMERA, "lf-separator"),
    variant(axis.ENCODER, "chunked"),
    variant(reolink.CAMERA, "slow-tls"),
    variant(
        reolink.CAMERA,
        "catch-all",
        http={80: {"*": _REOLINK_SPA}, 443: {"*": _REOLINK_SPA}},
    ),
    variant(
        hikvision_oem.LTS_NVR,
        "wsd-truncated",
        onvif=replace(_LTS_NVR_ONVIF, probe_match=truncated(_LTS_NVR_ONVIF.probe_match)),
    ),
    variant(hanwha.NVR, "auth-everywhere", http={80: {"*": _HANWHA_401}}),
)
