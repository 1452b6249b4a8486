"""Vulnerability data: the shipped file, matching, and offline/online updates."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sample_site import device_record as record
from sample_site import verdict

from camscan.errors import UsageError
from camscan.inventory.records import DeviceRecord
from camscan.scoring.vulns import fetch, load_vulns, match_device, update_from_file

KEV_FEED = {
    "title": "CISA Catalog of Known Exploited Vulnerabilities",
    "catalogVersion": "2026.11.20",
    "dateReleased": "2026-11-20T14:00:00.000Z",
    "count": 3,
    "vulnerabilities": [
        {  # already known: keeps camscan's model/firmware rules
            "cveID": "CVE-2021-36260",
            "vendorProject": "Hikvision",
            "product": "Hikvision Products",
            "vulnerabilityName": "Hikvision Improper Input Validation",
            "dateAdded": "2022-01-10",
            "shortDescription": "Command injection in the web server.",
            "requiredAction": "Apply updates per vendor instructions.",
            "notes": "",
        },
        {  # new camera entry
            "cveID": "CVE-2026-99901",
            "vendorProject": "Uniview",
            "product": "IP Cameras",
            "vulnerabilityName": "Uniview IP Camera Authentication Bypass",
            "dateAdded": "2026-11-18",
            "shortDescription": "Authentication bypass in Uniview IP cameras.",
            "requiredAction": "The impacted product is end-of-life; users should discontinue use.",
            "notes": "https://example.invalid/advisory",
        },
        {  # not a camera maker: left out
            "cveID": "CVE-2026-99902",
            "vendorProject": "Microsoft",
            "product": "Windows",
            "vulnerabilityName": "Windows bug",
            "dateAdded": "2026-11-18",
            "shortDescription": "Not a camera.",
            "requiredAction": "Patch.",
            "notes": "",
        },
    ],
}


def device(**kw: Any) -> DeviceRecord:
    return record(**verdict(**kw))


def test_shipped_data_is_dated_and_sourced() -> None:
    data = load_vulns()
    assert data.data_date == "2026-08-22" and data.kev_catalog_version == "2026.08.21"
    assert any("cisagov/kev-data" in s["ref"] for s in data.sources)
    kev = [v for v in data.entries if v.kev]
    assert len(kev) == 21
    assert all(v.source and v.summary and v.kev_date_added for v in kev)
    cves = {v.cve for v in data.entries}
    assert {"CVE-2021-36260", "CVE-2017-7921", "CVE-2021-33044", "CVE-2022-28171"} <= cves


def test_matching_statuses() -> None:
    data = load_vulns()

    def status(dev: dict[str, Any], cve: str) -> str | None:
        return next((m.status for m in match_device(dev, data) if m.vuln.cve == cve), None)

    hik = {"manufacturer": "Hikvision", "model": "DS-2CD2042WD-I"}
    assert status(device(**hik, firmware="V5.4.0 build 160530"), "CVE-2021-36260") == "affected"
    assert status(device(**hik, firmware="V5.7.1 build 220101"), "CVE-2021-36260") == (
        "not_affected"
    )
    assert status(device(**hik), "CVE-2021-36260") == "possible"
    # an NVR is not in CVE-2021-36260's device types
    assert status(device(**hik, device_type="nvr"), "CVE-2021-36260") is None
    # another maker never matches
    assert status(device(manufacturer="Axis", model="DS-2CD2042WD-I"), "CVE-2021-36260") is None
    # model pattern: a D-Link camera of another model is not matched
    assert status(device(manufacturer="D-Link", model="DCS-8000LH"), "CVE-2016-11021") is None
    assert status(device(manufacturer="D-Link", model="DCS-930L"), "CVE-2016-11021") == "affected"
    # unknown model where the entry names models: possible
    assert status(device(manufacturer="D-Link"), "CVE-2016-11021") == "possible"
    # an evidence token decides CVE-2018-10088 (uc-httpd 1.0.0 in the Server header)
    xm_ev = [{"source": "http", "field": "http.server", "value": "uc-httpd 1.0.0"}]
    assert status(device(manufacturer="Xiongmai", evidence=xm_ev), "CVE-2018-10088") == "affected"
    assert status(device(manufacturer="Xiongmai"), "CVE-2018-10088") is None


def test_update_from_a_kev_catalog_file(tmp_path: Path, private_vulns: Path) -> None:
    feed = tmp_path / "known_exploited_vulnerabilities.json"
    feed.write_text(json.dumps(KEV_FEED), encoding="utf-8")
    result = update_from_file(feed, target=private_vulns)
    assert result["added"] == 1 and result["path"] == str(private_vulns)
    data = load_vulns(user_copy=private_vulns)
    assert data.path == str(private_vulns)
    assert data.data_date == "2026-11-20" and data.kev_catalog_version == "2026.11.20"
    new = next(v for v in data.entries if v.cve == "CVE-2026-99901")
    assert new.kev and new.eol and new.certainty == "possible"
    assert "CVE-2026-99902" not in {v.cve for v in data.entries}
    # the known entry kept its build-date rule
    old = next(v for v in data.entries if v.cve == "CVE-2021-36260")
    assert old.ranges and old.ranges[0].built_before == "2021-06-28"
    uniview = device(manufacturer="Uniview", model="IPC2122LR3-PF40")
    assert [m.status for m in match_device(uniview, data) if m.vuln.cve == "CVE-2026-99901"] == [
        "possible"
    ]


def test_update_from_cve_json5_records(tmp_path: Path) -> None:
    record = {
        "dataType": "CVE_RECORD",
        "dataVersion": "5.1",
        "cveMetadata": {"cveId": "CVE-2026-99903", "state": "PUBLISHED"},
        "containers": {
            "cna": {
                "affected": [
                    {
                        "vendor": "Milesight",
                        "product": "IP cameras",
                        "versions": [
                            {"version": "0", "lessThan": "45.8.0.3", "status": "affected"}
                        ],
                    }
                ],
                "descriptions": [{"lang": "en", "value": "A critical flaw."}],
                "metrics": [{"cvssV3_1": {"baseScore": 9.8}}],
            }
        },
    }
    f = tmp_path / "cves.json"
    f.write_text(json.dumps([record]), encoding="utf-8")
    assert update_from_file(f)["added"] == 1
    v = next(v for v in load_vulns().entries if v.cve == "CVE-2026-99903")
    assert v.cvss == 9.8 and not v.kev and v.ranges[0].fixed == "45.8.0.3"
    old = device(manufacturer="Milesight", model="MS-C2964", firmware="45.7.0.1")
    new = device(manufacturer="Milesight", model="MS-C2964", firmware="45.8.0.3")
    data = load_vulns()
    assert [m.status for m in match_device(old, data)] == ["possible"]
    assert [m.status for m in match_device(new, data)] == ["not_affected"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [("not json", "is not JSON"), ('{"hello": 1}', "neither a CISA KEV catalog")],
)
def test_update_rejects_other_files(tmp_path: Path, content: str, needle: str) -> None:
    f = tmp_path / "x.json"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=needle):
        update_from_file(f)


def test_broken_user_copy_is_a_clear_error(private_vulns: Path) -> None:
    private_vulns.write_text('{"format": "camscan-vulns/1", "entries": 5}', encoding="utf-8")
    with pytest.raises(UsageError, match="'entries' must be a list"):
        load_vulns(user_copy=private_vulns)


class _Feed(BaseHTTPRequestHandler):
    body = json.dumps(KEV_FEED).encode()

    def do_GET(self) -> None:
        if self.path != "/feed.json":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_over_http_on_loopback(feed_server: str) -> None:
    assert fetch(f"{feed_server}/feed.json", timeout=10)["catalogVersion"] == "2026.11.20"
    with pytest.raises(UsageError, match="--from FILE"):
        fetch(f"{feed_server}/missing.json", timeout=10)
