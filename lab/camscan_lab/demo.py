"""`make demo` (``python -m camscan_lab.demo``): build the simulated site, scan it, print
the inventory, write the report.

Runs the real CLI as a user would, in the lab's scanner namespace, and always removes the
lab afterwards.  Output goes to ./demo-output/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

OUT = Path("demo-output")
CAMSCAN = [sys.executable, "-m", "camscan"]
LAB = [sys.executable, "-m", "camscan_lab"]
DEVICES = int(os.environ.get("CAMSCAN_DEMO_DEVICES", "120"))


def step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m", flush=True)


def sh(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=True, text=True, **kw)  # type: ignore[call-overload, no-any-return]


def main() -> int:
    if os.geteuid() != 0:
        print(
            "make demo builds network namespaces and needs root: run it as root or with sudo",
            file=sys.stderr,
        )
        return 2
    OUT.mkdir(exist_ok=True)
    db = OUT / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    truth = OUT / "truth.json"
    report = (OUT / "site-report.html").resolve()
    base = [*CAMSCAN, "--db", str(db)]
    sh([*LAB, "down"], stdout=subprocess.DEVNULL)
    try:
        step(f"Building a simulated school network: {DEVICES} hosts on two segments")
        sh([*LAB, "up", "--devices", str(DEVICES), "--seed", "7", "--truth", str(truth)])
        status = json.loads(sh([*LAB, "status", "--json"], stdout=subprocess.PIPE).stdout)
        env = {**os.environ, "CAMSCAN_ONVIF_PASSWORD": status["onvif_password"]}
        step("Scanning it from the scanner's namespace (camscan scan)")
        t0 = time.monotonic()
        sh(
            [
                *LAB,
                "run",
                "--",
                *base,
                "scan",
                "10.77.0.0/22",
                "10.77.8.0/24",
                "--site",
                "Demo school",
                "--onvif-user",
                status["onvif_user"],
                "--onvif-password-env",
                "CAMSCAN_ONVIF_PASSWORD",
            ],
            env=env,
        )
        print(f"(scan took {time.monotonic() - t0:.1f} s)")
        step("The inventory: cameras, NVRs and DVRs, brand shown vs who made them")
        sh([*base, "devices", "--cameras"])
        step("Replacement plan for a budget of 20,000")
        sh([*base, "plan", "--budget", "20000"])
        step("Site report")
        sh([*base, "report", "--output", str(report), "--client", "Demo school"])
        _accuracy(truth, base)
        _first_looks(base, report)
    finally:
        step("Removing the simulated site")
        subprocess.run([*LAB, "down"], check=False)
    print(f"\nHTML site report: {report}")
    return 0


def _first_looks(base: list[str], report: Path) -> None:
    """What each of camscan's users would look at first (docs/for-*.md)."""
    devices = json.loads(sh([*base, "devices", "--format", "json"], stdout=subprocess.PIPE).stdout)
    p1 = [d for d in devices if d.get("band") == "P1"]
    plan = json.loads(
        sh([*base, "plan", "--budget", "20000", "--format", "json"], stdout=subprocess.PIPE).stdout
    )
    cur = plan["currency"]
    white = sum(1 for d in devices if d.get("white_label"))
    step("What to look at first")
    print(
        f"IT team (docs/for-it-teams.md): `camscan devices --band P1` lists the {len(p1)} "
        f"devices to replace now; {white} of the cameras carry another maker's brand "
        "(`camscan devices --white-label`)."
    )
    print(
        f"Facilities (docs/for-facilities.md): `camscan plan --budget 20000` needs "
        f"{cur} {plan['needed']:,.0f}, funds {cur} {plan['funded']:,.0f} in "
        f"{len(plan['phases'])} phases, leaves {cur} {plan['total_unfunded']:,.0f} unfunded "
        "(unit costs are placeholders until you give --costs)."
    )
    example = p1[0]["ip"] if p1 else (devices[0]["ip"] if devices else "<ip>")
    print(
        f"Consultant (docs/for-consultants.md): page 1 of {report.name} is the executive "
        f"summary; `camscan show {example}` gives one device's evidence, byte for byte."
    )


def _accuracy(truth_path: Path, base: list[str]) -> None:
    truth = {h["ip"]: h for h in json.loads(truth_path.read_text())}
    found = {
        d["ip"]: d
        for d in json.loads(
            sh([*base, "devices", "--format", "json"], stdout=subprocess.PIPE).stdout
        )
    }
    cams = [h for h in truth.values() if h["is_camera"]]
    right = sum(1 for h in cams if found.get(h["ip"], {}).get("manufacturer") == h["manufacturer"])
    false_cams = sum(
        1 for ip, h in truth.items() if not h["is_camera"] and found.get(ip, {}).get("is_camera")
    )
    step("Against the simulated site's ground truth")
    print(
        f"cameras/NVRs/DVRs in the site: {len(cams)}; maker identified correctly: {right}; "
        f"ordinary hosts wrongly called cameras: {false_cams}"
    )


if __name__ == "__main__":
    sys.exit(main())
