"""The exposure summary of a device: which risky services its evidence shows (telnet, a
vendor SDK port, a web UI only over plain HTTP, UPnP, RTSP or ONVIF without credentials,
never activated), judged here from what the fingerprint engine read
(:class:`~camscan.fingerprint.verdict.ServiceFacts`) and weighed by the policy's
``[factors.exposure]`` (camscan/scoring/score.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the type only: scoring loads no fingerprint engine
    from camscan.fingerprint.verdict import ServiceFacts

__all__ = ["SDK_PORTS", "TELNET_PORT", "exposure_of"]

# Vendor SDK ports (docs/scoring.md, "exposure"): Hikvision's control port 8000
# (nmap/nmap:nmap-service-probes@db4aefddfa348ec815ffa83a109c97e05db88766 line 1821), Dahua's
# private protocol on 37777 (https://github.com/rroller/dahua/issues/6) and Xiongmai's
# DVR-IP "Sofia" on 34567 (AlexxIT/go2rtc:internal/dvrip/README.md).
SDK_PORTS = (8000, 37777, 34567)
TELNET_PORT = 23


def exposure_of(facts: ServiceFacts) -> dict[str, Any]:
    """The exposure summary stored with a verdict (docs/json-output.md, ``exposure``)."""
    ports = set(facts.open_ports)
    return {
        "open_ports": sorted(ports),
        "telnet": TELNET_PORT in ports,
        "sdk_ports": sorted(p for p in SDK_PORTS if p in ports),
        "http_plain_only": facts.http_plain and not facts.http_tls,
        "upnp": facts.upnp,
        "rtsp_no_auth": facts.rtsp_200_describe,
        "onvif_no_auth": facts.onvif_no_auth,
        "activated": facts.activated,
        "firmware_date": facts.firmware_date,
    }
