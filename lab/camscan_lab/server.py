"""The lab server: one asyncio process serving every simulated host's services on the wire.

``python -m camscan_lab.server /run/camscan-lab/state.json`` (docs: notes/lab-contract.md).
For each host of the state file it enters the host's network namespace (setns on
/run/netns/<netns>), creates that host's sockets, and returns to its own namespace: a socket
keeps the namespace it was created in, so one event loop serves them all.  A host whose
``netns`` is null is served in the server's own namespace (tests on 127.x addresses); such a
host never joins a multicast group nor sends to one.

When every socket is bound it prints ``READY <hosts> <sockets>`` on stdout; on a fatal
error ``ERROR <message>`` and a non-zero exit.  SIGTERM/SIGINT stop it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import json
import os
import resource
import signal
import socket
import ssl
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from camscan_lab.announce import BOOT_SPREAD, Announcer, Outlets, frame_socket
from camscan_lab.serve_host import Host, LabCredentials, host_from_state
from camscan_lab.serve_tcp import MAX_HEADER, connection_handler, serve_http, tcp_services
from camscan_lab.serve_tcp import Handler as TcpHandler
from camscan_lab.serve_tls import CertificateStore
from camscan_lab.serve_udp import Handler as UdpHandler
from camscan_lab.serve_udp import UdpService, udp_services

CLONE_NEWNET = 0x40000000
NETNS_DIR = Path("/run/netns")
LISTEN_BACKLOG = 64
TLS_HANDSHAKE_TIMEOUT = 10.0
FD_HEADROOM = 8192  # client connections on top of the listening sockets


class ServerError(RuntimeError):
    """A fatal startup problem (reported as ``ERROR <message>``)."""


def _setns(fd: int) -> None:
    setns = getattr(os, "setns", None)  # Python >= 3.12
    if setns is not None:
        setns(fd, CLONE_NEWNET)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class Namespaces:
    """Enters lab namespaces and always comes back to the one the server started in."""

    def __init__(self) -> None:
        self._home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)

    @contextlib.contextmanager
    def inside(self, name: str | None) -> Iterator[None]:
        if name is None:
            yield
            return
        try:
            fd = os.open(NETNS_DIR / name, os.O_RDONLY)
        except OSError as err:
            raise ServerError(f"namespace {name} not found ({err.strerror})") from None
        try:
            _setns(fd)
        except OSError as err:
            raise ServerError(f"cannot enter namespace {name}: {err.strerror}") from None
        finally:
            os.close(fd)
        try:
            yield
        finally:
            _setns(self._home)

    def close(self) -> None:
        os.close(self._home)


@dataclass
class BoundHost:
    """A host with its sockets, ready to be served."""

    host: Host
    tcp: list[tuple[int, socket.socket, TcpHandler, bool]] = field(default_factory=list)
    udp: list[tuple[int, socket.socket, str, UdpHandler]] = field(default_factory=list)
    tls: ssl.SSLContext | None = None
    frames: socket.socket | None = None  # send-only eth0 socket for DHCP/ARP announcements

    def sockets(self) -> list[socket.socket]:
        own = [self.frames] if self.frames is not None else []
        return [t[1] for t in self.tcp] + [u[1] for u in self.udp] + own


def load_state(path: Path) -> tuple[list[Host], dict[str, Any]]:
    """Hosts and the raw document of a state file (ServerError when unusable)."""
    try:
        doc = json.loads(path.read_text())
        creds = LabCredentials(
            onvif_user=str(doc["onvif_user"]),
            onvif_password=str(doc["onvif_password"]),
            snmp_community=str(doc.get("snmp_community", "public")),
        )
        hosts = [host_from_state(entry, creds) for entry in doc["hosts"]]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ServerError(f"state file {path}: {type(err).__name__}: {err}") from None
    return hosts, doc


def raise_nofile(needed: int) -> int:
    """Raise RLIMIT_NOFILE to ``needed`` (root may raise the hard limit); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return soft
    if hard == resource.RLIM_INFINITY or hard >= needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        return needed
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
        return needed
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard


def _tcp_socket(ip: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((ip, port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _udp_socket(host: Host, port: int, group: str | None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if host.netns is None:
            sock.bind((host.ip, port))  # shared namespace: unicast to this address only
        else:
            # Alone in its namespace: the wildcard also receives multicast and broadcast.
            sock.bind(("0.0.0.0", port))
            local = socket.inet_aton(host.ip)
            if group is not None:
                mreq = socket.inet_aton(group) + local
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, local)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def bind_host(
    host: Host, namespaces: Namespaces, certs: CertificateStore, announce: bool = False
) -> BoundHost:
    """Create every socket of ``host`` inside its namespace (ServerError on failure); with
    ``announce`` also its send-only frame socket (hosts inside a lab namespace only)."""
    bound = BoundHost(host)
    tcp = tcp_services(host)
    if any(tls for _, tls in tcp.values()):
        bound.tls = certs.context(host)
        host.tls_context = bound.tls
    what = ""
    try:
        with namespaces.inside(host.netns):
            for port, (handler, tls) in sorted(tcp.items()):
                what = f"tcp/{port}"
                bound.tcp.append((port, _tcp_socket(host.ip, port), handler, tls))
            for port, name, udp_handler, group in udp_services(host):
                what = f"udp/{port}"
                bound.udp.append((port, _udp_socket(host, port, group), name, udp_handler))
            if announce and host.netns is not None:
                what = "eth0 frames"
                bound.frames = frame_socket()
    except OSError as err:
        for sock in bound.sockets():
            sock.close()
        raise ServerError(f"{host.id} {host.ip} {what}: {err.strerror or err}") from None
    return bound


class _Quiet:
    """Event-loop exception handler: a short line per problem (bounded), never a traceback
    storm from clients that vanish mid-handshake."""

    def __init__(self, budget: int = 200) -> None:
        self.budget = budget

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if self.budget <= 0 or isinstance(exc, asyncio.CancelledError):
            return  # tasks cancelled at shutdown are not problems
        self.budget -= 1
        detail = f"{type(exc).__name__}: {exc}" if exc else ""
        print(f"loop: {context.get('message', '')} {detail}"[:240], file=sys.stderr, flush=True)


async def serve(
    bound: list[BoundHost],
    stop: asyncio.Event,
    announce_speed: float | None = None,
    seed: int = 0,
    boot: tuple[float, float] = (0.0, 60.0),
) -> int:
    """Serve the bound sockets until ``stop`` is set; prints READY; returns socket count.
    With ``announce_speed`` the hosts also announce themselves (camscan_lab.announce) and
    say goodbye when ``stop`` is set."""
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_Quiet())
    servers: list[asyncio.Server] = []
    transports: list[asyncio.BaseTransport] = []
    speakers: list[tuple[Host, Outlets]] = []
    count = 0
    for b in bound:
        for port, sock, handler, tls in b.tcp:
            # A slow-TLS handler starts TLS itself; only serve_http gets asyncio's own TLS.
            tls = tls and handler is serve_http
            servers.append(
                await asyncio.start_server(
                    connection_handler(b.host, port, handler),
                    sock=sock,
                    limit=MAX_HEADER,
                    ssl=b.tls if tls else None,
                    ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT if tls else None,
                    backlog=LISTEN_BACKLOG,
                )
            )
            count += 1
        outlets = Outlets(frames=b.frames)
        for _port, sock, name, udp_handler in b.udp:
            factory = functools.partial(UdpService, b.host, name, udp_handler)
            transport, _ = await loop.create_datagram_endpoint(factory, sock=sock)
            transports.append(transport)
            outlets.udp[name] = transport
            count += 1
        speakers.append((b.host, outlets))
    announcer = (
        Announcer(speakers, announce_speed, seed, boot_delay=boot[0], boot_spread=boot[1])
        if announce_speed
        else None
    )
    print(f"READY {len(bound)} {count}", flush=True)
    if announcer is not None:
        announcer.start(stop)
    try:
        await stop.wait()
        if announcer is not None:
            announcer.goodbye()
            await asyncio.sleep(0.2)  # let the goodbyes leave before the sockets close
    finally:
        for server in servers:
            server.close()
        for udp in transports:
            udp.close()
    return count


def run(state_path: Path) -> int:
    """Bind every host of the state file and serve until SIGTERM; the exit status."""
    started = time.monotonic()
    hosts, doc = load_state(state_path)
    speed = doc.get("announce_speed")
    announce_speed = float(speed) if isinstance(speed, int | float) and speed > 0 else None
    seed = int(doc.get("seed") or 0)
    boot = (float(doc.get("boot_delay") or 0.0), float(doc.get("boot_spread") or BOOT_SPREAD))
    estimate = sum(len(tcp_services(h)) + len(udp_services(h)) for h in hosts)
    limit = raise_nofile(estimate + FD_HEADROOM)
    if limit < estimate + 64:
        raise ServerError(f"RLIMIT_NOFILE {limit} is too low for {estimate} sockets")
    namespaces = Namespaces()
    certs = CertificateStore()
    try:
        bound: list[BoundHost] = []
        try:
            for host in hosts:
                bound.append(bind_host(host, namespaces, certs, announce_speed is not None))
        except ServerError:
            for b in bound:
                for sock in b.sockets():
                    sock.close()
            raise
        n_sockets = sum(len(b.sockets()) for b in bound)
        print(
            f"bound {len(bound)} hosts, {n_sockets} sockets in {time.monotonic() - started:.2f} s",
            file=sys.stderr,
            flush=True,
        )

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await serve(bound, stop, announce_speed, seed, boot)

        asyncio.run(main())
    finally:
        certs.close()
        namespaces.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("ERROR usage: python -m camscan_lab.server STATE.json", flush=True)
        return 2
    try:
        return run(Path(args[0]))
    except ServerError as err:
        print(f"ERROR {err}", flush=True)
        return 1
    except Exception as err:
        print(f"ERROR {type(err).__name__}: {err}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
