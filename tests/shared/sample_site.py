"""A realistic small site built through the repository, as a scan would store it.

Two complete scans of 10.20.0.0/24 ("North school"): the second sees one camera move to a new
address, one get new firmware, one new camera and one camera missing.  Verdicts carry the
fields the fingerprint engine produces (brand shown vs maker, evidence, exposure).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from camscan.fingerprint.verdict import Verdict
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory, open_inventory
from camscan.inventory.records import DeviceRecord
from camscan.observations import Observation
from camscan.scope.targets import Scope, parse_target

TODAY = date(2026, 11, 25)  # the scoring date of the tests (firmware ages)
HOSTILE_MODEL = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"
SITE = "North school"
CIDR = "10.20.0.0/24"


def exposure(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "open_ports": [80],
        "telnet": False,
        "sdk_ports": [],
        "http_plain_only": False,
        "upnp": False,
        "rtsp_no_auth": False,
        "onvif_no_auth": False,
        "activated": None,
        "firmware_date": None,
    }
    base.update(kw)
    return base


def verdict(**kw: Any) -> dict[str, Any]:
    """A verdict dict as camscan.fingerprint produces it."""
    v: dict[str, Any] = {
        "is_camera": True,
        "device_type": "camera",
        "brand": None,
        "manufacturer": None,
        "white_label": False,
        "model": None,
        "firmware": None,
        "serial": None,
        "confidence": 0.9,
        "evidence": [],
        "errors": [],
        "conflicts": [],
        "endpoint_reference": None,
        "mac": None,
        "mac_vendor": None,
        "exposure": exposure(),
    }
    v.update(kw)
    if v["brand"] is None:
        v["brand"] = v["manufacturer"]
    v["white_label"] = bool(
        v["brand"] and v["manufacturer"] and v["brand"].lower() != v["manufacturer"].lower()
    )
    return v


def device_record(**kw: Any) -> DeviceRecord:
    """A device record as camscan.inventory.queries returns it: ``kw`` over an unscored
    record of device 1 at site "s" (a verdict dict's keys that a record lacks are ignored)."""
    fields = dataclasses.fields(DeviceRecord)
    values: dict[str, Any] = {f.name: None for f in fields}
    values.update(id=1, ip="10.0.0.1", site="s", is_camera=False, device_type="unknown")
    values.update(white_label=False, confidence=0.0, score_factors=[])
    values.update((k, v) for k, v in kw.items() if k in values)
    return DeviceRecord(**values)


def http_reply(ip: str, port: int, server: str, title: str = "") -> Observation:
    body = f"<html><head><title>{title}</title></head></html>".encode()
    raw = (
        f"HTTP/1.1 200 OK\r\nServer: {server}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    return Observation(probe="http", ip=ip, port=port, raw=raw, meta={"path": "/", "tls": False})


def tcp_open(ip: str, port: int) -> Observation:
    return Observation(probe="tcp", ip=ip, port=port, meta={"open": True})


@dataclass
class Host:
    key: str
    ip: str
    mac: str
    verdict: dict[str, Any]
    observations: list[Observation]


def hosts() -> list[Host]:
    """The first scan's hosts."""
    hik_ev = [
        {
            "source": "http",
            "field": "http.server",
            "value": "App-webs/",
            "strength": 0.9,
            "asserts": {"manufacturer": "Hikvision", "device_type": "camera"},
        },
        {
            "source": "sadp",
            "field": "sadp.DeviceDescription",
            "value": "DS-2CD2042WD-I",
            "strength": 0.95,
            "asserts": {"model": "DS-2CD2042WD-I"},
        },
    ]
    return [
        Host(
            "hik_old",
            "10.20.0.11",
            "c0:56:e3:00:00:11",
            verdict(
                manufacturer="Hikvision",
                model="DS-2CD2042WD-I",
                firmware="V5.4.0 build 160530",
                serial="DS-2CD2042WD-I20160601AAWR111111111",
                evidence=hik_ev,
                exposure=exposure(
                    open_ports=[80, 554, 8000],
                    sdk_ports=[8000],
                    http_plain_only=True,
                    activated=True,
                    firmware_date="2016-05-30",
                ),
            ),
            [
                http_reply("10.20.0.11", 80, "App-webs/", "index"),
                tcp_open("10.20.0.11", 8000),
            ],
        ),
        Host(
            "annke",
            "10.20.0.12",
            "c0:56:e3:00:00:12",
            verdict(
                manufacturer="Hikvision",
                brand="Annke",
                model="I91BM",
                firmware="V5.7.3 build 220112",
                evidence=[
                    {
                        "source": "http",
                        "field": "isapi.manufacturer",
                        "value": "Annke",
                        "strength": 0.8,
                        "asserts": {"brand": "Annke"},
                    }
                ],
                exposure=exposure(
                    open_ports=[80, 443, 8000], sdk_ports=[8000], firmware_date="2022-01-12"
                ),
            ),
            [http_reply("10.20.0.12", 80, "webserver", "Annke")],
        ),
        Host(
            "dahua_nvr",
            "10.20.0.20",
            "3c:ef:8c:00:00:20",
            verdict(
                device_type="nvr",
                manufacturer="Dahua",
                model="DHI-NVR5216-16P-4KS2E",
                firmware="V4.001.0000000.1.R, Build Date: 2019-03-20",
                exposure=exposure(
                    open_ports=[80, 554, 37777],
                    sdk_ports=[37777],
                    http_plain_only=True,
                    rtsp_no_auth=True,
                    firmware_date="2019-03-20",
                ),
            ),
            [http_reply("10.20.0.20", 80, "", "WEB SERVICE"), tcp_open("10.20.0.20", 37777)],
        ),
        Host(
            "amcrest",
            "10.20.0.13",
            "9c:8e:cd:00:00:13",
            verdict(
                manufacturer="Dahua",
                brand="Amcrest",
                model="IP2M-841",
                firmware="2.800.00AC000.0.R.200101",
                exposure=exposure(
                    open_ports=[80, 37777], sdk_ports=[37777], firmware_date="2020-01-01"
                ),
            ),
            [http_reply("10.20.0.13", 80, "", "Amcrest")],
        ),
        Host(
            "axis",
            "10.20.0.14",
            "ac:cc:8e:00:00:14",
            verdict(
                manufacturer="Axis",
                model="P3245-LVE",
                firmware="10.12.114",
                exposure=exposure(open_ports=[443]),
            ),
            [],
        ),
        Host(
            "ptz",
            "10.20.0.15",
            "c0:56:e3:00:00:15",
            verdict(
                manufacturer="Hikvision",
                model="DS-2DE4425IW-DE",
                firmware="V5.6.15 build 210201",
                exposure=exposure(open_ports=[80, 8000], sdk_ports=[8000], activated=False),
            ),
            [],
        ),
        Host(
            "hostile",
            "10.20.0.66",
            "3c:ef:8c:00:00:66",
            verdict(
                manufacturer="Dahua",
                brand="<b>Brand</b>",
                model=HOSTILE_MODEL,
                firmware="<svg onload=alert(2)>",
                evidence=[
                    {
                        "source": "dahua_discovery",
                        "field": "dhip.deviceType",
                        "value": HOSTILE_MODEL,
                        "strength": 0.9,
                        "asserts": {"model": HOSTILE_MODEL},
                    }
                ],
                exposure=exposure(open_ports=[80, 37777], sdk_ports=[37777], telnet=True),
            ),
            [http_reply("10.20.0.66", 80, "<script>alert(3)</script>", HOSTILE_MODEL)],
        ),
        Host(
            "printer",
            "10.20.0.50",
            "3c:d9:2b:00:00:50",
            verdict(
                is_camera=False,
                device_type="not_camera",
                manufacturer="HP",
                model="LaserJet M404",
                exposure=exposure(open_ports=[80, 9100]),
            ),
            [http_reply("10.20.0.50", 80, "HP HTTP Server", "HP LaserJet")],
        ),
    ]


def _scope() -> dict[str, Any]:
    return Scope.build([parse_target(CIDR, resolve=False)]).to_dict()


OPTIONS = {"probes": ["arp", "tcp", "http", "rtsp", "onvif", "sadp"], "ports": [80, 443, 554]}


def record(inv: Inventory, scan_hosts: list[Host]) -> tuple[int, dict[str, int]]:
    scan_id = repo.start_scan(inv, SITE, _scope(), OPTIONS)
    ids = {}
    for h in scan_hosts:
        ids[h.key] = repo.record_host(
            inv, scan_id, h.ip, h.mac, h.observations, Verdict.from_dict(h.verdict)
        )
    repo.finish_scan(inv, scan_id, "complete", len(scan_hosts))
    return scan_id, ids


def second_scan_hosts() -> list[Host]:
    """The second scan: annke moved, amcrest updated, axis missing, a new Uniview camera."""
    out = []
    for h in hosts():
        if h.key == "axis":
            continue
        h = copy.deepcopy(h)
        if h.key == "annke":
            h.ip = "10.20.0.112"
        if h.key == "amcrest":
            h.verdict["firmware"] = "2.800.00AC000.0.R.210615"
            h.verdict["exposure"]["firmware_date"] = "2021-06-15"
        out.append(h)
    out.append(
        Host(
            "uniview",
            "10.20.0.30",
            "48:ea:63:00:00:30",
            verdict(manufacturer="Uniview", model="IPC2122LR3-PF40", firmware="GIPC-B6202.5.10"),
            [],
        )
    )
    return out


@dataclass
class Site:
    inv: Inventory
    path: Path
    scans: tuple[int, int]
    ids: dict[str, int]


def build(path: Path, *, two_scans: bool = True) -> Site:
    """The site in a new SQLite file; ids maps host keys to device ids."""
    inv = open_inventory(str(path))
    first, ids = record(inv, hosts())
    second = first
    if two_scans:
        second, more = record(inv, second_scan_hosts())
        ids.update(more)
    return Site(inv, path, (first, second), ids)


def cli_run(site: Site, *args: str) -> Result:
    """``camscan --db <the site's file> ARGS`` through click's test runner (exceptions
    propagate, so a traceback fails the test)."""
    from camscan.cli import cli

    return CliRunner().invoke(cli, ["--db", str(site.path), *args], catch_exceptions=False)
