"""camscan's offline bundle (``camscan scan ... --bundle FILE``, camscan/bundle.py): a scan
of a site that could not reach the central inventory, with every reply byte for byte.

The whole bundle is checked before any host is read (marker, manifest, format version,
each member's size and sha256): a foreign, damaged, cut-short or newer bundle is an
ImportFormatError and nothing is stored.  The hosts then go through the ingest like any
import: identified by this camscan's engine on their own replies, merged by the usual
identity rules; the same bundle into the same site twice adds nothing (its sha256).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from camscan.bundle import BundleError, open_bundle, sniff
from camscan.imports import Format, ImportedHost, ImportFormatError, ReadContext, RecordError


def _sniff(head: bytes, filename: str) -> bool:
    return sniff(head)


def _seekable(stream: BinaryIO) -> BinaryIO:
    """A ZIP is read from its end: a stream that cannot seek is copied to a temporary file
    first (in chunks: bounded memory)."""
    if stream.seekable():
        return stream
    copy = tempfile.TemporaryFile()
    shutil.copyfileobj(stream, copy, 1 << 20)
    copy.seek(0)
    return copy


def _read(stream: BinaryIO, context: ReadContext) -> Iterator[ImportedHost | RecordError]:
    source = _seekable(stream)
    try:
        bundle = open_bundle(source, context.filename)
    except BundleError as err:
        if source is not stream:
            source.close()
        raise ImportFormatError(str(err)) from None
    try:
        for scan, item in bundle.hosts():
            if isinstance(item, str):
                yield RecordError(where=scan, message=item)
                continue
            ip, mac, observations, verdict = item
            yield ImportedHost(
                ip=ip,
                mac=mac,
                observations=observations,
                verdict=verdict,
                where=f"host {ip or mac} of scan {scan[:8]}",
            )
    finally:
        bundle.zip.close()
        if source is not stream:
            source.close()


FORMAT = Format(
    name="bundle",
    summary="camscan scan --bundle FILE: an offline scan of a site, every reply byte for byte",
    sniff=_sniff,
    read=_read,
    scan_would_add="nothing: a bundle is a scan's own evidence",
    # A bundle is a scan made offline: its devices are scanned ones, not "seen only
    # through an import" (camscan/app/ingest.py notes devices whose sources lack "scan").
    source="scan",
)
