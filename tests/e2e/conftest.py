"""One real scan of the simulated site, shared by the end-to-end tests.

The scan runs as a user would run it: the camscan CLI in a subprocess inside the lab's
scanner namespace, writing a real SQLite file.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["10.77.0.0/22", "10.77.8.0/24"]


@dataclass
class LabScan:
    db: Path
    truth: list[dict[str, Any]]
    devices: list[dict[str, Any]]
    summary: dict[str, Any]
    stderr: str

    def camscan(self, lab: Any, *args: str, timeout: float = 120) -> Any:
        return lab.run(
            [sys.executable, "-m", "camscan", "--db", str(self.db), *args], timeout=timeout
        )

    @property
    def by_ip(self) -> dict[str, dict[str, Any]]:
        return {d["ip"]: d for d in self.devices}


def scan_lab(lab: Any, db: Path, truth: list[dict[str, Any]] | None = None) -> LabScan:
    """A whole scan of the lab's two segments into ``db``, and the devices it lists."""
    env = {**os.environ, "CAMSCAN_TEST_ONVIF_PASSWORD": lab.onvif_password}
    proc = lab.run(
        [
            sys.executable,
            "-m",
            "camscan",
            "--db",
            str(db),
            "scan",
            *TARGETS,
            "--site",
            "lab",
            "--onvif-user",
            lab.onvif_user,
            "--onvif-password-env",
            "CAMSCAN_TEST_ONVIF_PASSWORD",
            "--json",
        ],
        timeout=600,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    out = lab.run(
        [sys.executable, "-m", "camscan", "--db", str(db), "devices", "--format", "json"],
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return LabScan(
        db=db,
        truth=list(lab.truth if truth is None else truth),
        devices=json.loads(out.stdout),
        summary=summary,
        stderr=proc.stderr,
    )


@pytest.fixture(scope="session")
def lab_scan(lab: Any, tmp_path_factory: pytest.TempPathFactory) -> LabScan:
    return scan_lab(lab, tmp_path_factory.mktemp("e2e") / "lab.db")
