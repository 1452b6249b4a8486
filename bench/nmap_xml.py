"""Parse nmap's ``-oX`` output into one record per host that was up.

nmap's XML is hostile-ish input like any other (it embeds banners the devices sent), so it is
read with defusedxml, capped in size, and a broken file gives an empty result plus an error
rather than an exception.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

# nmap's XML for a few thousand hosts is a few MB; anything far larger is not ours.
MAX_XML_BYTES = 64 * 1024 * 1024


@dataclass
class NmapService:
    """One port of one host as nmap reported it."""

    port: int
    proto: str
    state: str
    name: str = ""
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    devicetype: str = ""
    cpes: list[str] = field(default_factory=list)
    scripts: dict[str, str] = field(default_factory=dict)


@dataclass
class NmapHost:
    """One host that nmap reported up, with every string it learnt about it."""

    ip: str
    mac: str | None = None
    mac_vendor: str = ""
    services: list[NmapService] = field(default_factory=list)
    host_scripts: dict[str, str] = field(default_factory=dict)
    # Output of broadcast pre-scripts (broadcast-upnp-info, broadcast-wsdd-discover) about
    # this host, keyed by script id.
    broadcast: dict[str, str] = field(default_factory=dict)
    # nmap gave up on the host (--host-timeout): it is listed up, without any port.
    timed_out: bool = False

    @property
    def open_services(self) -> list[NmapService]:
        """Services on open (or open|filtered UDP) ports."""
        return [s for s in self.services if s.state.startswith("open")]


@dataclass
class NmapRun:
    """A whole nmap run: hosts up by IP, pre-script outputs, parse errors."""

    hosts: dict[str, NmapHost] = field(default_factory=dict)
    prescripts: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


_IPV4_LINE = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3}){3})\s*$")


def split_by_ip(output: str) -> dict[str, str]:
    """Split a broadcast script's text output into the block about each IP.

    broadcast-upnp-info and broadcast-wsdd-discover print an address alone on a line and
    then, indented deeper, what that address said; everything until the next address line
    at the same or a shallower indent belongs to it.
    """
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    indent = 0
    for line in output.splitlines():
        m = _IPV4_LINE.match(line)
        if m and _is_ip(m.group(1)):
            current = m.group(1)
            indent = len(line) - len(line.lstrip())
            blocks.setdefault(current, [])
            continue
        if current is None:
            continue
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            current = None
            continue
        blocks[current].append(line.strip())
    return {ip: "\n".join(lines) for ip, lines in blocks.items()}


def _is_ip(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _service(port: Element) -> NmapService:
    state = port.find("state")
    svc = port.find("service")
    rec = NmapService(
        port=int(port.get("portid", "0")),
        proto=port.get("protocol", ""),
        state=state.get("state", "") if state is not None else "",
    )
    if svc is not None:
        rec.name = svc.get("name", "")
        rec.product = svc.get("product", "")
        rec.version = svc.get("version", "")
        rec.extrainfo = svc.get("extrainfo", "")
        rec.devicetype = svc.get("devicetype", "")
        rec.cpes = [c.text or "" for c in svc.findall("cpe")]
    for script in port.findall("script"):
        rec.scripts[script.get("id", "")] = script.get("output", "")
    return rec


def _host(el: Element) -> NmapHost | None:
    status = el.find("status")
    if status is None or status.get("state") != "up":
        return None
    ip = mac = None
    vendor = ""
    for addr in el.findall("address"):
        kind = addr.get("addrtype")
        if kind == "ipv4":
            ip = addr.get("addr")
        elif kind == "mac":
            mac = (addr.get("addr") or "").lower() or None
            vendor = addr.get("vendor", "")
    if not ip:
        return None
    host = NmapHost(ip=ip, mac=mac, mac_vendor=vendor, timed_out=el.get("timedout") == "true")
    ports = el.find("ports")
    if ports is not None:
        host.services = [_service(p) for p in ports.findall("port")]
    hostscript = el.find("hostscript")
    if hostscript is not None:
        for script in hostscript.findall("script"):
            host.host_scripts[script.get("id", "")] = script.get("output", "")
    return host


def parse_nmap_xml(data: bytes) -> NmapRun:
    """Hosts that were up, with services, scripts and broadcast findings attached by IP."""
    run = NmapRun()
    if len(data) > MAX_XML_BYTES:
        run.errors.append(f"nmap XML is {len(data)} bytes, over the {MAX_XML_BYTES} cap")
        return run
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        # nmap stopped early (a timeout, Ctrl-C) leaves the XML cut mid-way: keep the hosts
        # it had finished, as a user reading the file would.
        end = data.rfind(b"</host>")
        try:
            if end < 0:
                raise
            root = SafeET.fromstring(data[: end + len(b"</host>")] + b"</nmaprun>")
        except (SafeET.ParseError, DefusedXmlException, ValueError):
            run.errors.append(f"nmap XML unreadable: {type(exc).__name__}: {exc}")
            return run
        run.errors.append("nmap XML cut short (nmap stopped early): kept the finished hosts")
    for pre in root.iter("prescript"):
        for script in pre.findall("script"):
            run.prescripts[script.get("id", "")] = script.get("output", "")
    for el in root.iter("host"):
        host = _host(el)
        if host is not None:
            run.hosts[host.ip] = host
    for script_id, output in run.prescripts.items():
        for ip, block in split_by_ip(output).items():
            if ip in run.hosts:
                run.hosts[ip].broadcast[script_id] = block
    return run
