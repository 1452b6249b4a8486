"""What a simulated host is and says: a declarative record, no sockets.

The lab server (lab/camscan_lab/server.py) serves these records on the wire; the personality
modules (one per manufacturer family, plus ordinary hosts and hostile hosts) only say *what*
each protocol answers.  Every reply template is modelled on a real capture or published
sample; ``sources`` cites them.  Personalities are never derived from camscan's own
fingerprint files, so a fingerprint bug cannot hide behind a simulator built from it.

Templates are ``str.format`` strings over the host's identity fields:
``{ip} {mac} {mac_plain} {mac_dash} {model} {firmware} {firmware_build} {serial} {name}
{uuid} {brand} {hostname} {boot_time}``; anything else in braces must be doubled (``{{``).
:func:`template_fields` computes them all from the drawn identity (one definition shared by
the server and the personality tests):

* ``{mac}`` ``aa:bb:cc:dd:ee:ff``, ``{mac_dash}`` ``aa-bb-cc-dd-ee-ff``, ``{mac_plain}``
  ``aabbccddeeff``, ``{mac_upper}`` ``AABBCCDDEEFF`` (Axis realms/serials use upper case);
* ``{firmware}`` the whole string as in ``Personality.firmwares``; ``{firmware_version}`` and
  ``{firmware_build}`` its two halves as :func:`firmware_parts` splits them
  (``V5.5.0 build 170725`` -> ``V5.5.0`` / ``build 170725``; ISAPI reports them apart);
* ``{uuid}`` a per-host UUID (lower case); ``{boot_time}`` ``YYYY-MM-DD HH:MM:SS``;
* ``{name}`` the device name (defaults to the model), ``{hostname}`` a DNS-safe host name.

Per-protocol extras: ``{cseq}`` (RTSP, from the request), ``{uuid_req}`` (SADP inquiry Uuid),
``{message_id}`` (WS-Discovery probe MessageID, for ``OnvifService.probe_match``).
``Personality.serial_format`` is formatted by :func:`draw_serial` with ``{model}``,
``{date}`` (YYYYMMDD), ``{num}`` (an int in [0, 10**9), format specs allowed) and
``{mac_upper}``.

Wire conventions the server applies to every template:

* text is encoded UTF-8 with ``errors="surrogateescape"``, so a lone surrogate
  ``\udc80``..``\udcff`` in a template becomes the raw byte 0x80..0xff (invalid UTF-8 on
  purpose, for hostile hosts);
* HTTP: header values and bodies are templates too; the server sets the body length in a
  ``Content-Length`` header whatever its case (``CONTENT-LENGTH`` on Dahua) or adds one if the
  template has none; the path key ``"*"`` is the reply for every path not listed (the real
  404 of that web server); paths match without the query string unless the key has one;
* ``tls_subject``/``tls_issuer`` and SNMP values are templates; SNMP values are OCTET
  STRINGs except sysObjectID (``1.3.6.1.2.1.1.2.0``), sent as an OBJECT IDENTIFIER;
  format specs work (``{uuid:.8}`` = the first 8 characters).

lab/camscan_lab/personalities/encode.py applies these conventions (HTTP and RTSP bytes) so the
server and the tests share one implementation; ``mix_weights()`` in the package gives the
``--mix`` populations.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HttpReply:
    """One HTTP answer: status, headers (in order) and body template."""

    status: int = 200
    reason: str = "OK"
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    body_bytes: bytes | None = None  # a binary body (favicon) instead of ``body``
    version: str = "HTTP/1.1"  # status-line protocol (newer Hikvision firmware says HTTP/1.0)


@dataclass(frozen=True)
class RtspService:
    """RTSP on ``port``: replies to OPTIONS and DESCRIBE (full response templates, CRLF,
    with ``{cseq}`` filled from the request)."""

    port: int = 554
    options: str = ""
    describe: str = ""


@dataclass(frozen=True)
class OnvifService:
    """ONVIF device service: WS-Discovery scopes/types and device information.

    ``get_device_information`` is answered only with valid WS-Security UsernameToken
    digest credentials (the per-lab credential) unless ``auth_required`` is False.
    """

    port: int = 80
    path: str = "/onvif/device_service"
    scopes: tuple[str, ...] = ()
    types: str = "dn:NetworkVideoTransmitter"
    manufacturer: str = ""
    auth_required: bool = True
    hardware_id: str = ""
    # Added for stack shapes the generic reply cannot show: the EndpointReference address
    # (Hikvision puts the MAC in the uuid's node field) and, when set, a whole ProbeMatches
    # envelope template ({message_id} = the probe's MessageID) replacing the generic one.
    endpoint_reference: str = "urn:uuid:{uuid}"
    probe_match: str | None = None


@dataclass(frozen=True)
class Personality:
    """A kind of device: what it is (ground truth) and what it says on each protocol."""

    name: str  # unique key, e.g. "hikvision-ipc-v5"
    brand: str  # brand shown to the user
    manufacturer: str  # actual maker, canonical name ("Hikvision", "Dahua", ...)
    device_type: str  # camera | nvr | dvr | encoder | not_camera
    is_camera: bool
    ouis: tuple[str, ...]  # MAC prefixes "aa:bb:cc" to draw from (real registrant blocks)
    models: tuple[str, ...]
    firmwares: tuple[str, ...]  # firmware strings as the device reports them
    serial_format: str = "{model}{date}CCRR{num:09d}"  # drawn per host
    sources: tuple[str, ...] = ()  # citations for every banner and payload
    # TCP services
    http: dict[int, dict[str, HttpReply]] = field(default_factory=dict)  # port -> path -> reply
    https_ports: tuple[int, ...] = ()  # subset of http ports served over TLS
    tls_subject: str = ""  # RFC 4514 string, e.g. "CN=192.0.0.64,O=Hikvision"
    tls_issuer: str = ""  # empty: self-signed (issuer = subject)
    rtsp: RtspService | None = None
    onvif: OnvifService | None = None
    tcp_banners: dict[int, bytes] = field(default_factory=dict)  # port -> bytes sent on accept
    tcp_silent: tuple[int, ...] = ()  # ports that accept and wait (vendor SDK ports)
    # port -> bytes sent once after the first bytes received (SDK ports that answer any probe)
    tcp_replies: dict[int, bytes] = field(default_factory=dict)
    # UDP discovery
    sadp: str | None = None  # SADP ProbeMatch XML template ({uuid_req} = inquiry Uuid)
    dahua_discovery: str | None = None  # DHIP JSON body template
    ssdp_server: str | None = None  # SERVER header of the M-SEARCH reply
    ssdp_description: str | None = None  # UPnP description XML template
    # M-SEARCH reply headers (templates); the server serves ssdp_description over HTTP at
    # ssdp_location's port and path
    ssdp_location: str = "http://{ip}:49152/description.xml"
    ssdp_usn: str = "uuid:{uuid}::upnp:rootdevice"
    ssdp_st: str = "upnp:rootdevice"
    mdns: tuple[tuple[str, str, dict[str, str]], ...] = ()  # (service type, instance, TXT)
    snmp: dict[str, str] = field(default_factory=dict)  # OID -> value (v2c community "public")
    # misbehaviour for hostile hosts (server decides how): e.g. "tarpit", "slowloris",
    # "endless-body", "xxe", "entity-bomb", "bad-utf8", "script-model", "malformed-udp",
    # "all-ports"
    hostile: tuple[str, ...] = ()
    # How the host's firmware bends the wire format (a real device's habit, not an attack):
    # the tokens of QUIRKS below; encode.py and the server apply them, the ground truth
    # records them.
    quirks: tuple[str, ...] = ()
    # Drawn only by the field mix (quirk variants of camera families, look-alike hosts).
    field: bool = False
    weight: float = 1.0  # relative frequency within its group of the mix


# The wire habits of real firmware a personality may carry (``Personality.quirks``), each
# applied to every HTTP reply of the host (ONVIF SOAP and UPnP descriptions included) unless
# noted:
#
# * ``gzip``: body gzip-compressed with ``Content-Encoding: gzip`` whatever the request's
#   Accept-Encoding (servers that ignore ``identity``: OvenMediaEngine#776, 18F#1796,
#   ArchiveTeam/wpull#14);
# * ``chunked``: ``Transfer-Encoding: chunked`` body, no Content-Length (RFC 9112 §7.1);
# * ``lf-only``: every header line ends in LF, not CRLF (RFC 9112 §2.2 lets a recipient accept
#   it; embedded servers send it: twisted/twisted#3833, http-rs/async-h1#85);
# * ``lf-separator``: CRLF header lines but a bare LF between headers and body, as an Axis
#   camera's web server sent (python-hyper/h11#7 hexdump, from encode/httpx#1378);
# * ``header-space``: ``Server : X`` with a space before the colon (nodejs/http-parser#297
#   ``Content-Length : 5``, dotnet/corefx#21314);
# * ``no-server``: no Server header at all;
# * ``http10-bare``: ``HTTP/1.0 <status>`` and no header lines at all, body until close;
# * ``slow-tls``: the TLS handshake waits (``SLOW_TLS_SECONDS`` in serve_tcp.py) before the
#   server reads the ClientHello, as on cameras whose CPU signs slowly;
# * ``wsd-truncated`` / ``wsd-odd-prefixes``: the WS-Discovery ProbeMatches is cut mid-
#   document / uses gSOAP-style and unbound prefixes (these two live in the ``probe_match``
#   template itself; the token records them in the ground truth);
# * ``catch-all`` / ``auth-everywhere``: the same 200 page / the same 401 with its realm on
#   every path (the web server's paths hold only ``"*"``; recorded the same way).
QUIRKS: frozenset[str] = frozenset(
    {
        "gzip",
        "chunked",
        "lf-only",
        "lf-separator",
        "header-space",
        "no-server",
        "http10-bare",
        "slow-tls",
        "wsd-truncated",
        "wsd-odd-prefixes",
        "catch-all",
        "auth-everywhere",
    }
)


def firmware_parts(firmware: str) -> tuple[str, str]:
    """Split a firmware string into version and build: ``("V5.5.0", "build 170725")``.

    Handles ``V5.5.0 build 170725``, ``V5.6.2build 190701``, ``2.800.0.R, Build Date:
    2020-03-14``; a string without a build part gives ``(firmware, "")``.
    """
    m = re.search(r"(?i)build", firmware)
    if not m:
        return firmware.strip(), ""
    version = firmware[: m.start()].rstrip(" ,:")
    return version.strip(), firmware[m.start() :].strip()


def template_fields(
    *,
    ip: str,
    mac: str,
    model: str,
    firmware: str,
    serial: str,
    uuid: str,
    brand: str,
    hostname: str,
    boot_time: str,
    name: str = "",
) -> dict[str, str]:
    """Every identity placeholder a template may use, from one host's drawn identity."""
    mac = mac.lower()
    plain = mac.replace(":", "")
    version, build = firmware_parts(firmware)
    return {
        "ip": ip,
        "mac": mac,
        "mac_plain": plain,
        "mac_dash": mac.replace(":", "-"),
        "mac_upper": plain.upper(),
        "model": model,
        "firmware": firmware,
        "firmware_version": version,
        "firmware_build": build,
        "serial": serial,
        "name": name or model,
        "uuid": uuid,
        "brand": brand,
        "hostname": hostname,
        "boot_time": boot_time,
    }


def draw_serial(fmt: str, model: str, mac: str, rng: random.Random) -> str:
    """One serial number from ``Personality.serial_format`` (reproducible with ``rng``)."""
    date = f"{rng.randint(2016, 2024)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return fmt.format(
        model=model,
        date=date,
        num=rng.randrange(10**9),
        mac_upper=mac.replace(":", "").upper(),
    )
