"""A host seen only by its MAC (it answered ARP and nothing else, or was heard passively).

The IEEE registrant of Hikvision's and Dahua's blocks sells video-surveillance equipment, so
their MAC alone makes a "plausible, confirm" camera at 0.5 (docs/fingerprints.md,
"Confidence"); any medium evidence that the host is something else outweighs it, and other
registrants' MACs still say nothing about the device type.
"""

from __future__ import annotations

from typing import Any

import pytest

from camscan.fingerprint import load_engine

ENGINE = load_engine()

# Printer page header (rapid7/recog:xml/http_servers.xml@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5).
PRINTER = "HTTP/1.1 200 OK\r\nServer: HP HTTP Server; HP Officejet 6500 E709n\r\n\r\n"


def mac_only(mac: str) -> dict[str, Any]:
    return {"ip": "10.0.0.64", "mac": mac}


@pytest.mark.parametrize(
    ("mac", "maker"),
    [("bc:ad:28:87:d5:30", "Hikvision"), ("3c:ef:8c:00:00:01", "Dahua")],
)
def test_surveillance_registrant_alone_is_a_plausible_camera(mac: str, maker: str) -> None:
    v = ENGINE.identify(mac_only(mac))
    assert (v.is_camera, v.device_type, v.manufacturer) == (True, "camera", maker)
    assert v.confidence == 0.5  # "plausible; confirm before acting on it"


def test_medium_not_camera_evidence_outweighs_the_mac() -> None:
    doc = mac_only("bc:ad:28:87:d5:30")
    doc["open_ports"] = [80]
    doc["http"] = [{"port": 80, "tls": False, "path": "/", "raw": PRINTER}]
    v = ENGINE.identify(doc)
    assert v.device_type == "not_camera" and not v.is_camera


@pytest.mark.parametrize("mac", ["00:40:8c:00:00:01", "b8:a4:4f:00:00:01", "f0:1f:af:00:00:01"])
def test_other_registrants_say_nothing_about_the_type(mac: str) -> None:
    # Axis (door stations, speakers share its blocks), Axis' newer block, Dell: no type.
    v = ENGINE.identify(mac_only(mac))
    assert v.device_type == "unknown" and not v.is_camera
