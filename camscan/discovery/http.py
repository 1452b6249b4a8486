"""HTTP(S) pages, favicon hash and TLS certificate of one web port.

Plain GETs of pages devices serve to anyone: ``/`` and a short documented list of vendor
identification paths (docs/probes.md).  No login attempts, no exploit checks.  Every
response is kept byte for byte as sent, capped (:mod:`camscan.discovery.wire`).
"""

from __future__ import annotations

import httpx

from camscan.discovery import wire
from camscan.discovery.ratelimit import RateLimiter
from camscan.discovery.wire import USER_AGENT, tls_context
from camscan.observations import Observation
from camscan.protocols.http import favicon_hash

# Pages that identify a maker's firmware, served without login (a 401 with its realm is
# evidence too).  Asked once per host, on its first web port.
VENDOR_PATHS = (
    "/doc/page/login.asp",  # Hikvision web UI
    "/ISAPI/System/deviceInfo",  # Hikvision ISAPI (401 Digest on real units)
    "/cgi-bin/magicBox.cgi?action=getDeviceType",  # Dahua CGI (401 realm)
    "/RPC2_Login",  # Dahua JSON-RPC endpoint
    "/axis-cgi/basicdeviceinfo.cgi",  # Axis VAPIX
    "/stw-cgi/system.cgi?msubmenu=deviceinfo&action=view",  # Hanwha SUNAPI
    "/LAPI/V1.0/System/DeviceInfo",  # Uniview LAPI
)
FAVICON = "/favicon.ico"


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


async def web_port(
    http: httpx.AsyncClient,
    ip: str,
    port: int,
    *,
    tls: bool,
    vendor_paths: bool,
    limiter: RateLimiter,
    timeout: float,
    max_bytes: int,
) -> list[Observation]:
    """Everything one web port says: ``/``, the vendor paths, the favicon, the certificate."""
    out: list[Observation] = []
    first, pem = await get(
        http,
        ip,
        port,
        "/",
        tls=tls,
        limiter=limiter,
        timeout=timeout,
        max_bytes=max_bytes,
        want_cert=True,
    )
    out.append(first)
    if tls and pem:
        out.append(Observation(probe="tls", ip=ip, port=port, meta={"pem": pem}))
    if first.error and not first.raw:
        return out  # the port does not speak HTTP(S) in time: do not insist
    paths = (*VENDOR_PATHS, FAVICON) if vendor_paths else (FAVICON,)
    for path in paths:
        obs, _ = await get(
            http, ip, port, path, tls=tls, limiter=limiter, timeout=timeout, max_bytes=max_bytes
        )
        if path == FAVICON:
            if obs.raw.startswith(b"HTTP/") and b" 200 " in obs.raw[:16]:
                body = obs.raw.split(b"\r\n\r\n", 1)[-1]
                obs = Observation(
                    probe="http",
                    ip=ip,
                    port=port,
                    raw=obs.raw,
                    truncated=obs.truncated,
                    meta={**obs.meta, "favicon_mmh3": favicon_hash(body)},
                    error=obs.error,
                )
            else:
                continue  # no favicon: nothing worth keeping
        out.append(obs)
        if obs.error and not obs.raw:
            break  # the server stopped answering: leave it alone
    return out
