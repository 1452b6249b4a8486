"""The environment variables camscan reads, in one place: only the CLI reads them, and it
passes what they name to the library as parameters (docs/architecture.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

__all__ = [
    "EVENT_LOOP_ENV",
    "FINGERPRINTS_ENV",
    "POLICY_ENV",
    "SPOOL_ENV",
    "VULNS_ENV",
    "event_loop",
    "fingerprints_dir",
    "policy_path",
    "spool_dir",
    "vulns_path",
]

FINGERPRINTS_ENV = "CAMSCAN_FINGERPRINTS"  # a rule directory instead of the shipped rules
POLICY_ENV = "CAMSCAN_POLICY"  # a policy file laid over the default policy
VULNS_ENV = "CAMSCAN_VULNS"  # a vulnerability data file instead of the shipped/updated one
EVENT_LOOP_ENV = "CAMSCAN_EVENT_LOOP"  # "asyncio": the standard event loop, not uvloop
SPOOL_ENV = "CAMSCAN_SPOOL_DIR"  # where a sensor spools finished hosts (docs/sensors.md)


def _path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def fingerprints_dir() -> Path | None:
    """``$CAMSCAN_FINGERPRINTS``, or None for the rules shipped in the package."""
    return _path(FINGERPRINTS_ENV)


def policy_path() -> Path | None:
    """``$CAMSCAN_POLICY``, or None for the default policy alone."""
    return _path(POLICY_ENV)


def vulns_path() -> Path | None:
    """``$CAMSCAN_VULNS``, or None for the newer of the shipped and the updated data."""
    return _path(VULNS_ENV)


def spool_dir() -> Path | None:
    """``$CAMSCAN_SPOOL_DIR``, or None for ``spool`` in camscan's data directory."""
    return _path(SPOOL_ENV)


def event_loop() -> Literal["uvloop", "asyncio"]:
    """``$CAMSCAN_EVENT_LOOP``: "asyncio" for the standard loop, else uvloop when installed."""
    return "asyncio" if os.environ.get(EVENT_LOOP_ENV, "") == "asyncio" else "uvloop"
