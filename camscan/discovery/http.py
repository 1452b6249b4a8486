"""HTTP(S) pages, favicon hash and TLS certificate of one web port, read with httpx.

Plain GETs of pages devices serve to anyone: ``/`` and a short documented list of vendor
identification paths (docs/probes.md).  No login attempts, no exploit checks.  Every
response is kept as wire-like bytes (status line, headers as sent, body), capped.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
import warnings
from typing import Any

import httpx

from camscan.discovery.ratelimit import RateLimiter
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


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Accept any certificate (devices are self-signed) and old protocol versions (one
    context for the whole scan: building one reads the CA store)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():  # old cameras speak TLS 1.0: reading them is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    try:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    except ssl.SSLError:
        pass
    return ctx


def client(timeout: float, max_connections: int = 8) -> httpx.AsyncClient:
    """An HTTP client for one host: a small pool (httpcore's pool work grows with its size,
    so one shared pool for hundreds of hosts costs CPU quadratically)."""
    return httpx.AsyncClient(
        verify=tls_context(),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=0),
        headers={"User-Agent": "camscan (inventory scan)", "Accept": "*/*"},
        trust_env=False,
    )


def _wire(resp: httpx.Response, body: bytes) -> bytes:
    head = f"{resp.http_version} {resp.status_code} {resp.reason_phrase}\r\n".encode()
    for name, value in resp.headers.raw:
        head += name + b": " + value + b"\r\n"
    return head + b"\r\n" + body


async def get(
    http: httpx.AsyncClient,
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
    """GET one page; the observation, and the server certificate (PEM) when asked."""
    await limiter.acquire()
    host = f"[{ip}]" if ":" in ip else ip
    url = f"{'https' if tls else 'http'}://{host}:{port}{path}"
    meta: dict[str, Any] = {"path": path, "tls": tls}
    pem: str | None = None
    body = b""
    truncated = False
    deadline = time.monotonic() + timeout * 3  # a byte-by-byte answer is cut off here
    try:
        async with asyncio.timeout(timeout * 3):
            async with http.stream("GET", url) as resp:
                if want_cert and tls:
                    pem = _peer_pem(resp)
                async for chunk in resp.aiter_raw():
                    body += chunk
                    if len(body) > max_bytes:
                        truncated = True
                        break
                    if time.monotonic() > deadline:
                        break
                raw = _wire(resp, body[:max_bytes])
    except TimeoutError:
        if body:
            return Observation(
                probe="http",
                ip=ip,
                port=port,
                raw=body[:max_bytes],
                truncated=truncated,
                meta=meta,
                error=f"reply cut off after {timeout * 3:.0f} s",
            ), pem
        return Observation(
            probe="http", ip=ip, port=port, meta=meta, error=f"no reply within {timeout * 3:.0f} s"
        ), pem
    except (httpx.HTTPError, OSError, ssl.SSLError, ValueError) as err:
        return Observation(
            probe="http",
            ip=ip,
            port=port,
            meta=meta,
            error=f"{type(err).__name__}: {str(err)[:200]}",
        ), pem
    obs = Observation(
        probe="http",
        ip=ip,
        port=port,
        raw=raw[: max_bytes + 8192],
        truncated=truncated,
        meta=meta,
        error="reply larger than the cap; the rest was not read" if truncated else None,
    )
    return obs, pem


def _peer_pem(resp: httpx.Response) -> str | None:
    stream = resp.extensions.get("network_stream")
    if stream is None:
        return None
    sslobj = stream.get_extra_info("ssl_object")
    if sslobj is None:
        return None
    der = sslobj.getpeercert(binary_form=True)
    return ssl.DER_cert_to_PEM_cert(der) if der else None


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
