"""Every simulated device kind the lab can serve: ``ALL`` and ``by_name``.

One module per manufacturer family (plus ordinary and hostile hosts) declares its
personalities; this module collects them, and holds the vocabularies the ground truth is
checked against.
"""

from __future__ import annotations

from dataclasses import replace

from camscan.lab.personalities import (
    axis,
    bosch,
    dahua,
    dahua_oem,
    hanwha,
    hikvision,
    hikvision_oem,
    hostile_hosts,
    milesight,
    mobotix,
    ordinary,
    reolink,
    ubiquiti,
    uniview,
    vivotek,
    xiongmai,
)
from camscan.lab.personalities.base import Personality

# Canonical maker names used in ground truth: the camera makers as fingerprints/
# manufacturers.yaml spells them (team brief), and the makers of the ordinary hosts.
CANONICAL_MANUFACTURERS: frozenset[str] = frozenset(
    {
        "Hikvision",
        "Dahua",
        "Axis",
        "Hanwha",
        "Bosch",
        "Uniview",
        "Vivotek",
        "Mobotix",
        "Ubiquiti",
        "Reolink",
        "Xiongmai",
        "Milesight",
        # ordinary hosts
        "HP",
        "Brother",
        "Dell",
        "Lenovo",
        "Synology",
        "Cisco",
        "Yealink",
        "Netgear",
        "TP-Link",
        "Samsung",
        "LG",
        "APC",
        "Generic",
        "Unknown",
    }
)

DEVICE_TYPES: frozenset[str] = frozenset(
    {"camera", "nvr", "dvr", "encoder", "not_camera", "unknown"}
)
CAMERA_TYPES: frozenset[str] = frozenset({"camera", "nvr", "dvr", "encoder"})

_FAMILIES: list[Personality] = [
    *hikvision.PERSONALITIES,
    *hikvision_oem.PERSONALITIES,
    *dahua.PERSONALITIES,
    *dahua_oem.PERSONALITIES,
    *axis.PERSONALITIES,
    *hanwha.PERSONALITIES,
    *bosch.PERSONALITIES,
    *uniview.PERSONALITIES,
    *vivotek.PERSONALITIES,
    *mobotix.PERSONALITIES,
    *ubiquiti.PERSONALITIES,
    *reolink.PERSONALITIES,
    *xiongmai.PERSONALITIES,
    *milesight.PERSONALITIES,
    *ordinary.PERSONALITIES,
    *hostile_hosts.PERSONALITIES,
]

# Shares of the default mix (issue 3: a school/hospital-like population): cameras, NVRs and
# DVRs about half, ordinary hosts the rest, hostile hosts a low rate.  Family modules give
# weights relative to their own group; here each group is scaled to its share so that the
# weights of ALL add up to 100 (a weight is a percentage of the default mix).
MIX_SHARES: dict[str, float] = {"camera": 50.0, "ordinary": 48.0, "hostile": 2.0}


def mix_group(p: Personality) -> str:
    """Which share of the default mix ``p`` belongs to."""
    if p.hostile:
        return "hostile"
    return "camera" if p.is_camera else "ordinary"


def _scaled(personalities: list[Personality]) -> list[Personality]:
    totals: dict[str, float] = {}
    for p in personalities:
        totals[mix_group(p)] = totals.get(mix_group(p), 0.0) + p.weight
    return [
        replace(p, weight=MIX_SHARES[mix_group(p)] * p.weight / totals[mix_group(p)])
        for p in personalities
    ]


ALL: list[Personality] = _scaled(_FAMILIES)

# The populations ``camscan lab up --mix`` chooses from, as shares of each group: "cameras"
# holds only well-behaved cameras/NVRs/DVRs; "hostile" is half misbehaving hosts, with
# cameras and ordinary hosts around them so a scan still has real work to finish.
MIXES: dict[str, dict[str, float]] = {
    "default": MIX_SHARES,
    "cameras": {"camera": 100.0, "ordinary": 0.0, "hostile": 0.0},
    "hostile": {"camera": 25.0, "ordinary": 25.0, "hostile": 50.0},
}


def mix_weights(mix: str = "default") -> list[tuple[Personality, float]]:
    """(personality, weight) pairs of a population, weights adding up to 100; personalities
    whose group has no share in ``mix`` are left out.  KeyError names the known mixes."""
    if mix not in MIXES:
        raise KeyError(f"unknown mix {mix!r}; known: {', '.join(MIXES)}")
    shares = MIXES[mix]
    out = []
    for p in ALL:
        factor = shares[mix_group(p)] / MIX_SHARES[mix_group(p)]
        if factor > 0:
            out.append((p, p.weight * factor))
    return out


_BY_NAME: dict[str, Personality] = {p.name: p for p in ALL}


def by_name(name: str) -> Personality:
    """The personality called ``name``; KeyError names the known ones when it is unknown."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(_BY_NAME))
        raise KeyError(f"unknown personality {name!r}; known: {known}") from None


__all__ = [
    "ALL",
    "CAMERA_TYPES",
    "CANONICAL_MANUFACTURERS",
    "DEVICE_TYPES",
    "MIXES",
    "MIX_SHARES",
    "Personality",
    "by_name",
    "mix_group",
    "mix_weights",
]
