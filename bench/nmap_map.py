"""From what nmap printed about a host to a camera verdict: is it a camera, and who made it.

This is the mapping a careful analyst would apply to nmap's output by hand, written down so
the comparison is reproducible and can be argued with.  It is built from nmap's own strings
(``/usr/share/nmap/nmap-service-probes`` product names and comments, ``nmap-mac-prefixes``
vendor names, the output formats of the NSE scripts we run), never from camscan's
fingerprints, and it gives nmap every fair chance:

* every string nmap reports counts: service product/extrainfo/CPE, device type, the
  ``http-server-header``, ``http-title``, ``ssl-cert``, ``http-favicon``, ``upnp-info`` and
  ``wsdd-discover`` outputs, the broadcast pre-scripts' findings, and the MAC vendor;
* a maker's name anywhere in those strings counts for that maker (``HIKVISION`` in a title,
  ``Manufacturer: Dahua`` in UPnP, ``Hangzhou Hikvision Digital Technology`` as MAC vendor);
* web-server names that nmap-service-probes itself labels as one maker's count for it
  (``App-webs``, ``DNVRS-Webs``, ``DVRDVS-Webs``, ``Hikvision-Webs`` -> Hikvision; ``uc-httpd``
  -> Xiongmai, nmap's CPE ``xiongmai_technologies``; ``VCS-VideoJet-Webserver`` -> Bosch).

What it does NOT do is apply OEM knowledge nmap does not have: when nmap names a brand
(``Amcrest IP camera http interface``, ``Lorex IP camera rtspd``), the host is attributed to
that brand, which is wrong when the unit was made by Dahua.  Finding the real maker behind
a label is exactly what camscan claims to add, so the benchmark must not hand it to nmap.

Each piece of evidence has a weight by where it came from (nmap's own identification weighs
most, a MAC vendor least); the maker with the highest total wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bench.nmap_xml import NmapHost

# Where a string came from -> how much it counts.  nmap's service identification (a
# product match from nmap-service-probes, its CPE) is the most specific; a server header
# or UPnP manufacturer is what the device says about itself; a title or a MAC vendor is
# the weakest (shared firmware, OEM MAC blocks).
SOURCE_WEIGHT: dict[str, int] = {
    "product": 4,
    "cpe": 4,
    "favicon": 3,
    "upnp": 3,
    "server": 2,
    "cert": 2,
    "wsdd": 1,
    "title": 1,
    "mac": 1,
}


@dataclass(frozen=True)
class Rule:
    """A regular expression over nmap's strings that names a maker (or brand)."""

    pattern: str
    manufacturer: str
    camera: bool  # whether a match alone says "camera/NVR/DVR"
    basis: str  # where the association comes from (nmap's own data or vendor name)


# Makers and brands as nmap names them.  "camera" is True for vendors that make only
# video-surveillance equipment (a match says camera), False where the name also covers
# routers, printers, TVs ... (then a camera claim needs a camera word or device type too).
RULES: tuple[Rule, ...] = (
    Rule(r"hikvision", "Hikvision", True, "nmap-service-probes 'Hikvision IP camera httpd'; MAC"),
    Rule(
        r"\b(?:App-webs|DNVRS-Webs|DVRDVS-Webs|Hikvision-Webs)\b",
        "Hikvision",
        True,
        "nmap-service-probes labels these Server headers Hikvision (comment: 'Hikvision, "
        "truVision, Hills/DAS etc.')",
    ),
    Rule(r"dahua", "Dahua", True, "nmap-service-probes 'Dahua webcam httpd', 'Dahua Rtsp Server'"),
    Rule(
        r"\buc-httpd\b|xiongmai|\bxmeye\b",
        "Xiongmai",
        True,
        "nmap-service-probes uc-httpd, CPE cpe:/a:xiongmai_technologies:uc-httpd",
    ),
    Rule(r"\baxis\b", "Axis", False, "nmap-service-probes 'Axis ... Network Camera'; MAC"),
    Rule(
        r"hanwha|wisenet|samsung techwin|\bSN[BDOPV]-\d",
        "Hanwha",
        True,
        "MAC 'Samsung Techwin'/'Hanwha Techwin'; probes 'Samsung SNB-2000 webcam rtspd'",
    ),
    Rule(
        r"bosch security|VCS-VideoJet|videojet|dinion|divar|\bbosch\b",
        "Bosch",
        False,
        "nmap-service-probes 'VCS-VideoJet-Webserver', 'Bosch Divar', 'DINION'; MAC",
    ),
    Rule(r"uniview|\bUNV\b", "Uniview", True, "MAC 'Zhejiang Uniview Technologies'"),
    Rule(r"vivotek", "Vivotek", True, "nmap-service-probes 'Vivotek Network Camera'; MAC"),
    Rule(r"mobotix", "Mobotix", True, "nmap-service-probes 'Mobotix Camera http config'; MAC"),
    Rule(r"ubiquiti|\bunifi\b|\bUVC\b", "Ubiquiti", False, "MAC 'Ubiquiti Networks'"),
    Rule(r"reolink", "Reolink", True, "MAC 'Reolink Innovation Limited'"),
    Rule(r"milesight", "Milesight", True, "MAC 'MileSight Technology'"),
    # Brands nmap names without saying who made them (attributed to the brand, see above).
    Rule(r"amcrest", "Amcrest", True, "nmap-service-probes 'Amcrest IP camera http interface'"),
    Rule(r"\blorex\b", "Lorex", True, "nmap-service-probes 'Lorex IP camera rtspd'"),
    Rule(r"\bLTS\b", "LTS", True, "nmap-service-probes 'LTS or QSEE DVR video server'"),
    Rule(r"interlogix|truvision", "Interlogix", True, "nmap-service-probes 'Interlogix TruVision'"),
    Rule(r"\bswann\b", "Swann", True, "nmap-service-probes 'Swann DVR'"),
    Rule(r"geovision", "GeoVision", True, "nmap-service-probes 'GeoVision IP camera'"),
)

# Words that make a host a camera/NVR/DVR in nmap's strings (its device type "webcam", its
# product names "... Network Camera", "... DVR web UI", "Network Video Recorder", ONVIF's
# NetworkVideoTransmitter device type in wsdd-discover output).
CAMERA_WORDS = re.compile(
    r"\b(?:webcam|ip ?cam(?:era)?|network camera|camera|NVR|DVR|XVR|"
    r"network video (?:recorder|transmitter)|NetworkVideoTransmitter|video encoder|"
    r"video server|PTZ|surveillance)\b",
    re.IGNORECASE,
)
# nmap device types that mean "not a camera" for the service they are on.
NOT_CAMERA_TYPES = frozenset(
    {
        "printer",
        "print server",
        "router",
        "switch",
        "WAP",
        "broadband router",
        "phone",
        "VoIP phone",
        "storage-misc",
        "general purpose",
        "firewall",
        "terminal server",
    }
)

_COMPILED = tuple((re.compile(r.pattern, re.IGNORECASE), r) for r in RULES)


@dataclass
class NmapVerdict:
    """What the mapping concludes from one host's nmap output."""

    ip: str
    is_camera: bool = False
    manufacturer: str | None = None
    device_type: str = "unknown"
    evidence: list[str] = field(default_factory=list)


def evidence_strings(host: NmapHost) -> list[tuple[str, str]]:
    """Every string nmap reported about ``host``, as (source, text) pairs."""
    out: list[tuple[str, str]] = []
    for svc in host.open_services:
        product = " ".join(p for p in (svc.product, svc.version, svc.extrainfo) if p)
        if product:
            out.append(("product", product))
        if svc.devicetype:
            out.append(("product", f"devicetype {svc.devicetype}"))
        # cpe:/a:xiongmai_technologies:uc-httpd:1.0 -> "xiongmai_technologies uc-httpd"
        out.extend(("cpe", " ".join(c.split(":")[2:4]).replace("_", " ")) for c in svc.cpes)
        for script_id, output in svc.scripts.items():
            source = _SCRIPT_SOURCE.get(script_id)
            if source and output:
                out.append((source, output))
    for script_id, output in [*host.host_scripts.items(), *host.broadcast.items()]:
        source = _SCRIPT_SOURCE.get(script_id)
        if source and output:
            out.append((source, output))
    if host.mac_vendor:
        out.append(("mac", host.mac_vendor))
    return out


_SCRIPT_SOURCE: dict[str, str] = {
    "http-server-header": "server",
    "http-title": "title",
    "ssl-cert": "cert",
    "http-favicon": "favicon",
    "upnp-info": "upnp",
    "broadcast-upnp-info": "upnp",
    "wsdd-discover": "wsdd",
    "broadcast-wsdd-discover": "wsdd",
}


def attribute(host: NmapHost) -> NmapVerdict:
    """Is ``host`` a camera according to nmap's output, and which maker does it name."""
    verdict = NmapVerdict(ip=host.ip)
    scores: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    said_camera = False  # nmap's device type "webcam" or a camera word in its strings
    maker_camera = False  # a maker that makes only surveillance gear was named
    not_camera = False  # nmap's device type says printer, router, ...
    for source, text in evidence_strings(host):
        weight = SOURCE_WEIGHT[source]
        if source == "product" and text.startswith("devicetype "):
            kind = text.removeprefix("devicetype ")
            not_camera |= kind in NOT_CAMERA_TYPES
            said_camera |= kind == "webcam"
        # A MAC vendor's name is not a statement about the device's function.
        elif source != "mac" and CAMERA_WORDS.search(text):
            said_camera = True
            verdict.evidence.append(f"{source}: camera word in {text[:80]!r}")
        for rx, rule in _COMPILED:
            if rx.search(text):
                scores[rule.manufacturer] = scores.get(rule.manufacturer, 0) + weight
                first_seen.setdefault(rule.manufacturer, len(first_seen))
                maker_camera |= rule.camera
                verdict.evidence.append(f"{source}: {rule.manufacturer} from {text[:80]!r}")
    # A streaming (RTSP) service is how an analyst reading nmap's output spots a camera
    # nmap has no product match for, and what makes an Axis or Bosch host a camera rather
    # than a print server; with no maker named it costs recall, not precision.
    rtsp = any(s.name == "rtsp" for s in host.open_services)
    said_camera |= rtsp and not not_camera
    if scores:
        verdict.manufacturer = max(scores, key=lambda m: (scores[m], -first_seen[m]))
    verdict.is_camera = said_camera or (maker_camera and not not_camera)
    if verdict.is_camera:
        verdict.device_type = _device_type(host)
    elif scores or host.open_services:
        verdict.device_type = "not_camera"
    return verdict


def _device_type(host: NmapHost) -> str:
    text = " ".join(t for _, t in evidence_strings(host) if _ != "mac")
    if re.search(r"\bNVR\b|network video recorder", text, re.IGNORECASE):
        return "nvr"
    if re.search(r"\b[DX]VR\b", text, re.IGNORECASE):
        return "dvr"
    return "camera"
