"""Limits and defaults, typed and in one place."""

from __future__ import annotations

from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """camscan's data directory: the inventory and updated vulnerability data live here
    (``$XDG_DATA_HOME/camscan``, else ``~/.local/share/camscan`` on Linux)."""
    return Path(platformdirs.user_data_dir("camscan", appauthor=False))


# The largest reply kept verbatim from one probe; the rest is dropped and the
# truncation recorded on the observation.
MAX_OBSERVATION_BYTES = 64 * 1024

# Camera ports swept by default (issue #4's list, vendor SDK ports included, plus the
# UniFi Video NVR's web/TLS/RTSP ports 7080, 7443, 7447).
DEFAULT_PORTS: tuple[int, ...] = (
    80,
    81,
    88,
    443,
    554,
    5000,
    7001,
    7080,
    7443,
    7447,
    8000,
    8080,
    8443,
    8554,
    8899,
    9000,
    10554,
    34567,
    37777,
)

# What a camera port is, for people reading `camscan show` and reports.  Sources:
# 8000 Hikvision SDK "DEV_MANAGE" port: https://github.com/maciej-or/hikvision_next/issues/67
# (a DS-7608NI NVR's port list) and nmap/nmap:nmap-service-probes ("Hikvision IPCam control
# port"); 37777 Dahua's private SDK port: https://github.com/rroller/dahua/issues/6;
# 34567 Xiongmai DVR-IP ("Sofia"): AlexxIT/go2rtc:internal/dvrip/README.md; 7447 UniFi
# Video RTSP(S): https://help.ui.com/hc/en-us/articles/217875218 (UniFi Video ports);
# 8899 Xiongmai ONVIF: jorhelp/Ingram:Ingram/pocs/xiongmai-bypass.py; 9000 Reolink
# "Baichuan" media/control: QuantumEntangledAndy/neolink:README.md.
PORT_NAMES: dict[int, str] = {
    21: "FTP",
    22: "SSH",
    23: "Telnet",
    80: "HTTP",
    443: "HTTPS",
    554: "RTSP",
    7080: "UniFi Video HTTP",
    7443: "UniFi Video HTTPS",
    7447: "UniFi Video RTSP",
    8000: "Hikvision SDK port (DEV_MANAGE)",
    8554: "RTSP (alternate)",
    8899: "ONVIF (Xiongmai)",
    9000: "Reolink media port (Baichuan)",
    10554: "RTSP (alternate)",
    34567: "Xiongmai DVR-IP (Sofia)",
    37777: "Dahua SDK port",
}
