"""The simulated site: network namespaces, bridges, veths, addresses and routes.

::

    cslab-scanner (10.77.3.250/22, no default route)
          | eth0
    +-----+----------------- cslab-switch ------------------------------+
    |  br-local 10.77.0.0/22                br-routed 10.77.8.0/24       |
    |   |  |  |  ... hNNNN ports             |  |  ... hNNNN ports       |
    +---+--+--+------------------------------+--+------------------------+
        |  |  |                              |  |
        |  |  cslab-hNNNN (eth0)             |  cslab-hNNNN (eth0, default via 10.77.8.1)
        |  cslab-router eth-local 10.77.0.1 -- ip_forward -- eth-routed 10.77.8.1
        local hosts (eth0, default via 10.77.0.1)

The namespaces are made with one ``ip -batch``, the bridges and every veth pair with one
``ip -n cslab-switch -batch``, the router and scanner with one each, and each host's
addresses and route from inside its namespace with interface ioctls (no process per host),
so hundreds of hosts come up in seconds.  No link is ever created in the machine's own
namespace, and the scanner's namespace holds only ``lo`` and its lab interface, so nothing
sent in the lab can leave the machine.  The state (hosts, credential, server pid) is written to
/run/camscan-lab/state.json for the server (lab/camscan_lab/server.py) and for ``lab status``.

One lab per machine: ``up`` and ``down`` hold ``flock`` on /tmp/camscan-lab.lock, and the
server of a lab started that way inherits the locked file, so the lock lives as long as the
lab.  A caller that already holds the lock (the test fixture, the benchmark) is recognised
as the holder through /proc/locks and not waited for; it then holds it for the lab.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from camscan.errors import LabError
from camscan_lab import population
from camscan_lab.population import LOCAL_GATEWAY, PREFIX, ROUTED_GATEWAY, SCANNER_IP

STATE_DIR = Path("/run/camscan-lab")
STATE_FILE = STATE_DIR / "state.json"
TRUTH_FILE = STATE_DIR / "truth.json"
SERVER_OUT = STATE_DIR / "server.out"
SERVER_LOG = STATE_DIR / "server.log"
LOCK_PATH = Path("/tmp/camscan-lab.lock")  # noqa: S108 - the team's one lab lock
NETNS_DIR = Path("/run/netns")

SWITCH = f"{PREFIX}switch"
ROUTER = f"{PREFIX}router"
SCANNER = f"{PREFIX}scanner"
SCANNER_IFACE = "eth0"
# The listening port (``up(listener=...)``): a namespace whose eth0 receives a copy of the
# lab's traffic, as a switch's SPAN/mirror port does, and whose packets go nowhere (its
# peer in the switch is on no bridge).
LISTENER = f"{PREFIX}listener"
LISTENER_IFACE = "eth0"
LISTENER_PORT = "listener"  # its peer in cslab-switch, the mirror's destination
# What the mirror copies: every frame entering the local segment's bridge (its hosts, the
# scanner and the router's local side), both segments, or only the scanner's port.
MIRRORS = ("local", "all", "scanner")
NAMESPACES = {"scanner": SCANNER, "listener": LISTENER}
ONVIF_USER = "camscan-lab"
SNMP_COMMUNITY = "public"
READY_TIMEOUT = 120.0
_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _SIOCSIFADDR, _SIOCSIFNETMASK = 0x8913, 0x8914, 0x8916, 0x891C
_SIOCADDRT = 0x890B
_IFF_UP, _RTF_UP, _RTF_GATEWAY = 0x1, 0x1, 0x2
_CAP_NET_ADMIN = 12
_CAP_SYS_ADMIN = 21

# Kept quiet: no duplicate address detection, router solicitations or autoconfiguration on
# lab links, so bringing up 1,000 hosts does not flood the bridges with IPv6 chatter.
_QUIET_IPV6 = {
    f"net/ipv6/conf/{scope}/{key}": "0"
    for scope in ("all", "default")
    for key in ("accept_dad", "dad_transmits", "router_solicitations", "accept_ra", "autoconf")
}
_NS_SYSCTLS: dict[str, dict[str, str]] = {
    # bridge ports need no addresses at all
    SWITCH: {"net/ipv6/conf/all/disable_ipv6": "1", "net/ipv6/conf/default/disable_ipv6": "1"},
    ROUTER: {**_QUIET_IPV6, "net/ipv4/ip_forward": "1"},
    # unprivileged ICMP sockets, so `lab run -- ping` works for any user id
    SCANNER: {**_QUIET_IPV6, "net/ipv4/ping_group_range": "0 2147483647"},
    # the listener sends nothing of its own: no IPv6, no address
    LISTENER: {"net/ipv6/conf/all/disable_ipv6": "1", "net/ipv6/conf/default/disable_ipv6": "1"},
}


# Limits that only the machine's namespace has, raised while a lab is up (and put back by
# `down`): the neighbour tables are shared by all namespaces, so every host's ARP entries
# count against them; and a broadcast on a bridge of 1,000 ports queues 1,000 frames at once
# in the per-CPU backlog, which drops what does not fit (an ARP sweep lost most replies).
def _host_limits(devices: int) -> dict[str, int]:
    return {
        "net/ipv4/neigh/default/gc_thresh2": 4 * devices + 2048,
        "net/ipv4/neigh/default/gc_thresh3": 8 * devices + 4096,
        "net/ipv6/neigh/default/gc_thresh2": 4 * devices + 2048,
        "net/ipv6/neigh/default/gc_thresh3": 8 * devices + 4096,
        "net/core/netdev_max_backlog": 32 * devices + 1000,
    }


# --------------------------------------------------------------------------- helpers


def _ip(args: Sequence[str], *, netns: str | None = None, batch: str | None = None) -> str:
    """Run ``ip`` (with ``-batch -`` fed ``batch``); LabError with its message on failure."""
    cmd = ["ip"] + (["-n", netns] if netns else []) + list(args)
    if batch is not None:
        cmd += ["-batch", "-"]
    proc = subprocess.run(cmd, input=batch, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        where = f" in {netns}" if netns else ""
        raise LabError(f"`{' '.join(cmd)}`{where} failed: {proc.stderr.strip()[-400:]}")
    return proc.stdout


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def _in_netns(name: str) -> Iterator[None]:
    """Run the block with this thread in network namespace ``name`` (then back)."""
    libc = _libc()
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(NETNS_DIR / name, os.O_RDONLY)
    try:
        if libc.setns(target, _CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise LabError(f"cannot enter namespace {name}: {os.strerror(err)}")
        try:
            yield
        finally:
            if libc.setns(home, _CLONE_NEWNET) != 0:  # pragma: no cover - cannot happen as root
                raise LabError("cannot return to the original network namespace")
    finally:
        os.close(target)
        os.close(home)


def _write_sysctls(values: dict[str, str]) -> None:
    for key, value in values.items():
        Path("/proc/sys", key).write_text(value)


def _lab_namespaces() -> list[str]:
    try:
        return sorted(n for n in os.listdir(NETNS_DIR) if n.startswith(PREFIX))
    except FileNotFoundError:
        return []


def _read_state() -> dict[str, Any] | None:
    try:
        data = json.loads(STATE_FILE.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(path)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _command_text(pid: int) -> str:
    return _cmdline(pid).replace(b"\0", b" ").decode(errors="replace").strip()[:80]


def _is_lab_server(pid: int) -> bool:
    return b"camscan_lab.server" in _cmdline(pid) and _alive(pid)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie child is reaped and counts as gone)."""
    with contextlib.suppress(ChildProcessError, OSError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


# --------------------------------------------------------------------------- the lock


def _lock_holders() -> set[int]:
    """Pids holding a flock on LOCK_PATH, from /proc/locks."""
    try:
        st = LOCK_PATH.stat()
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return set()
    want = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    out: set[int] = set()
    for line in lines:
        parts = line.split()
        if len(parts) < 6 or parts[1] != "FLOCK":
            continue  # "->" lines are waiters, not holders
        try:
            major, minor, inode = parts[5].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) == want:
                out.add(int(parts[4]))
        except ValueError:
            continue
    return out


def _ancestry() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1 and pid not in pids:
        pids.add(pid)
        pid = _parent(pid)
    return pids


def _holds_lock_file(pid: int) -> bool:
    """True when ``pid`` has the lock file open (a lab server keeping the lab's lock)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(LOCK_PATH):
                return True
    return False


@contextlib.contextmanager
def lab_lock(
    wait: float = 10.0, *, stop_lab_server: bool = False, wait_for_lab: bool = False
) -> Iterator[int | None]:
    """Hold the machine's lab lock for the block; yields the locked fd, or None when this
    process or one of its parents already holds it (the test fixture, the benchmark), as
    that holder speaks for us.

    A lab started by `camscan-lab up` keeps the lock for its whole life through its server,
    which inherits the locked fd; ``stop_lab_server`` (for `down`) stops that server, which
    releases the lock, instead of waiting for it; otherwise such a lab is an error at once,
    unless ``wait_for_lab`` (a test session waiting for someone else's lab to go).
    """
    fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holders = _lock_holders()
                if holders & _ancestry():
                    os.close(fd)
                    fd = -1
                    break
                server = (_read_state() or {}).get("server_pid")
                if isinstance(server, int) and _is_lab_server(server):
                    if stop_lab_server and _holds_lock_file(server):
                        _stop({server})
                        continue
                    if not (stop_lab_server or wait_for_lab):
                        raise LabError(
                            "a lab is already up (its server holds the lab lock); "
                            "run `camscan-lab down` first"
                        ) from None
                if time.monotonic() >= deadline:
                    who = ", ".join(f"pid {p} ({_command_text(p)})" for p in sorted(holders))
                    if isinstance(server, int) and _is_lab_server(server):
                        who += f"; a lab is up, server pid {server}"
                    raise LabError(
                        f"another lab user holds {LOCK_PATH} ({who or 'unknown pid'}); "
                        "wait for it to finish and try again (a lab left up by mistake: "
                        "`camscan-lab down`)"
                    ) from None
                time.sleep(0.2)
        yield fd if fd >= 0 else None
    finally:
        if fd >= 0:
            os.close(fd)


# --------------------------------------------------------------------------- checks


def _capabilities() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            return int(line.split()[1], 16)
    return 0


def check_prerequisites() -> None:
    """LabError saying exactly what is missing to build a lab here."""
    if sys.platform != "linux":
        raise LabError("the lab needs Linux network namespaces; run it on Linux")
    if shutil.which("ip") is None:
        raise LabError("iproute2's `ip` command is missing: run `make deps` (apt-get iproute2)")
    caps = _capabilities()
    if os.geteuid() != 0 and not (caps >> _CAP_NET_ADMIN & 1 and caps >> _CAP_SYS_ADMIN & 1):
        raise LabError(
            "the lab creates network namespaces, which needs root (CAP_NET_ADMIN and "
            "CAP_SYS_ADMIN): run `sudo camscan-lab up ...`"
        )
    if not caps >> _CAP_NET_ADMIN & 1:
        raise LabError(
            "this process lacks CAP_NET_ADMIN (a container without NET_ADMIN?): run it where "
            "root may create network namespaces, e.g. `docker run --cap-add NET_ADMIN "
            "--cap-add SYS_ADMIN`"
        )


# --------------------------------------------------------------------------- building


def _raise_host_limits(devices: int) -> dict[str, str]:
    """Raise the machine-wide limits a lab of ``devices`` hosts needs; the old values."""
    old: dict[str, str] = {}
    for key, value in _host_limits(devices).items():
        path = Path("/proc/sys", key)
        try:
            current = int(path.read_text())
            if current < value:
                path.write_text(str(value))
                old[key] = str(current)
        except (OSError, ValueError):
            continue  # e.g. IPv6 disabled on the machine: nothing to raise
    return old


def _restore_sysctls(values: dict[str, str]) -> None:
    for key, value in values.items():
        with contextlib.suppress(OSError):
            Path("/proc/sys", key).write_text(value)


def _ifreq(name: str, payload: bytes) -> bytes:
    return name.encode().ljust(16, b"\0") + payload.ljust(24, b"\0")


def _sockaddr(ip: str) -> bytes:
    return struct.pack("=HH4s8x", socket.AF_INET, 0, socket.inet_aton(ip))


def _set_up(sock: socket.socket, name: str) -> None:
    flags = struct.unpack_from("=h", fcntl.ioctl(sock, _SIOCGIFFLAGS, _ifreq(name, b"")), 16)[0]
    fcntl.ioctl(sock, _SIOCSIFFLAGS, _ifreq(name, struct.pack("=h", flags | _IFF_UP)))


def _configure_host(host: dict[str, Any]) -> None:
    """lo and eth0 up, the address and the default route, in the host's namespace.

    Done with the classic ioctls from this process: an ``ip`` process per host costs time
    proportional to the number of namespaces (ip maps every named namespace to print a
    veth's peer), which made 1,000 hosts take ten seconds.
    """
    net = population.LOCAL_NET if host["segment"] == "local" else population.ROUTED_NET
    gateway = LOCAL_GATEWAY if host["segment"] == "local" else ROUTED_GATEWAY
    with _in_netns(host["netns"]):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with sock:
        _set_up(sock, "lo")
        fcntl.ioctl(sock, _SIOCSIFADDR, _ifreq("eth0", _sockaddr(host["ip"])))
        fcntl.ioctl(sock, _SIOCSIFNETMASK, _ifreq("eth0", _sockaddr(str(net.netmask))))
        _set_up(sock, "eth0")
        route = struct.pack(
            "@L16s16s16sHhLPhPLLH0L",
            0,
            _sockaddr("0.0.0.0"),
            _sockaddr(gateway),
            _sockaddr("0.0.0.0"),
            _RTF_UP | _RTF_GATEWAY,
            *([0] * 8),
        )
        fcntl.ioctl(sock, _SIOCADDRT, route)


def _switch_batch(hosts: list[dict[str, Any]], listener: bool = False) -> str:
    lines = []
    for bridge in ("br-local", "br-routed"):
        # No IGMP snooping: multicast floods to every port, as on an unmanaged switch.
        # With snooping (and the bridge as querier) some hosts missed WS-Discovery probes
        # while the querier settled; a scanner test must not depend on that.
        lines += [
            f"link add {bridge} type bridge stp_state 0 forward_delay 0 mcast_snooping 0",
            f"link set {bridge} up",
        ]
    macs = population.ROUTER_MACS
    ports = [
        ("rt-local", "eth-local", ROUTER, "br-local", macs[LOCAL_GATEWAY]),
        ("rt-routed", "eth-routed", ROUTER, "br-routed", macs[ROUTED_GATEWAY]),
        ("scanner", SCANNER_IFACE, SCANNER, "br-local", None),
    ] + [(h["id"], "eth0", h["netns"], f"br-{h['segment']}", h["mac"]) for h in hosts]
    for port, peer, netns, bridge, mac in ports:
        address = f" address {mac}" if mac else ""
        lines += [
            f"link add {port} type veth peer name {peer}{address} netns {netns}",
            f"link set {port} master {bridge}",
            f"link set {port} up",
        ]
    if listener:  # on no bridge: what the listener sends is dropped here
        lines += [
            f"link add {LISTENER_PORT} type veth peer name {LISTENER_IFACE} netns {LISTENER}",
            f"link set {LISTENER_PORT} up",
        ]
    return "\n".join(lines) + "\n"


def _mirror_batch(hosts: list[dict[str, Any]], mirror: str) -> str:
    """``tc`` commands copying frames to the listener's port: a u32 match-everything filter
    (the kernel here has no matchall classifier) with ``mirred egress mirror`` on a shared
    ingress block of every mirrored port, or on both directions of the scanner's port."""
    action = f"u32 match u32 0 0 action mirred egress mirror dev {LISTENER_PORT}"
    if mirror == "scanner":
        return (
            "qdisc add dev scanner clsact\n"
            f"filter add dev scanner ingress protocol all {action}\n"
            f"filter add dev scanner egress protocol all {action}\n"
        )
    segments = ("local",) if mirror == "local" else ("local", "routed")
    ports = ["rt-local", "scanner"] + (["rt-routed"] if mirror == "all" else [])
    ports += [h["id"] for h in hosts if h["segment"] in segments]
    lines = [f"qdisc add dev {port} ingress_block 77 clsact" for port in ports]
    lines.append(f"filter add block 77 protocol all {action}")
    return "\n".join(lines) + "\n"


def _tc(netns: str, batch: str) -> None:
    proc = subprocess.run(
        ["tc", "-n", netns, "-batch", "-"], input=batch, capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        raise LabError(f"`tc -n {netns} -batch -` failed: {proc.stderr.strip()[-400:]}")


def _build(hosts: list[dict[str, Any]], mirror: str | None = None) -> None:
    names = [SWITCH, ROUTER, SCANNER] + ([LISTENER] if mirror else []) + [h["netns"] for h in hosts]
    _ip([], batch="".join(f"netns add {n}\n" for n in names))
    for name in names:
        with _in_netns(name):
            _write_sysctls(_NS_SYSCTLS.get(name, _QUIET_IPV6))
    _ip([], netns=SWITCH, batch=_switch_batch(hosts, listener=mirror is not None))
    if mirror:
        _ip([], netns=LISTENER, batch=f"link set lo up\nlink set {LISTENER_IFACE} up\n")
        _tc(SWITCH, _mirror_batch(hosts, mirror))
    router = (
        "link set lo up\n"
        f"addr add {LOCAL_GATEWAY}/{population.LOCAL_NET.prefixlen} dev eth-local\n"
        f"addr add {ROUTED_GATEWAY}/{population.ROUTED_NET.prefixlen} dev eth-routed\n"
        "link set eth-local up\nlink set eth-routed up\n"
    )
    scanner = (
        "link set lo up\n"
        f"addr add {SCANNER_IP}/{population.LOCAL_NET.prefixlen} dev {SCANNER_IFACE}\n"
        f"link set {SCANNER_IFACE} up\n"
        f"route add {population.ROUTED_NET} via {LOCAL_GATEWAY}\n"
        # multicast discovery leaves through the lab interface; still no default route
        f"route add 224.0.0.0/4 dev {SCANNER_IFACE}\n"
    )
    _ip([], netns=ROUTER, batch=router)
    _ip([], netns=SCANNER, batch=scanner)
    for host in hosts:
        try:
            _configure_host(host)
        except OSError as err:
            raise LabError(f"configuring {host['netns']} failed: {err}") from None


def _start_server(timeout: float, lock_fd: int | None) -> int:
    """Start the lab server detached and wait for its READY line; its pid.  The server
    inherits ``lock_fd`` (the locked lab lock) and so holds the lock while the lab lives."""
    with SERVER_OUT.open("wb") as out, SERVER_LOG.open("wb") as log:
        # stdout goes to a file, not a pipe: `lab up` exits after READY, and a later write
        # into a pipe nobody reads would kill the server with SIGPIPE.
        proc = subprocess.Popen(
            [sys.executable, "-m", "camscan_lab.server", str(STATE_FILE)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=log,
            cwd="/",
            start_new_session=True,
            pass_fds=() if lock_fd is None else (lock_fd,),
        )
    state = _read_state() or {}
    state["server_pid"] = proc.pid
    _write_json(STATE_FILE, state)
    deadline = time.monotonic() + timeout
    while True:
        for line in SERVER_OUT.read_text(errors="replace").splitlines():
            if line.startswith("READY"):
                return proc.pid
            if line.startswith("ERROR"):
                raise LabError(f"the lab server failed: {line[5:].strip()[:300]}")
        code = proc.poll()
        if code is not None:
            tail = SERVER_LOG.read_text(errors="replace").strip().splitlines()[-1:] or ["-"]
            raise LabError(
                f"the lab server exited with code {code} before it was ready: {tail[0][:300]}"
            )
        if time.monotonic() > deadline:
            raise LabError(
                f"the lab server was not ready after {timeout:.0f} s; see {SERVER_LOG} "
                "next time with `camscan-lab up` kept running, or try fewer --devices"
            )
        time.sleep(0.05)


def up(
    devices: int = 250,
    seed: int = 7,
    mix: str = population.DEFAULT_MIX,
    truth: str | os.PathLike[str] | None = None,
    *,
    serve: bool = True,
    ready_timeout: float = READY_TIMEOUT,
    announce_speed: float | None = None,
    listener: str | None = None,
    boot_delay: float = 0.0,
    boot_spread: float = 60.0,
) -> dict[str, Any]:
    """Build the lab and start its server; the state dict (as written to STATE_FILE).

    ``serve=False`` builds the topology only (for tests of the network without services).
    ``announce_speed``: the hosts announce themselves (camscan_lab.announce), time compressed
    by that factor (1: real time; 60: one second is one simulated minute); None: they only
    answer.  The hosts power on ``boot_delay`` real seconds after the server is ready,
    spread over ``boot_spread`` simulated seconds.  ``listener`` (one of MIRRORS): add the
    listening namespace LISTENER whose LISTENER_IFACE receives a mirror of that traffic.
    On any failure everything built so far is removed and LabError says what to do.
    """
    if listener is not None and listener not in MIRRORS:
        raise LabError(f"unknown listener mirror {listener!r}: one of {', '.join(MIRRORS)}")
    if announce_speed is not None and not 0.01 <= announce_speed <= 3600:
        raise LabError("the announce speed is a factor from 0.01 to 3600 (60: 1 s = 1 min)")
    if not (0 <= boot_delay <= 3600 and 0 <= boot_spread <= 86400):
        raise LabError("boot delay is 0-3600 real seconds, boot spread 0-86400 simulated seconds")
    check_prerequisites()
    if listener is not None and shutil.which("tc") is None:
        raise LabError("the listener's mirror needs tc (iproute2): run `make deps`")
    hosts = population.draw(devices, seed, mix)
    if truth is not None:
        folder = Path(truth).resolve().parent
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise LabError(
                f"cannot write the truth file {truth}: {folder} is not a writable folder"
            )
    with lab_lock() as lock_fd:
        existing = _lab_namespaces()
        if existing or STATE_FILE.exists():
            raise LabError(
                f"a lab already exists ({len(existing)} {PREFIX}* namespaces); "
                "run `camscan-lab down` first"
            )
        start = time.monotonic()
        try:
            STATE_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
            state: dict[str, Any] = {
                "version": 1,
                "prefix": PREFIX,
                "seed": seed,
                "devices": devices,
                "mix": mix,
                "scanner_netns": SCANNER,
                "scanner_ip": SCANNER_IP,
                "segments": {
                    "local": str(population.LOCAL_NET),
                    "routed": str(population.ROUTED_NET),
                },
                "onvif_user": ONVIF_USER,
                "onvif_password": secrets.token_urlsafe(12),
                "snmp_community": SNMP_COMMUNITY,
                "server_pid": None,
                "announce_speed": announce_speed,
                "boot_delay": boot_delay,
                "boot_spread": boot_spread,
                "listener": None
                if listener is None
                else {
                    "netns": LISTENER,
                    "interface": LISTENER_IFACE,
                    "mirror": listener,
                    "sends": "nothing: its switch port is on no bridge",
                },
                "started": datetime.now(UTC).isoformat(timespec="seconds"),
                "up_seconds": None,
                "host_sysctls": {},
                "hosts": hosts,
            }
            _write_json(STATE_FILE, state)
            state["host_sysctls"] = _raise_host_limits(devices)
            _write_json(STATE_FILE, state)
            _build(hosts, listener)
            if serve:
                state["server_pid"] = _start_server(ready_timeout, lock_fd)
        except BaseException:
            _down_locked()
            raise
        state["up_seconds"] = round(time.monotonic() - start, 2)
        _write_json(STATE_FILE, state)
        records = population.truth(hosts)
        _write_json(TRUTH_FILE, records)
        if truth is not None:
            try:
                _write_json(Path(truth), records)
            except OSError as err:
                raise LabError(
                    f"the lab is up but the truth file {truth} could not be written: "
                    f"{err.strerror}; the ground truth is in {TRUTH_FILE}"
                ) from None
        return state


# --------------------------------------------------------------------------- removing


def _netns_inodes(names: list[str]) -> set[int]:
    out = set()
    for name in names:
        with contextlib.suppress(OSError):
            out.add((NETNS_DIR / name).stat().st_ino)
    return out


def _lab_processes(names: list[str], state: dict[str, Any] | None) -> set[int]:
    """The lab server(s) and every process living in a lab namespace (as `ip netns pids`)."""
    inodes = _netns_inodes(names)
    me = os.getpid()
    pids: set[int] = set()
    server = (state or {}).get("server_pid")
    if isinstance(server, int) and _is_lab_server(server):
        pids.add(server)
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        pid = int(entry)
        cmd = _cmdline(pid)
        if b"camscan_lab.server" in cmd and str(STATE_FILE).encode() in cmd:
            pids.add(pid)  # a server whose state file was lost in a crash
            continue
        with contextlib.suppress(OSError):
            if os.stat(f"/proc/{pid}/ns/net").st_ino in inodes:
                pids.add(pid)
    return pids


def _stop(pids: set[int], grace: float = 5.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            pids = {p for p in pids if _alive(p)}
            if not pids:
                return
            time.sleep(0.05)
    if pids:
        raise LabError(f"processes {sorted(pids)} survived SIGKILL; remove them, then retry")


def _down_locked() -> dict[str, int]:
    state = _read_state()
    names = _lab_namespaces()
    pids = _lab_processes(names, state)
    _stop(pids)
    if names:
        proc = subprocess.run(
            ["ip", "-force", "-batch", "-"],
            input="".join(f"netns del {n}\n" for n in names),
            capture_output=True,
            text=True,
            timeout=300,
        )
        left = _lab_namespaces()
        if left:
            raise LabError(
                f"{len(left)} lab namespaces could not be removed ({proc.stderr.strip()[-200:]}); "
                "run `camscan-lab down` again"
            )
    if state:
        _restore_sysctls(state.get("host_sysctls") or {})
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    return {"namespaces": len(names), "processes": len(pids)}


def down() -> dict[str, int]:
    """Remove every ``cslab-*`` namespace, the lab's processes and its state; idempotent,
    also after a crash with no state file.  Counts of what was removed."""
    check_prerequisites()
    server = (_read_state() or {}).get("server_pid")
    running = isinstance(server, int) and _is_lab_server(server)
    with lab_lock(stop_lab_server=True):
        removed = _down_locked()
    if running and not removed["processes"]:
        removed["processes"] = 1  # the server, stopped to free the lab lock
    return removed


# --------------------------------------------------------------------------- using


def status() -> dict[str, Any] | None:
    """The state of the running lab plus liveness (``server_running``, ``namespaces``),
    or None when no lab exists.  A half-removed lab has ``broken`` set."""
    names = _lab_namespaces()
    state = _read_state()
    if state is None and not names:
        return None
    out: dict[str, Any] = dict(state or {})
    pid = out.get("server_pid")
    out["server_running"] = bool(
        isinstance(pid, int) and _alive(pid) and b"camscan_lab.server" in _cmdline(pid)
    )
    out["namespaces"] = len(names)
    expected = len(out.get("hosts") or []) + 3 + (1 if out.get("listener") else 0)
    out["broken"] = state is None or len(names) != expected
    return out


def scanner_command(cmd: Sequence[str], ns: str = "scanner") -> list[str]:
    """``cmd`` wrapped to run in the lab's ``ns`` namespace (``scanner``, or ``listener``
    when the lab has one); LabError when there is no such namespace."""
    name = NAMESPACES.get(ns)
    if name is None:
        raise LabError(f"unknown lab namespace {ns!r}: one of {', '.join(NAMESPACES)}")
    if not (NETNS_DIR / SCANNER).exists():
        raise LabError("no lab is up: start one with `camscan-lab up`")
    if not (NETNS_DIR / name).exists():
        raise LabError(f"this lab has no {ns} namespace: start it with `camscan-lab up --listener`")
    return ["ip", "netns", "exec", name, *cmd]


def run(
    cmd: Sequence[str],
    *,
    capture: bool = False,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    ns: str = "scanner",
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` inside the lab's ``ns`` namespace (the scanner's unless told; streams
    passed through unless ``capture``); its exit code is the CompletedProcess's."""
    return subprocess.run(
        scanner_command(cmd, ns),
        capture_output=capture,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
