"""The file formats `camscan import FILE` reads, and how one is recognised.

A format turns a file somebody already has (an nmap XML, a switch's MAC address table, a
DHCP lease export, a packet capture, camscan's own export, an offline bundle) into
:class:`ImportedHost` records.  Each host carries :class:`~camscan.observations.Observation`
objects (probe name, port, the reply's bytes, meta), so an imported host goes through the
same evidence document and fingerprint engine as a scanned one
(camscan/app/ingest.py does that, and the inventory writes).

Adding a format
---------------
One module ``camscan/imports/<name>.py`` that defines ``FORMAT = Format(...)``, and its
module name in :data:`FORMAT_MODULES` (the one list; its order is the order formats are
tried in when sniffing: most specific magic first, the loose text formats last).

``sniff(head, filename) -> bool``
    ``head`` is the file's first :data:`SNIFF_BYTES` bytes (fewer for a short file),
    ``filename`` its base name.  Decide from content; a name's extension may only break a
    tie.  Must not raise, must be cheap.

``read(stream, context) -> Iterator[ImportedHost | RecordError]``
    ``stream`` is the file opened in binary mode, positioned at 0.  Read it
    incrementally with bounded memory (a 2 GB file must stream: never ``stream.read()``
    the whole file; iterparse and clear, read line by line, or read fixed-size chunks).
    Yield one ``ImportedHost`` per host as soon as it is complete (a format that learns
    about one host in several places may yield it more than once: records for the same
    IP/MAC are merged by the ingest, in order), and one ``RecordError`` per record that
    could not be read (counted and shown; the import goes on).  Raise
    :class:`ImportFormatError` for a file that is unusable as a whole (an XML DTD or
    entity, a CSV without the needed columns, a version too new): the message is one line
    saying what is wrong and what was expected, and the ingest then leaves the inventory
    exactly as it was.

Observations made by an importer use the probe names of the registry
(camscan/probes: ``http``, ``rtsp``, ``onvif``, ``wsdiscovery``, ``ssdp``, ``tls``, ``arp``
...) so the engine's extractors read them; a reply rebuilt from another tool's text (nmap's
script output) is not the device's own bytes, and its ``meta`` says so:
``meta["reconstructed"] = "<tool> <what>"`` (e.g. ``"nmap http-title"``).
``meta["import"]`` is set by the ingest to the format name on every observation it stores.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import BinaryIO

from camscan.errors import UsageError
from camscan.fingerprint.verdict import Verdict
from camscan.observations import Observation

__all__ = [
    "FORMAT_MODULES",
    "SNIFF_BYTES",
    "Format",
    "ImportFormatError",
    "ImportedHost",
    "ReadContext",
    "RecordError",
    "detect",
    "format_named",
    "formats",
]

# How much of a file sniffing sees.
SNIFF_BYTES = 4096

# Every format, in sniffing order (see the module docstring).  A module listed here that is
# not written yet is skipped, so the list can name formats other work adds.
FORMAT_MODULES: tuple[str, ...] = (
    "bundle",  # camscan offline bundle (issue 14)
    "pcap",  # pcap / pcapng captures (issue 13, the passive parser)
    "nmap",  # nmap -oX
    "camscan_json",  # camscan export --format json / jsonl
    "switch_text",  # Cisco / HP-Aruba / Juniper `show mac address-table`, `show arp` text
    "table_csv",  # MAC table, ARP table or DHCP lease export as CSV
)


class ImportFormatError(UsageError):
    """The file is unusable as a whole (exit 2); nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class ImportedHost:
    """One host as a file describes it.

    ``ip`` or ``mac`` (or both) is set.  ``observations`` are what the file says the host
    sent, as Observation objects (their ``ip`` is the host's IP, or "" when the file knows
    only a MAC).  ``verdict`` is a verdict the file itself carries (camscan's own export, a
    bundle): the ingest uses it when the host brings no observations to identify from.
    ``hostname``, ``vlan`` and ``switch_port`` are kept with the host's record;
    ``seen_at`` is when the file says the host was seen (None: unknown).
    """

    ip: str | None
    mac: str | None = None
    observations: tuple[Observation, ...] = ()
    hostname: str | None = None
    vlan: str | None = None
    switch_port: str | None = None
    verdict: Verdict | None = None
    seen_at: datetime | None = None
    where: str = ""  # the record it came from, for messages ("line 12", "host 10.0.0.5")


@dataclass(frozen=True, slots=True)
class RecordError:
    """One record of the file that could not be read; the rest is imported."""

    where: str  # "line 12", "host 10.0.0.5", "packet 1,204"
    message: str  # one line

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader may know about the file besides its bytes."""

    filename: str  # base name, for messages
    size: int  # bytes (the whole file; progress is measured by the ingest)
    options: Mapping[str, str] = field(default_factory=dict)  # format-specific, from the CLI


Reader = Callable[[BinaryIO, ReadContext], Iterator[ImportedHost | RecordError]]
Sniffer = Callable[[bytes, str], bool]


@dataclass(frozen=True)
class Format:
    """One file format: its name (the --format value), how to recognise it, how to read it.

    ``source`` is how devices seen only through it are marked (``import:<name>`` unless
    set, e.g. ``listen`` for a capture); ``scan_would_add`` says in one line what an
    active scan would learn that the file cannot carry (shown on such devices).
    """

    name: str
    summary: str
    sniff: Sniffer
    read: Reader
    scan_would_add: str = "the devices' own replies (HTTP, RTSP, ONVIF, discovery)"
    source: str = ""

    @property
    def origin(self) -> str:
        return self.source or f"import:{self.name}"


@cache
def formats() -> tuple[Format, ...]:
    """Every format whose module exists, in sniffing order."""
    found: list[Format] = []
    for name in FORMAT_MODULES:
        qual = f"{__name__}.{name}"
        try:
            module = importlib.import_module(qual)
        except ModuleNotFoundError as err:
            if err.name == qual:  # not written yet; any other missing module is a bug
                continue
            raise
        fmt = getattr(module, "FORMAT", None)
        if not isinstance(fmt, Format):
            raise TypeError(f"{qual} defines no FORMAT = Format(...)")
        found.append(fmt)
    return tuple(found)


def format_named(name: str) -> Format:
    """The format called ``name`` (the --format value); UsageError naming the choices."""
    for fmt in formats():
        if fmt.name == name:
            return fmt
    names = ", ".join(f.name for f in formats())
    raise UsageError(f"unknown import format {name!r}; --format takes one of: {names}")


def detect(head: bytes, filename: str, candidates: Sequence[Format] | None = None) -> Format:
    """The first format that recognises ``head``; ImportFormatError naming those tried."""
    tried = list(candidates if candidates is not None else formats())
    for fmt in tried:
        try:
            if fmt.sniff(head, filename):
                return fmt
        except Exception:  # noqa: S112 - a sniffer's bug must not hide the other formats
            continue
    names = ", ".join(f.name for f in tried)
    raise ImportFormatError(
        f"{filename}: not a format camscan reads (tried: {names}); give --format to force one"
    )
