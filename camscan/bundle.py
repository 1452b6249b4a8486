"""Offline bundles: a scan of a site that cannot reach the central inventory, in one file.

``camscan scan ... --bundle site-a.camscan`` writes the bundle; ``camscan import
site-a.camscan`` loads it centrally (camscan/imports/bundle.py).  A bundle is a ZIP file
(https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT) of three members, in order:

``camscan-bundle``
    stored uncompressed, first, so the file's first bytes say what it is (the way an
    OpenDocument file's ``mimetype`` member does): the line ``camscan offline bundle``.
``hosts.jsonl``
    one JSON object a line: ``{"scan": <scan uuid>, "host": {"ip", "mac", "observations":
    [{"probe", "ip", "port", "raw" (base64 of the reply, byte for byte), "truncated",
    "meta", "error"}], "verdict": {...}}}``, the codec of the sensor spool
    (camscan/inventory/spool.py).
``manifest.json``
    ``format`` ("camscan-bundle"), ``format_version`` (:data:`FORMAT_VERSION`; a reader
    refuses a newer one), ``camscan_version``, ``created_at``, ``site``, ``scans`` (each
    scan's uuid, site, scope, options, status, start and end, hosts probed, sensor host)
    and ``files``: each member's size, host count and sha256, checked before anything is
    read.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid as uuidlib
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from camscan import __version__
from camscan.errors import UsageError
from camscan.fingerprint.verdict import Verdict
from camscan.inventory.models import utcnow
from camscan.inventory.spool import Host, dumps, host_from_json, host_json
from camscan.observations import Observation

__all__ = ["FORMAT_VERSION", "MAGIC", "BundleError", "BundleWriter", "open_bundle"]

FORMAT = "camscan-bundle"
FORMAT_VERSION = 1
MARKER = "camscan-bundle"
MAGIC = b"camscan offline bundle\n"
HOSTS = "hosts.jsonl"
MANIFEST = "manifest.json"
MAX_MANIFEST = 16 << 20  # bytes
MAX_LINE = 64 << 20  # one host's record (observations are capped by the probes)
CHUNK = 1 << 20


class BundleError(UsageError):
    """The file is not a bundle this camscan can load (exit 2); nothing of it is stored."""


def _iso() -> str:
    return utcnow().isoformat(timespec="seconds")


@dataclass
class BundleWriter:
    """Writes one scan's bundle: hosts are appended to ``<path>.part`` as they finish
    (a killed scan leaves them there), and :meth:`close` builds the ZIP beside it and
    renames it into place, so ``path`` is always a whole bundle or absent."""

    path: Path
    site: str
    scope: dict[str, Any]
    options: dict[str, Any]
    uuid: str = field(default_factory=lambda: str(uuidlib.uuid4()))
    started_at: str = field(default_factory=_iso)
    hosts: int = 0
    _part: IO[str] | None = None

    def __post_init__(self) -> None:
        if self.part.exists():  # a scan into this bundle was killed: never write over it
            raise UsageError(
                f"{self.part} holds the hosts of an earlier scan into {self.path.name} that "
                "was cut short; move it away (or give another --bundle) and scan again"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._part = self.part.open("w", encoding="ascii")
        except OSError as err:
            raise UsageError(
                f"cannot write the bundle {self.path}: {err.strerror or err}; give another --bundle"
            ) from None

    @property
    def part(self) -> Path:
        return self.path.with_name(self.path.name + ".part")

    def add(
        self, ip: str | None, mac: str | None, observations: Sequence[Observation], v: Verdict
    ) -> None:
        assert self._part is not None
        self._part.write(dumps({"scan": self.uuid, "host": host_json(ip, mac, observations, v)}))
        self._part.write("\n")
        self._part.flush()
        self.hosts += 1

    def close(self, status: str, hosts_probed: int) -> None:
        """Write the bundle (scan record ``status``) and remove the part file."""
        assert self._part is not None
        self._part.close()
        digest = hashlib.sha256()
        size = 0
        tmp = self.path.with_name(self.path.name + ".tmp")
        with zipfile.ZipFile(tmp, "w") as z:
            z.writestr(MARKER, MAGIC, compress_type=zipfile.ZIP_STORED)
            with (
                self.part.open("rb") as src,
                z.open(zipfile.ZipInfo(HOSTS, _now_tuple()), "w", force_zip64=True) as dst,
            ):
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "camscan_version": __version__,
                "created_at": _iso(),
                "site": self.site,
                "scans": [
                    {
                        "uuid": self.uuid,
                        "site": self.site,
                        "scope": self.scope,
                        "options": self.options,
                        "status": status,
                        "started_at": self.started_at,
                        "finished_at": _iso(),
                        "hosts_probed": hosts_probed,
                        "hosts": self.hosts,
                        "sensor_host": socket.gethostname(),
                        "camscan_version": __version__,
                    }
                ],
                "files": {HOSTS: {"sha256": digest.hexdigest(), "size": size, "hosts": self.hosts}},
            }
            z.writestr(MANIFEST, json.dumps(manifest, indent=1), compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, self.path)
        self.part.unlink(missing_ok=True)


def _now_tuple() -> tuple[int, int, int, int, int, int]:
    t = utcnow()
    return (t.year, t.month, t.day, t.hour, t.minute, t.second)


def sniff(head: bytes) -> bool:
    """A ZIP whose first member is the bundle marker (a ZIP local header is 30 bytes, then
    the member's name)."""
    return head[:4] == b"PK\x03\x04" and head[30 : 30 + len(MARKER)] == MARKER.encode()


@dataclass
class Bundle:
    manifest: dict[str, Any]
    zip: zipfile.ZipFile

    @property
    def site(self) -> str:
        return str(self.manifest.get("site") or "default")

    def hosts(self) -> Iterator[tuple[str, Host | str]]:
        """(scan uuid, host) for each host, or (where, message) for a record that could not
        be read."""
        with self.zip.open(HOSTS) as raw:
            n = 0
            while line := raw.readline(MAX_LINE):
                n += 1
                try:
                    rec = json.loads(line)
                    yield str(rec.get("scan") or ""), host_from_json(rec["host"])
                except (ValueError, KeyError, TypeError, AttributeError) as err:
                    yield f"line {n}", f"unreadable host record ({type(err).__name__})"


def open_bundle(stream: BinaryIO, name: str) -> Bundle:
    """Check a bundle whole (marker, manifest, format version, every member's size and
    sha256) before anything is read from it; BundleError saying what is wrong."""
    try:
        z = zipfile.ZipFile(stream)
        names = z.namelist()
        if not names or names[0] != MARKER or z.read(MARKER) != MAGIC:
            raise BundleError(f"{name}: not a camscan bundle (a ZIP file of something else)")
        if MANIFEST not in names:
            raise BundleError(f"{name}: a camscan bundle without its manifest (cut short?)")
        if z.getinfo(MANIFEST).file_size > MAX_MANIFEST:
            raise BundleError(f"{name}: the bundle's manifest is too large to be one")
        manifest = json.loads(z.read(MANIFEST))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BundleError(f"{name}: not a camscan bundle (its manifest is of another kind)")
        version = manifest.get("format_version")
        if not isinstance(version, int):
            raise BundleError(f"{name}: the bundle's manifest has no format version")
        if version > FORMAT_VERSION:
            raise BundleError(
                f"{name}: bundle format {version} was written by camscan "
                f"{manifest.get('camscan_version', '?')}, newer than this camscan "
                f"{__version__} (reads format {FORMAT_VERSION}); upgrade camscan to import it"
            )
        files = manifest.get("files")
        if not isinstance(files, dict) or HOSTS not in files:
            raise BundleError(f"{name}: the bundle's manifest lists no hosts file")
        for member, want in files.items():
            if member not in names or not isinstance(want, dict):
                raise BundleError(f"{name}: the bundle lacks its member {member!r} (cut short?)")
            digest = hashlib.sha256()
            size = 0
            with z.open(member) as f:
                while chunk := f.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
            if size != want.get("size") or digest.hexdigest() != want.get("sha256"):
                raise BundleError(
                    f"{name}: the bundle's {member} does not match its checksum (damaged in "
                    "transfer?); copy the bundle again"
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as err:
        raise BundleError(
            f"{name}: a damaged or truncated camscan bundle ({err}); copy the bundle again"
        ) from None
    except (ValueError, UnicodeDecodeError, KeyError, OSError) as err:
        raise BundleError(f"{name}: an unreadable camscan bundle ({type(err).__name__})") from None
    return Bundle(manifest, z)


def bundle_site(path: Path) -> str | None:
    """The site a bundle file was scanned at, or None when it is not a readable bundle."""
    try:
        with path.open("rb") as f:
            return open_bundle(f, path.name).site
    except (BundleError, OSError):
        return None
