"""What a simulated host is and says: a declarative record, no sockets.

The lab server (camscan/lab/server.py) serves these records on the wire; the personality
modules (one per manufacturer family, plus ordinary hosts and hostile hosts) only say *what*
each protocol answers.  Every reply template is modelled on a real capture or published
sample; ``sources`` cites them.  Personalities are never derived from camscan's own
fingerprint files, so a fingerprint bug cannot hide behind a simulator built from it.

Templates are ``str.format`` strings over the host's identity fields:
``{ip} {mac} {mac_plain} {mac_dash} {model} {firmware} {firmware_build} {serial} {name}
{uuid} {brand} {hostname} {boot_time}``; anything else in braces must be doubled (``{{``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class HttpReply:
    """One HTTP answer: status, headers (in order) and body template."""

    status: int = 200
    reason: str = "OK"
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    body_bytes: bytes | None = None  # a binary body (favicon) instead of ``body``


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
    # UDP discovery
    sadp: str | None = None  # SADP ProbeMatch XML template ({uuid_req} = inquiry Uuid)
    dahua_discovery: str | None = None  # DHIP JSON body template
    ssdp_server: str | None = None  # SERVER header of the M-SEARCH reply
    ssdp_description: str | None = None  # UPnP description XML template
    mdns: tuple[tuple[str, str, dict[str, str]], ...] = ()  # (service type, instance, TXT)
    snmp: dict[str, str] = field(default_factory=dict)  # OID -> value (v2c community "public")
    # misbehaviour for hostile hosts (server decides how): e.g. "tarpit", "slowloris",
    # "endless-body", "xxe", "entity-bomb", "bad-utf8", "script-model", "malformed-udp",
    # "all-ports"
    hostile: tuple[str, ...] = ()
    weight: float = 1.0  # relative frequency in the default mix
