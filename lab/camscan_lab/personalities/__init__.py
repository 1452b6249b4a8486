"""Every simulated device kind the lab can serve: ``ALL`` and ``by_name``.

One module per manufacturer family (plus ordinary and hostile hosts) declares its
personalities; this module collects them, and holds the vocabularies the ground truth is
checked against.
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities import (
    axis,
    bosch,
    corpus_replay,
    dahua,
    dahua_oem,
    field,
    hanwha,
    hikvision,
    hikvision_oem,
    hostile_hosts,
    lookalikes,
    milesight,
    mobotix,
    ordinary,
    reolink,
    replays,
    ubiquiti,
    uniview,
    vivotek,
    xiongmai,
)
from camscan_lab.personalities.base import Personality

# Canonical maker names used in ground truth: the camera makers of the family modules as
# camscan/fingerprints/ spells them (corpus_replay.MODELLED, the one list of them), and the
# makers of the ordinary hosts.
CANONICAL_MANUFACTURERS: frozenset[str] = corpus_replay.MODELLED | frozenset(
    {
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
        "ZTE",
        "ASUS",
        "Xerox",
        "Sonos",
        "Roku",
        "Philips",
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
    *field.PERSONALITIES,
    *replays.PERSONALITIES,
    *lookalikes.PERSONALITIES,
    *corpus_replay.PERSONALITIES,
]

# A population is drawn from groups of personalities: well-behaved cameras/NVRs/DVRs/
# encoders, ordinary hosts, hostile hosts, and the field mix's own two groups (camera families
# with a firmware quirk, ordinary hosts that look like cameras).  Family modules give weights
# relative to their own group; ALL scales each group to add up to 100, and a mix gives each
# group its share (percent of the population).
GROUPS: tuple[str, ...] = ("camera", "ordinary", "hostile", "field-camera", "field-ordinary")

# The classic population (issue 3, a school/hospital-like site): cameras about half,
# ordinary hosts the rest, hostile hosts a low rate.
MIX_SHARES: dict[str, float] = {"camera": 50.0, "ordinary": 48.0, "hostile": 2.0}


def mix_group(p: Personality) -> str:
    """Which group of the mixes ``p`` belongs to."""
    if p.hostile:
        return "hostile"
    kind = "camera" if p.is_camera else "ordinary"
    return f"field-{kind}" if p.field else kind


def _scaled(personalities: list[Personality]) -> list[Personality]:
    totals: dict[str, float] = {}
    for p in personalities:
        totals[mix_group(p)] = totals.get(mix_group(p), 0.0) + p.weight
    return [replace(p, weight=100.0 * p.weight / totals[mix_group(p)]) for p in personalities]


ALL: list[Personality] = _scaled(_FAMILIES)

# The populations ``camscan-lab up --mix`` chooses from, as shares of each group.
# "field" (the default) is the site as real networks are: half the cameras run firmware with
# a wire quirk and half the ordinary hosts are embedded look-alikes; "classic" is the
# population the lab had before it; "cameras" holds only well-behaved cameras/NVRs/DVRs;
# "hostile" is half misbehaving hosts, with cameras and ordinary hosts around them so a scan
# still has real work to finish.
MIXES: dict[str, dict[str, float]] = {
    "field": {
        "camera": 26.0,
        "field-camera": 24.0,
        "ordinary": 22.0,
        "field-ordinary": 26.0,
        "hostile": 2.0,
    },
    "classic": MIX_SHARES,
    "cameras": {"camera": 100.0},
    "hostile": {"camera": 25.0, "ordinary": 25.0, "hostile": 50.0},
}
DEFAULT_MIX = "field"
# Names kept for scripts written before the field mix: "default" was the classic population.
ALIASES: dict[str, str] = {"default": "classic"}


def resolve_mix(mix: str) -> str:
    """The mix a name stands for (an alias resolved); KeyError names the known mixes."""
    name = ALIASES.get(mix, mix)
    if name not in MIXES:
        known = ", ".join([*MIXES, *ALIASES])
        raise KeyError(f"unknown mix {mix!r}; known: {known}")
    return name


def mix_weights(mix: str = DEFAULT_MIX) -> list[tuple[Personality, float]]:
    """(personality, weight) pairs of a population, weights adding up to 100; personalities
    whose group has no share in ``mix`` are left out.  KeyError names the known mixes."""
    shares = MIXES[resolve_mix(mix)]
    out = []
    for p in ALL:
        weight = p.weight * shares.get(mix_group(p), 0.0) / 100.0
        if weight > 0:
            out.append((p, weight))
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
    "ALIASES",
    "ALL",
    "CAMERA_TYPES",
    "CANONICAL_MANUFACTURERS",
    "DEFAULT_MIX",
    "DEVICE_TYPES",
    "GROUPS",
    "MIXES",
    "MIX_SHARES",
    "Personality",
    "by_name",
    "mix_group",
    "mix_weights",
    "resolve_mix",
]
