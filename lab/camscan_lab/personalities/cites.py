"""Upstream sources the personality modules cite, at the snapshots the replies were read from.

One place for the repository snapshots (``owner/repo:path@commit``) and issue threads that
several families quote, so each family's ``SOURCES`` names exactly what its strings come
from.  Commits are the snapshots the values were read at (abbreviated where the project
history gives no longer form).
"""

from __future__ import annotations

RECOG_COMMIT = "14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5"
NMAP_COMMIT = "db4aefdd"


def recog(name: str) -> str:
    """A Rapid7 Recog fingerprint file, whose ``<example>`` strings are real replies."""
    return f"rapid7/recog:xml/{name}.xml@{RECOG_COMMIT}"


def nmap_probes(lines: str) -> str:
    """nmap's service probe match lines (their patterns are written from real banners)."""
    return f"nmap/nmap:nmap-service-probes@{NMAP_COMMIT} (lines {lines})"


def librenms(*names: str) -> str:
    """LibreNMS SNMP test recordings (snmprec files of real devices)."""
    files = ", ".join(f"tests/snmpsim/{n}.snmprec" for n in names)
    copy = "subrataghosh24online-coder/twentyfouronline@9c1ba646"
    return f"librenms/librenms:{files} (read from its full copy {copy})"


def gh(path: str) -> str:
    """A GitHub issue or pull request thread (``owner/repo/issues/N``)."""
    return f"https://github.com/{path}"


NMAP_MACS = f"nmap/nmap:nmap-mac-prefixes@{NMAP_COMMIT} (IEEE registrants of the OUIs)"
NMAP_ACCOUNTS = f"nmap/nmap:nselib/data/http-default-accounts-fingerprints.lua@{NMAP_COMMIT}"
HIK_NEXT = "maciej-or/hikvision_next:tests/fixtures@f6dac0dabb26281cf6e287181621ffbead573ce9"
HAICAM = (
    "Haicam/Haicam:golang/libs/onvif/haicam_test/discoverytest.go"
    "@e7c5c1875eb133c6b3baaa4247e7e1bb26a4140a"
)
ROLLER = "rroller/dahua:custom_components/dahua/client.py@c2b8b41c98856af457721f2523bd6a2f37588b15"
INGRAM = "jorhelp/Ingram:Ingram/rules.csv@c5258e0d, jorhelp/Ingram:Ingram/pocs@c5258e0d"
CAMIO = "CamioCam/rtsp:cameras/paths.csv@0afd84da"
SANSATART = "sansatart/scrapts:shodan-favicon-hashes.csv@a1ce8b8b"
WHATWEB = "urbanadventurer/WhatWeb:plugins@660f0f46"
COGINI = "cogini/onvif:test/data/discovery (recorded ProbeMatches)"
GO2RTC_ONVIF = "https://github.com/AlexxIT/go2rtc/blob/HEAD/internal/onvif/README.md"
GO2RTC_DVRIP = "https://github.com/AlexxIT/go2rtc/blob/HEAD/internal/dvrip/README.md"
SADP_CAPTURES = (
    f"{HAICAM}; https://www.itread01.com/content/1544974924.html; "
    "https://www.mhzhuji.com/zhuji_info_958/; https://553668.com/manong/259645.html"
)
