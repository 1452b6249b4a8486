"""The ONVIF follow-up reads device service URLs with the one WS-Discovery parser: whole,
cut off or oddly prefixed replies give what is readable, garbage gives nothing."""

from __future__ import annotations

import pytest

from camscan.discovery.onvif import xaddrs

WHOLE = (
    b'<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Body><d:ProbeMatches>'
    b"<d:ProbeMatch><d:XAddrs>http://192.0.2.5/onvif/device_service "
    b"http://[fe80::1]/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches>"
    b"</s:Body></s:Envelope>"
)


@pytest.mark.parametrize(
    ("raw", "urls"),
    [
        (WHOLE, ["http://192.0.2.5/onvif/device_service", "http://[fe80::1]/onvif/device_service"]),
        # a datagram cut inside the second URL: the whole first one is kept, the half one not
        (WHOLE[:260], ["http://192.0.2.5/onvif/device_service"]),
        # an undeclared prefix, as some firmware sends it
        (WHOLE.replace(b' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"', b""),
         ["http://192.0.2.5/onvif/device_service", "http://[fe80::1]/onvif/device_service"]),
        (b"\x00\xffnot xml", []),
    ],
    ids=["whole", "cut-off", "undeclared-prefix", "garbage"],
)  # fmt: skip
def test_device_service_urls(raw: bytes, urls: list[str]) -> None:
    assert xaddrs(raw) == urls
