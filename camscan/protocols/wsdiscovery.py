"""WS-Discovery envelopes (ProbeMatches, Hello, Bye) of the 2005/04 and 2009/01 namespaces."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote

from camscan.protocols._common import (
    MalformedXml,
    ParseError,
    local,
    normalise_mac,
    parse_xml,
    xml_text,
)

# Hikvision-stack endpoint references end in the NIC MAC: urn:uuid:xxxxxxxx-1dd1-11b2-8xxx-<mac>
# (a DS-2CD2385G1-I with MAC 58:50:ed:1f:e3:85 answers ...-5850ed1fe385 in
# Haicam/Haicam:golang/libs/onvif/haicam_test/discoverytest.go@e7c5c1875eb1)
_EPR_MAC = re.compile(r"-([0-9a-fA-F]{12})$")
_XMLNS = re.compile(r'xmlns(?::\w+)?\s*=\s*"([^"]{1,300})"')


@dataclass(frozen=True, slots=True)
class ProbeMatch:
    """One ProbeMatch (or the body of a Hello/Bye)."""

    address: str | None
    types: tuple[str, ...]
    scopes: tuple[str, ...]
    xaddrs: tuple[str, ...]
    metadata_version: str | None

    def scope(self, key: str) -> str | None:
        """The decoded value of an ONVIF scope ``onvif://www.onvif.org/<key>/<value>``."""
        low = key.lower() + "/"
        for s in self.scopes:
            path = s.split("://", 1)[-1]
            path = path.split("/", 1)[1] if "/" in path else path
            if path.lower().startswith(low):
                return unquote(path[len(low) :])
        return None


@dataclass(frozen=True, slots=True)
class WsDiscoveryMessage:
    """A WS-Discovery reply: its action and matches."""

    action: str
    matches: tuple[ProbeMatch, ...]
    namespaces: tuple[str, ...]
    fault: str | None = None
    notes: tuple[str, ...] = ()  # what was wrong with the envelope (cut off, malformed)

    @property
    def endpoint_reference(self) -> str | None:
        for m in self.matches:
            if m.address:
                return m.address
        return None

    @property
    def mac(self) -> str | None:
        """A MAC from a ``MAC/`` scope or a Hikvision-style endpoint reference."""
        for m in self.matches:
            mac = normalise_mac(m.scope("MAC") or "")
            if mac:
                return mac
        epr = self.endpoint_reference or ""
        if "-1dd1-11b2-" in epr.lower():
            t = _EPR_MAC.search(epr)
            if t:
                return normalise_mac(t.group(1))
        return None

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        out: list[tuple[str, str]] = [("wsd.action", self.action)]
        out.extend(("wsd.namespace", ns) for ns in self.namespaces)
        if self.fault:
            out.append(("wsd.fault", self.fault))
        for m in self.matches:
            if m.address:
                out.append(("wsd.epr", m.address))
            out.append(("wsd.types", " ".join(m.types)))
            out.append(("wsd.scopes", " ".join(m.scopes)))
            for key in ("name", "hardware", "model", "location", "type", "mac"):
                for s in m.scopes:
                    path = s.split("://", 1)[-1].split("/", 1)[-1]
                    if path.lower().startswith(key + "/"):
                        out.append((f"wsd.scope.{key}", unquote(path[len(key) + 1 :])))
            if m.metadata_version is not None:
                out.append(("wsd.metadata_version", m.metadata_version))
        return out


def _split(text: str | None) -> tuple[str, ...]:
    return tuple((text or "").split())


def _text(parts: dict[str, ET.Element], name: str) -> str | None:
    el = parts.get(name)
    return (el.text or "").strip() if el is not None else None


def parse_wsdiscovery(raw: bytes | str) -> WsDiscoveryMessage:
    """Parse a ProbeMatches / Hello / Bye SOAP envelope (or a SOAP Fault).

    Any prefixes (``s``/``SOAP-ENV``/``env``, undeclared ``d``) and both WS-Discovery
    namespaces (2005/04, 2009/01) are read by local name.  An envelope that is not
    well-formed (cut off by UDP or by a capture) is read from its readable part; the
    message's ``notes`` say so."""
    text = xml_text(raw, what="WS-Discovery envelope")
    namespaces = tuple(dict.fromkeys(_XMLNS.findall(text[:65536])))
    try:
        root = parse_xml(text, what="WS-Discovery envelope")
    except MalformedXml as err:
        return _partial(text, namespaces, str(err))
    if local(root.tag) != "Envelope":
        raise ParseError(f"WS-Discovery envelope: root is {local(root.tag)!r}, not Envelope")
    body = next((c for c in root if local(c.tag) == "Body"), None)
    if body is None:
        raise ParseError("WS-Discovery envelope: no Body")
    first = next(iter(body), None)
    if first is None:
        raise ParseError("WS-Discovery envelope: empty Body")
    action = local(first.tag)
    if action == "Fault":
        text = " ".join(t.strip() for t in first.itertext() if t.strip())[:300]
        return WsDiscoveryMessage(action="Fault", matches=(), namespaces=namespaces, fault=text)
    if action == "ProbeMatches":
        elems = [c for c in first if local(c.tag) == "ProbeMatch"]
    elif action in ("Hello", "Bye", "ResolveMatches", "ProbeMatch"):
        elems = [first]
        if action == "ResolveMatches":
            elems = [c for c in first if local(c.tag) == "ResolveMatch"]
    else:
        raise ParseError(f"WS-Discovery envelope: unexpected body element {action!r}")
    matches = []
    for pm in elems[:64]:
        parts = {local(c.tag): c for c in pm}
        epr = parts.get("EndpointReference")
        address = None
        if epr is not None:
            addr = next((c for c in epr if local(c.tag) == "Address"), None)
            address = (addr.text or "").strip() if addr is not None else None

        matches.append(
            ProbeMatch(
                address=address or None,
                types=_split(_text(parts, "Types")),
                scopes=_split(_text(parts, "Scopes")),
                xaddrs=_split(_text(parts, "XAddrs")),
                metadata_version=_text(parts, "MetadataVersion"),
            )
        )
    return WsDiscoveryMessage(action=action, matches=tuple(matches), namespaces=namespaces)


_P = r"(?:[A-Za-z_][\w.-]*:)?"  # any prefix, declared or not
_ACTION = re.compile(rf"<{_P}(ProbeMatches|ResolveMatches|Hello|Bye|Fault)[\s/>]")
_MATCH_START = re.compile(rf"<{_P}(?:ProbeMatch|ResolveMatch)[\s>]")
_ELEMENT = re.compile(
    rf"<{_P}(Address|Types|Scopes|XAddrs|MetadataVersion)(?:\s[^>]*)?(?<!/)>([^<]*)(<|\Z)"
)


def _partial_match(segment: str) -> ProbeMatch | None:
    values: dict[str, tuple[str, ...]] = {}
    for m in _ELEMENT.finditer(segment):
        name, value, closed = m.group(1), m.group(2), m.group(3) == "<"
        items = tuple(value.split())
        if not closed:  # the text runs to the cut: its last item may be incomplete
            items = items[:-1]
        if items and name not in values:
            values[name] = items
    if not values:
        return None
    return ProbeMatch(
        address=values.get("Address", (None,))[0],
        types=values.get("Types", ()),
        scopes=values.get("Scopes", ()),
        xaddrs=values.get("XAddrs", ()),
        metadata_version=values.get("MetadataVersion", (None,))[0],
    )


def _partial(text: str, namespaces: tuple[str, ...], error: str) -> WsDiscoveryMessage:
    """What a cut-off or malformed envelope still says: the body element and, per match,
    every element whose text came (a value cut mid-item loses its last item)."""
    act = _ACTION.search(text)
    starts = [m.start() for m in _MATCH_START.finditer(text)]
    if act is None and not starts:
        raise MalformedXml(error)
    action = act.group(1) if act else "ProbeMatches"
    if action in ("Hello", "Bye") or not starts:
        starts = [act.start() if act else 0]
    bounds = [*starts[1:65], len(text)]
    matches = tuple(
        m for m in (_partial_match(text[a:b]) for a, b in zip(starts, bounds, strict=False)) if m
    )
    note = (
        f"{error.removeprefix('WS-Discovery envelope: ')}: envelope cut off or malformed; "
        f"{len(matches)} match(es) read from the readable part"
    )
    return WsDiscoveryMessage(
        action=action, matches=matches, namespaces=namespaces, notes=(note[:300],)
    )
