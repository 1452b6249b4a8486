"""Who lives on the simulated site: a deterministic draw of hosts from a seed.

The same ``(devices, seed, mix)`` always gives the same hosts at the same addresses with the
same MACs, serials and firmware, so a ground-truth file can be regenerated and a benchmark
repeated.  Personalities are drawn with the weights of
:func:`camscan_lab.personalities.mix_weights`; from 100 hosts up, every maker and device type
of the mix is placed on *both* segments (and every brand somewhere), so that a scanner that
only works at layer 2 cannot pass the tests by luck.

Addresses follow the lab contract (docs/lab.md): local hosts from 10.77.0.10 upwards in
10.77.0.0/22, routed hosts from 10.77.8.10 in 10.77.8.0/24, skipping addresses ending in .0,
.1 and .255, the router and the scanner.
"""

from __future__ import annotations

import ipaddress
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from camscan.errors import LabError
from camscan_lab.personalities import DEFAULT_MIX, mix_group, mix_weights, resolve_mix
from camscan_lab.personalities.base import Personality, draw_serial

__all__ = ["DEFAULT_MIX", "MAX_DEVICES", "draw", "truth"]

LOCAL_NET = ipaddress.IPv4Network("10.77.0.0/22")
ROUTED_NET = ipaddress.IPv4Network("10.77.8.0/24")
LOCAL_GATEWAY = "10.77.0.1"
ROUTED_GATEWAY = "10.77.8.1"
# The router's interfaces carry fixed, locally administered MACs, so the hosts' ARP chatter
# can revalidate their gateway by unicast (camscan_lab.announce) without learning it first.
ROUTER_MACS = {LOCAL_GATEWAY: "02:00:0a:4d:00:01", ROUTED_GATEWAY: "02:00:0a:4d:08:01"}
SCANNER_IP = "10.77.3.250"
FIRST_HOST_OCTET = 10
ROUTED_SHARE = 0.25
COVERAGE_MIN_DEVICES = 100  # from this size on, every family is on both segments
PREFIX = "cslab-"
CORPUS_PREFIX = "corpus-"  # personalities replaying corpus/*.yaml (corpus_replay.py)

# Boot times are drawn before a fixed instant so a seed always gives the same ground truth.
_BOOT_REFERENCE = datetime(2025, 1, 6, 7, 30, 0)
_BUILDINGS = ("main", "north", "south", "east", "west", "annex", "gym", "lab", "admin", "ward")


def _addresses(net: ipaddress.IPv4Network, reserved: set[str]) -> list[str]:
    out = []
    for addr in net.hosts():
        last = int(addr) & 0xFF
        if int(addr) - int(net.network_address) < FIRST_HOST_OCTET:
            continue
        if last in (0, 1, 255) or str(addr) in reserved:
            continue
        out.append(str(addr))
    return out


LOCAL_ADDRESSES = _addresses(LOCAL_NET, {LOCAL_GATEWAY, SCANNER_IP})
ROUTED_ADDRESSES = _addresses(ROUTED_NET, {ROUTED_GATEWAY})
MAX_DEVICES = len(LOCAL_ADDRESSES) + len(ROUTED_ADDRESSES)


def _coverage_keys(p: Personality) -> list[tuple[str, str]]:
    """The families ``p`` stands for on a segment: its maker and its device type (hostile
    hosts form one family of their own, so they do not count as a real maker's unit)."""
    if p.hostile:
        return [("hostile", "hostile")]
    if p.name.startswith(CORPUS_PREFIX):
        return []  # corpus replays are drawn by weight only (their makers are many)
    return [("maker", p.manufacturer), ("type", p.device_type)]


def _pick(
    rng: random.Random, pool: list[tuple[Personality, float]], want: tuple[str, str]
) -> Personality:
    candidates = [(p, w) for p, w in pool if want in _coverage_keys(p)]
    return rng.choices([p for p, _ in candidates], [w for _, w in candidates])[0]


def _forced(
    rng: random.Random, pool: list[tuple[Personality, float]]
) -> list[tuple[Personality, str]]:
    """Hosts placed to cover every family on both segments and every brand once."""
    keys = sorted({k for p, _ in pool for k in _coverage_keys(p)})
    out: list[tuple[Personality, str]] = []
    for segment in ("routed", "local"):
        covered: set[tuple[str, str]] = set()
        for key in keys:
            if key in covered:
                continue
            p = _pick(rng, pool, key)
            covered.update(_coverage_keys(p))
            out.append((p, segment))
    brands = {p.brand for p, _ in out}
    coverable = [(p, w) for p, w in pool if not p.hostile and _coverage_keys(p)]
    for brand in sorted({p.brand for p, _ in coverable} - brands):
        candidates = [(p, w) for p, w in coverable if p.brand == brand]
        p = rng.choices([c for c, _ in candidates], [w for _, w in candidates])[0]
        out.append((p, rng.choice(("local", "routed"))))
    return out


def _draw_rest(
    rng: random.Random,
    pool: list[tuple[Personality, float]],
    devices: int,
    forced: list[Personality],
) -> list[Personality]:
    """The hosts after the forced ones, drawn so that each group (cameras, ordinary,
    hostile) keeps its share of the mix over the whole population."""
    shares: dict[str, float] = {}
    for p, w in pool:
        shares[mix_group(p)] = shares.get(mix_group(p), 0.0) + w
    total = sum(shares.values())
    out: list[Personality] = []
    for group in sorted(shares):
        target = round(devices * shares[group] / total)
        have = sum(1 for p in forced if mix_group(p) == group)
        members = [(p, w) for p, w in pool if mix_group(p) == group]
        k = max(0, min(target - have, devices - len(forced) - len(out)))
        out += rng.choices([p for p, _ in members], [w for _, w in members], k=k)
    missing = devices - len(forced) - len(out)
    out += rng.choices([p for p, _ in pool], [w for _, w in pool], k=missing)
    return out


def _mac(rng: random.Random, p: Personality, taken: set[str]) -> str:
    for _ in range(10_000):
        oui = rng.choice(p.ouis) if p.ouis else "02:00:00"
        mac = f"{oui.lower()}:{rng.randrange(256):02x}:{rng.randrange(256):02x}:" + (
            f"{rng.randrange(256):02x}"
        )
        if mac not in taken:
            taken.add(mac)
            return mac
    raise LabError(f"cannot draw a unique MAC for {p.name}: its OUIs are exhausted")


def _hostname(rng: random.Random) -> str:
    building, floor, room = rng.choice(_BUILDINGS), rng.randint(1, 4), rng.randint(0, 40)
    return f"{building}-{floor}{room:02d}-{rng.randrange(100):02d}"


def _identity(
    rng: random.Random, index: int, p: Personality, segment: str, ip: str, macs: set[str]
) -> dict[str, Any]:
    mac = _mac(rng, p, macs)
    model = rng.choice(p.models)
    firmware = rng.choice(p.firmwares)
    boot = _BOOT_REFERENCE - timedelta(seconds=rng.randint(3600, 400 * 86400))
    host_id = f"h{index:04d}"
    return {
        "id": host_id,
        "netns": f"{PREFIX}{host_id}",
        "ip": ip,
        "mac": mac,
        "segment": segment,
        "personality": p.name,
        "brand": p.brand,
        "manufacturer": p.manufacturer,
        "device_type": p.device_type,
        "is_camera": p.is_camera,
        "model": model,
        "firmware": firmware,
        "serial": draw_serial(p.serial_format, model, mac, rng),
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "hostname": _hostname(rng),
        "name": model,
        "boot_time": boot.strftime("%Y-%m-%d %H:%M:%S"),
        "quirks": list(p.quirks),
    }


def draw(devices: int = 250, seed: int = 7, mix: str = DEFAULT_MIX) -> list[dict[str, Any]]:
    """The hosts of a lab: one dict per host (the ``hosts`` of the state file), local hosts
    first, each segment in address order.  Raises LabError for an impossible request."""
    if devices < 1:
        raise LabError("--devices must be at least 1")
    if devices > MAX_DEVICES:
        raise LabError(
            f"--devices {devices} does not fit the lab's two segments "
            f"({len(LOCAL_ADDRESSES)} local + {len(ROUTED_ADDRESSES)} routed addresses); "
            f"use at most {MAX_DEVICES}"
        )
    try:
        name = resolve_mix(mix)
        pool = mix_weights(name)
    except KeyError as err:
        raise LabError(str(err.args[0])) from None
    # The classic mix keeps the seed string it had when it was called "default", so an old
    # (devices, seed) pair still gives the same hosts.
    rng = random.Random(f"camscan-lab/{seed}/{'default' if name == 'classic' else name}")
    forced = _forced(rng, pool) if devices >= COVERAGE_MIN_DEVICES else []
    forced = forced[:devices]
    n_routed = max(
        min(round(devices * ROUTED_SHARE), len(ROUTED_ADDRESSES)),
        sum(1 for _, seg in forced if seg == "routed"),
    )
    n_routed = max(n_routed, devices - len(LOCAL_ADDRESSES))
    drawn = _draw_rest(rng, pool, devices, [p for p, _ in forced])
    free_routed = n_routed - sum(1 for _, seg in forced if seg == "routed")
    segments = ["routed"] * free_routed + ["local"] * (len(drawn) - free_routed)
    rng.shuffle(segments)
    placed = forced + list(zip(drawn, segments, strict=True))
    rng.shuffle(placed)
    hosts: list[dict[str, Any]] = []
    macs: set[str] = set()
    for segment, addresses in (("local", LOCAL_ADDRESSES), ("routed", ROUTED_ADDRESSES)):
        ips: Iterator[str] = iter(addresses)
        for p, seg in placed:
            if seg == segment:
                hosts.append(_identity(rng, len(hosts) + 1, p, segment, next(ips), macs))
    return hosts


def truth(hosts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ground-truth records of ``hosts``: the same dicts without the namespace."""
    return [{k: v for k, v in h.items() if k != "netns"} for h in hosts]
