"""Limits and defaults, typed and in one place."""

from __future__ import annotations

# The largest reply kept verbatim from one probe; the rest is dropped and the
# truncation recorded on the observation.
MAX_OBSERVATION_BYTES = 64 * 1024

# Camera ports swept by default (issue #4's list, vendor SDK ports included, plus the
# UniFi Video NVR's web/TLS/RTSP ports 7080, 7443, 7447).
DEFAULT_PORTS: tuple[int, ...] = (
    80,
    81,
    88,
    443,
    554,
    5000,
    7001,
    7080,
    7443,
    7447,
    8000,
    8080,
    8443,
    8554,
    8899,
    9000,
    10554,
    34567,
    37777,
)
