"""Every simulated device kind the lab can serve: ``ALL`` and ``by_name``.

One module per manufacturer family (plus ordinary and hostile hosts) declares its
personalities; this module collects them, and holds the vocabularies the ground truth is
checked against.
"""

from __future__ import annotations

from camscan.lab.personalities import (
    axis,
    bosch,
    dahua,
    dahua_oem,
    hanwha,
    hikvision,
    hikvision_oem,
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

ALL: list[Personality] = [
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
]

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
    "Personality",
    "by_name",
]
