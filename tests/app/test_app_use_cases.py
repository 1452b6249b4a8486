"""The application layer's use cases on a real SQLite inventory: reidentify stores a new
verdict over the stored evidence (and says what changed), keeps the probes' failures, runs
the identify function it is given, and refuses an unknown site; the CLI passes the
environment (CAMSCAN_FINGERPRINTS) to the library, which reads none itself."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from click.testing import CliRunner

from camscan.app.identify import EvidenceDocument, identify_document
from camscan.app.reidentify import reidentify
from camscan.cli import cli
from camscan.errors import FingerprintDataError, UsageError
from camscan.fingerprint import default_directory, load_engine
from camscan.fingerprint.corpus import load_corpus
from camscan.fingerprint.verdict import Verdict
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory, open_inventory
from camscan.observations import Observation

IP = "10.31.0.7"
# The SADP ProbeMatch of a Hikvision DS-2CD2385G1-I (corpus/hikvision.yaml, a public capture).
SADP = next(d for d in load_corpus() if d.id == "hikvision-sadp-ds-2cd2385g1-i")
SADP_RAW = str(SADP.document["sadp"][0]["raw"]).encode("utf-8")


@pytest.fixture
def inv(tmp_path: Path) -> Inventory:
    """One host stored with a verdict its evidence does not support (a stale rule set's)."""
    inv = open_inventory(str(tmp_path / "inv.db"))
    obs = [
        Observation(probe="sadp", ip=IP, port=37020, raw=SADP_RAW),
        Observation(probe="rtsp", ip=IP, port=554, error="OPTIONS: no reply (no data for 2 s)"),
    ]
    stale = Verdict(is_camera=False, device_type="unknown", manufacturer="Nobody")
    sid = repo.start_scan(inv, "Depot", {"cidrs": ["10.31.0.0/24"]}, {})
    repo.record_host(inv, sid, IP, None, obs, stale)
    repo.finish_scan(inv, sid, "complete", 1)
    return inv


def test_reidentify_stores_the_engines_verdict_and_counts_the_change(inv: Inventory) -> None:
    identify = functools.partial(identify_document, load_engine())
    done = reidentify(inv, identify)
    assert (done.devices, done.changed) == (1, 1)
    (dev,) = queries.list_devices(inv)
    assert dev.manufacturer == "Hikvision" and dev.model == SADP.expect["model"]
    assert dev.is_camera is True and dev.exposure and dev.exposure["activated"] is True
    # the probe that failed is still on the verdict, as a scan would have kept it
    assert {"probe": "rtsp", "port": 554, "error": "OPTIONS: no reply (no data for 2 s)"} in (
        dev.errors or []
    )
    history = queries.device_detail(inv, str(dev.id)).history
    assert ("manufacturer", "Nobody", "Hikvision") in [
        (h["field"], h["old"], h["new"]) for h in history
    ]
    again = reidentify(inv, identify)
    assert (again.devices, again.changed) == (1, 0)  # the same evidence, the same verdict


def test_reidentify_runs_the_function_it_is_given(inv: Inventory) -> None:
    seen: list[EvidenceDocument] = []

    def identify(doc: EvidenceDocument) -> Verdict:
        seen.append(doc)
        return Verdict(is_camera=True, device_type="nvr", manufacturer="Dahua", model="NVR-X")

    assert reidentify(inv, identify, site="depot").changed == 1  # the site's name, case ignored
    assert [d.get("ip") for d in seen] == [IP] and "sadp" in seen[0]
    (dev,) = queries.list_devices(inv)
    assert (dev.manufacturer, dev.device_type, dev.model) == ("Dahua", "nvr", "NVR-X")


def test_reidentify_of_an_unknown_site_names_the_sites(inv: Inventory) -> None:
    with pytest.raises(UsageError, match=r"no site 'Yard'.*'Depot'"):
        reidentify(inv, functools.partial(identify_document, load_engine()), site="Yard")


def test_the_cli_passes_camscan_fingerprints_the_library_reads_no_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-rules"
    empty.mkdir()
    monkeypatch.setenv("CAMSCAN_FINGERPRINTS", str(empty))
    assert default_directory() != empty  # the library: the rules shipped in the package
    assert load_engine().ruleset.rules  # and loads them
    with pytest.raises(FingerprintDataError):
        load_engine(empty)
    r = CliRunner().invoke(cli, ["fingerprints"])
    assert r.exit_code != 0 and str(empty) in r.output  # the CLI: the directory it was given
    monkeypatch.delenv("CAMSCAN_FINGERPRINTS")
    r = CliRunner().invoke(cli, ["fingerprints"])
    assert r.exit_code == 0 and "Hikvision" in r.output
