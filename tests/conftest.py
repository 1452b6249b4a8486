"""The simulated site for tests that need one: one lab per test session, always removed.

The ``lab`` fixture holds /tmp/camscan-lab.lock for the whole session (the team rule: one
lab per machine), brings a lab up with ``$CAMSCAN_TEST_LAB_DEVICES`` hosts (default 250),
seed 7, the default mix and a ground-truth file, and runs ``down`` at the end whatever
happened.  Where namespaces cannot be made (not root) it skips with the reason, except
under CI (``$CI`` set), where that is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sample_site

from camscan.errors import LabError
from camscan_lab import site

LOCK_WAIT = 900.0  # another lab user (a bench, another test run) may hold the lock


@dataclass
class Lab:
    """A running lab as tests see it."""

    state: dict[str, Any]
    truth: list[dict[str, Any]]
    truth_path: Path
    devices: int

    @property
    def onvif_user(self) -> str:
        return str(self.state["onvif_user"])

    @property
    def onvif_password(self) -> str:
        return str(self.state["onvif_password"])

    @property
    def scanner_netns(self) -> str:
        return str(self.state["scanner_netns"])

    def run(
        self, cmd: Sequence[str], timeout: float = 120, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``cmd`` in the scanner's namespace, output captured as text."""
        return site.run(cmd, capture=True, timeout=timeout, env=env)

    def restart(self) -> None:
        """Bring the same lab up again (after a test took it down); state updated in place."""
        site.down()
        state = site.up(devices=self.devices, seed=7, mix="default", truth=self.truth_path)
        self.state.clear()
        self.state.update(state)
        self.truth[:] = json.loads(self.truth_path.read_text())


def lab_unavailable() -> str | None:
    """Why this machine cannot host a lab, or None."""
    try:
        site.check_prerequisites()
    except LabError as err:
        return str(err)
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the lab is required under CI: {reason}")
    pytest.skip(f"no lab here: {reason}")


@pytest.fixture(scope="session")
def lab_lock() -> Iterator[None]:
    """The machine's lab lock for the rest of the session (taken once, waited for)."""
    reason = lab_unavailable()
    if reason:
        skip_or_fail(reason)
    try:
        with site.lab_lock(wait=LOCK_WAIT, wait_for_lab=True):
            yield
    except LabError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def lab(lab_lock: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A lab of ``$CAMSCAN_TEST_LAB_DEVICES`` hosts (default 250), seed 7, default mix."""
    devices = int(os.environ.get("CAMSCAN_TEST_LAB_DEVICES", "250"))
    truth_path = tmp_path_factory.mktemp("lab") / "truth.json"
    site.down()  # a lab left behind by a crashed run
    try:
        state = site.up(devices=devices, seed=7, mix="default", truth=truth_path)
        truth = json.loads(truth_path.read_text())
        yield Lab(state=state, truth=truth, truth_path=truth_path, devices=devices)
    finally:
        site.down()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses a lab carries the ``lab`` marker (``-m "not lab"`` skips them)."""
    for item in items:
        if {"lab", "lab_lock"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lab)


@pytest.fixture
def scored_site(tmp_path: Path) -> Iterator[sample_site.Site]:
    """The sample site (two scans, a hostile device) in a real SQLite file, scored
    (tests/shared/sample_site.py; used by the report, CLI and docs tests)."""
    from camscan.app.scores import rescore

    s = sample_site.build(tmp_path / "inventory.db")
    rescore(s.inv, today=sample_site.TODAY)
    yield s
    s.inv.close()


@pytest.fixture(autouse=True, scope="session")
def _private_spool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Scans run by the tests (in process or as `camscan` subprocesses) spool into a
    folder of the run, not the data directory of whoever runs the suite."""
    before = os.environ.get("CAMSCAN_SPOOL_DIR")
    os.environ["CAMSCAN_SPOOL_DIR"] = str(tmp_path_factory.mktemp("spool"))
    yield
    if before is None:
        os.environ.pop("CAMSCAN_SPOOL_DIR", None)
    else:
        os.environ["CAMSCAN_SPOOL_DIR"] = before
