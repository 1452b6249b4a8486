"""The real-reply corpus (``corpus/*.yaml``, format in corpus/README.md): load and validate.

Tests replay every document through the engine and the benchmark scores the whole corpus;
both read it through :func:`load_corpus`, which needs nothing but PyYAML (no lab, no network).
A broken file is refused with its name, the line and the document id.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from camscan.errors import FingerprintDataError
from camscan.fingerprint.rules import DEVICE_TYPES, _LineLoader, strip_lines

# What a document may expect: the verdict fields its source can state.
EXPECT_KEYS = frozenset(
    {
        "is_camera",
        "device_type",
        "manufacturer",
        "brand",
        "white_label",
        "model",
        "firmware",
        "serial",
    }
)
REQUIRED_KEYS = ("id", "source", "says", "protocols", "expect", "document")
ENTRY_KEYS = frozenset({*REQUIRED_KEYS, "note", "__line__"})
# A protocol name and the evidence-document keys (docs/evidence.md) that carry it; scoring
# per protocol identifies the document reduced to these keys.
PROTOCOL_KEYS: dict[str, tuple[str, ...]] = {
    "http": ("http",),
    "rtsp": ("rtsp",),
    "onvif": ("onvif", "onvif_device_information"),
    "snmp": ("snmp",),
    "wsdiscovery": ("wsdiscovery",),
    "sadp": ("sadp",),
    "dahua_discovery": ("dahua_discovery",),
    "ssdp": ("ssdp",),
    "mdns": ("mdns",),
    "tls": ("tls",),
    "mac": ("mac",),
    "ports": ("open_ports",),
}
DOCUMENT_KEYS = frozenset(
    {"ip", "probe_errors", *(k for keys in PROTOCOL_KEYS.values() for k in keys)}
)
# A citation is a URL or ``owner/repo:path`` (optionally ``@commit``), as everywhere else in
# the project; anything on this machine (an absolute path, the research notes) is refused.
_CITATION = re.compile(r"^(?:https?://\S+|[\w.-]+/[\w.-]+:\S+)")
_LOCAL = re.compile(
    r"^(?:/|~|\.{1,2}/|file:)|(?:^|[\s(])(?:/(?:work|tmp|home|root|srv|mnt)/|file:|research/)"
)
# Addresses a corpus may show: documentation ranges (RFC 5737, RFC 3849).  Inside replies,
# private, loopback, link-local and multicast addresses are harmless and kept as sent.
DOC_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
# Hosts in URLs (``http://a.b.c.d:port/...``, the way SSDP LOCATION and redirects carry a
# device's address): other dotted numbers (versions, OIDs) are not addresses.
_URL_HOST = re.compile(r"://(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")


class CorpusError(FingerprintDataError):
    """A corpus file that does not follow corpus/README.md (names file, line and id)."""


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    """One real device's replies, what its source says it is, and where that was read."""

    id: str
    source: str
    says: str
    protocols: tuple[str, ...]
    expect: dict[str, Any]
    document: dict[str, Any]
    file: str
    line: int
    note: str | None = None

    def reduced(self, protocol: str) -> dict[str, Any] | None:
        """The document with only ``protocol``'s keys (plus ``ip``), or None without them."""
        keys = PROTOCOL_KEYS[protocol]
        kept = {k: self.document[k] for k in keys if self.document.get(k) not in (None, [], {})}
        if not kept:
            return None
        if "ip" in self.document:
            kept["ip"] = self.document["ip"]
        return kept


def default_corpus_directory() -> Path:
    """The repository's ``corpus/`` directory."""
    return Path(__file__).resolve().parents[2] / "corpus"


def corpus_files(directory: Path | None = None) -> list[Path]:
    """Every corpus file, sorted (``corpus/<family>.yaml``)."""
    return sorted((directory or default_corpus_directory()).glob("*.yaml"))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _address_problem(document: dict[str, Any]) -> str | None:
    """Why the document's addresses are not documentation-safe, or None."""
    ip = document.get("ip")
    if ip is not None:
        try:
            addr = ipaddress.ip_address(str(ip))
        except ValueError:
            return f"ip {ip!r} is not an address"
        if not any(addr in net for net in DOC_NETS):
            return f"ip {ip} is not a documentation address (RFC 5737: 192.0.2.0/24 ...)"
    for text in _strings(document):
        for host in _URL_HOST.findall(text):
            try:
                addr = ipaddress.ip_address(host)
            except ValueError:
                continue
            if addr.is_global and not any(addr in net for net in DOC_NETS):
                return f"a reply names the public address {host}: use RFC 5737 addresses"
    return None


def _check(entry: Any, path: Path, index: int) -> CorpusDocument:
    line = entry.get("__line__", 0) if isinstance(entry, dict) else 0
    ident = entry.get("id") if isinstance(entry, dict) else None

    def fail(msg: str) -> CorpusError:
        return CorpusError(
            f"{path.name}:{line}: document {ident or f'#{index + 1}'!s}: {msg}; "
            "see corpus/README.md"
        )

    if not isinstance(entry, dict):
        raise fail("each document must be a mapping")
    missing = [k for k in REQUIRED_KEYS if k not in entry]
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)} (the corpus holds real replies only)")
    if not isinstance(ident, str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]{2,80}", ident):
        raise fail("id must be lower-case letters, digits, '.', '_' or '-'")
    source, says = entry["source"], entry["says"]
    if not isinstance(source, str) or not source.strip():
        raise fail("source must be a citation")
    if _LOCAL.search(source) or not _CITATION.match(source.strip()):
        raise fail(f"source {source!r} must be a URL or owner/repo:path, never a local path")
    if not isinstance(says, str) or not says.strip():
        raise fail("says must quote what the source says the device is")
    expect = strip_lines(entry["expect"])
    if not isinstance(expect, dict) or not expect:
        raise fail("expect must be a non-empty mapping")
    bad = set(expect) - EXPECT_KEYS
    if bad:
        raise fail(
            f"expect: unknown keys {sorted(bad)} (allowed: {', '.join(sorted(EXPECT_KEYS))})"
        )
    for key in ("is_camera", "white_label"):
        if key in expect and not isinstance(expect[key], bool):
            raise fail(f"expect.{key} must be true or false")
    if "device_type" in expect and expect["device_type"] not in (*DEVICE_TYPES, "unknown"):
        raise fail(f"expect.device_type must be one of {', '.join(DEVICE_TYPES)}, unknown")
    for key in set(expect) - {"is_camera", "white_label"}:
        if not isinstance(expect[key], str) or not expect[key].strip():
            raise fail(f"expect.{key} must be text")
    document = strip_lines(entry["document"])
    if not isinstance(document, dict) or not document:
        raise fail("document must be a non-empty mapping (an evidence document)")
    odd = set(document) - DOCUMENT_KEYS
    if odd:
        raise fail(f"document: unknown keys {sorted(odd)} (docs/evidence.md)")
    protocols = entry["protocols"]
    if not isinstance(protocols, list) or not protocols:
        raise fail("protocols must list the keys that carry the evidence")
    for p in protocols:
        if p not in PROTOCOL_KEYS:
            raise fail(f"unknown protocol {p!r} (one of {', '.join(PROTOCOL_KEYS)})")
        if not any(document.get(k) not in (None, [], {}) for k in PROTOCOL_KEYS[p]):
            raise fail(f"protocol {p!r} is listed but the document has no {p} entry")
    problem = _address_problem(document)
    if problem:
        raise fail(problem)
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        raise fail("note must be text")
    return CorpusDocument(
        id=ident,
        source=source.strip(),
        says=says,
        protocols=tuple(protocols),
        expect=expect,
        document=document,
        file=path.name,
        line=int(line),
        note=note,
    )


def load_file(path: Path) -> list[CorpusDocument]:
    """The documents of one corpus file, validated; raises CorpusError naming file and id."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else 0
        raise CorpusError(f"{path.name}:{line}: invalid YAML ({err.problem})") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise CorpusError(f"{path.name}: unreadable ({err})") from None
    items = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise CorpusError(f"{path.name}: needs a 'documents:' list (corpus/README.md)")
    docs = [_check(entry, path, i) for i, entry in enumerate(items)]
    seen: dict[str, CorpusDocument] = {}
    for doc in docs:
        if doc.id in seen:
            raise CorpusError(
                f"{path.name}:{doc.line}: document {doc.id}: duplicate id "
                f"(also line {seen[doc.id].line})"
            )
        seen[doc.id] = doc
    return docs


def load_corpus(directory: Path | None = None) -> list[CorpusDocument]:
    """Every document of every corpus file; ids are unique across the corpus."""
    docs: list[CorpusDocument] = []
    seen: dict[str, CorpusDocument] = {}
    for path in corpus_files(directory):
        for doc in load_file(path):
            if doc.id in seen:
                other = seen[doc.id]
                raise CorpusError(
                    f"{doc.file}:{doc.line}: document {doc.id}: duplicate id "
                    f"(also {other.file}:{other.line})"
                )
            seen[doc.id] = doc
            docs.append(doc)
    return docs
