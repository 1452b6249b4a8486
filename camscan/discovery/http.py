"""HTTP(S) pages, favicon hash and TLS certificate of one web port.

Plain GETs of pages devices serve to anyone: ``/`` and a short documented list of vendor
identification paths (docs/probes.md).  No login attempts, no exploit checks.  Every
response is kept byte for byte as sent, capped (:mod:`camscan.discovery.wire`).
"""

from __future__ import annotations

import httpx

from camscan.discovery import wire

# The identification pages and the per-port plan moved to camscan/discovery/plan.py; the
# names stay importable from here.
from camscan.discovery.plan import ALL_VENDOR_PATHS as VENDOR_PATHS
from camscan.discovery.plan import FAVICON
from camscan.discovery.ratelimit import RateLimiter
from camscan.discovery.wire import USER_AGENT, tls_context
from camscan.observations import Observation

__all__ = ["FAVICON", "VENDOR_PATHS", "client", "get", "tls_context"]


def client(timeout: float, max_connections: int = 8) -> httpx.AsyncClient:
    """An HTTP client for one host (still used by the ONVIF and SSDP-description callers
    of the pipeline; page GETs go through :mod:`camscan.discovery.wire`)."""
    return httpx.AsyncClient(
        verify=tls_context(),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=0),
        headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
        trust_env=False,
    )


async def get(
    http: httpx.AsyncClient | None,
    ip: str,
    port: int,
    path: str,
    *,
    tls: bool,
    limiter: RateLimiter,
    timeout: float,
    max_bytes: int,
    want_cert: bool = False,
) -> tuple[Observation, str | None]:
    """GET one page with the raw reader (``http`` is accepted and unused: the pipeline
    still passes its client); the observation, and the server certificate (PEM) when
    asked."""
    del http
    return await wire.http_get(
        ip,
        port,
        path,
        tls=tls,
        limiter=limiter,
        timeout=timeout,
        max_bytes=max_bytes,
        want_cert=want_cert,
    )
