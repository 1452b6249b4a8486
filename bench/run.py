"""`make bench`: camscan against nmap on the simulated site, plus scaling and engine speed.

What it does, in order, holding /tmp/camscan-lab.lock throughout and always tearing the
lab down (also on error, Ctrl-C and SIGTERM):

1. a 250-host lab (fixed seed, default mix): `camscan scan` of both segments with the default
   probes, then nmap's nearest equivalent on the same targets (host discovery, ``-sV`` on
   camscan's default TCP ports plus UDP 1900/3702, camera-relevant NSE scripts), both run
   in the lab's scanner namespace only; each scored against the lab's ground truth; then
   the fingerprint engine's throughput over the evidence camscan stored;
2. a 50-host lab: camscan over both segments, then a sweep of the whole 10.77.0.0/16
   (65,536 addresses, the lab's hosts inside);
3. a 1,000-host lab and the largest lab the address plan holds: camscan over both segments,
   with the mean requests per host of each class.

Every subprocess has a timeout, each step is capped by what is left of the 14-minute budget,
and a step that cannot run is reported as skipped with the reason.  Results are printed and
appended to docs/benchmarks.md with the date, commit and command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/run.py`
    sys.path.insert(0, str(ROOT))

from bench import engine as engine_bench  # noqa: E402
from bench.lab import CAMSCAN, BenchError, Lab, lab_lock, lab_up  # noqa: E402
from bench.measure import Measured, run_measured  # noqa: E402
from bench.metrics import Found, Score, from_device_records, score  # noqa: E402
from bench.nmap_map import attribute  # noqa: E402
from bench.nmap_xml import NmapRun, parse_nmap_xml  # noqa: E402
from bench.report import Table, append_results, fmt_mib, fmt_s, ratio  # noqa: E402
from camscan.config import DEFAULT_PORTS  # noqa: E402
from camscan_lab.population import MAX_DEVICES  # noqa: E402

SEED = 2026
TARGETS = ("10.77.0.0/22", "10.77.8.0/24")  # the lab's local and routed segments
SWEEP = "10.77.0.0/16"  # both segments inside 65,536 addresses
BUDGET_S = 14 * 60  # `make bench` must finish in 15 minutes on a 2-core machine
NMAP = "/usr/bin/nmap"
# NSE scripts that help nmap identify cameras (all in Debian's nmap 7.93):
NMAP_SCRIPTS = (
    "http-title",  # login page titles ("NETSURVEILLANCE WEB", vendor names)
    "http-server-header",  # Server: App-webs/, DNVRS-Webs, uc-httpd ...
    "http-favicon",  # nmap's favicon DB knows some DVRs
    "ssl-cert",  # certificate subject/issuer (vendor names in self-signed certs)
    "rtsp-methods",  # RTSP answering at all
    "upnp-info",  # unicast SSDP: Server, manufacturer, model
    "wsdd-discover",  # unicast WS-Discovery: ONVIF types
    "broadcast-upnp-info",  # multicast SSDP on the scanner's segment
    "broadcast-wsdd-discover",  # multicast WS-Discovery on the scanner's segment
)
NMAP_UDP_PORTS = (1900, 3702)  # for upnp-info and wsdd-discover (they need the UDP port)
# nmap timing: -T4 with one retry, so hosts that never answer (the lab's tarpits) cannot
# hold the run hostage; --host-timeout is set from the step's time cap (nmap drops every
# result of a host it gives up on, so it must be generous).
# --min-hostgroup 256: every live host of the 250-host lab in one group, so nmap's run is
# about one host's time (capped by --host-timeout, at most 180 s) instead of groups one
# after another: in two runs with a 290 s/390 s host timeout no group finished within the
# step's cap (-sV waits out every probe on ports that accept and stay silent), so nmap
# wrote no host at all.
NMAP_TIMING = (
    "-T4",
    "--max-retries",
    "1",
    "--script-timeout",
    "30s",
    "--min-hostgroup",
    "256",
)
# nmap's default is 7, but at 7 nmap did not finish the 250-host site within 480 s in three
# runs (-sV waits out each probe on the SDK ports that accept and stay silent and on the
# tarpit hosts); 2 is nmap's --version-light, the setting a user in a hurry would pick.
NMAP_VERSION_INTENSITY = 2


class Budget:
    """What is left of the bench's time budget, and per-step caps derived from it."""

    def __init__(self, total: float) -> None:
        self.start = time.monotonic()
        self.total = total

    def left(self) -> float:
        """Seconds left."""
        return self.total - (time.monotonic() - self.start)

    def cap(self, step_max: float, reserve: float = 0.0) -> float:
        """A step's timeout: at most ``step_max``, leaving ``reserve`` for later steps."""
        t = min(step_max, self.left() - reserve)
        if t < 20:
            raise BenchError(f"skipped: {self.left():.0f} s left of the {self.total:.0f} s budget")
        return t


@dataclass
class ToolResult:
    """One tool's run on the comparison lab."""

    name: str
    measured: Measured | None = None
    score: Score | None = None
    reported: int = 0  # hosts the tool listed
    note: str = ""


@dataclass
class ScaleResult:
    """One camscan run of the scaling table."""

    label: str
    addresses: int
    lab_hosts: int
    lab_up_s: float | None = None
    measured: Measured | None = None
    found: int = 0
    cameras: int = 0
    requests: dict[str, float] = field(default_factory=dict)  # class -> mean per host
    note: str = ""


@dataclass
class Results:
    """Everything one bench run measured."""

    tools: list[ToolResult] = field(default_factory=list)
    scale: list[ScaleResult] = field(default_factory=list)
    engine: engine_bench.Throughput | None = None
    engine_note: str = ""
    lab_up: dict[int, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    nmap_cmd: list[str] = field(default_factory=list)
    extra: list[Table] = field(default_factory=list)  # imports, listen, sensors, dashboard


# -- running the tools ---------------------------------------------------------------------

# Ports that speak something other than HTTP (camscan/discovery/plan.py NOT_HTTP).
REQUEST_CLASSES = ("camera", "no web port", "other")


def requests_per_class(db: Path, truth: list[dict[str, Any]]) -> dict[str, float]:
    """Mean application requests per host (each host's ``plan`` record), by class: cameras
    (NVRs, DVRs, encoders too), hosts with no open web port, the other hosts."""
    import sqlite3

    from camscan.discovery.plan import NOT_HTTP

    by_ip = {h["ip"]: h for h in truth}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        plans: dict[str, int] = {}
        web: set[str] = set()
        for probe, ip, port, meta in con.execute(
            "SELECT probe, ip, port, meta FROM observation WHERE probe IN ('plan', 'tcp')"
        ):
            if probe == "plan":
                plans[ip] = int(json.loads(meta or "{}").get("requests", 0))
            elif port is not None and port not in NOT_HTTP:
                web.add(ip)
    finally:
        con.close()
    counts: dict[str, list[int]] = {c: [] for c in REQUEST_CLASSES}
    for ip, n in plans.items():
        host = by_ip.get(ip)
        if host is None:
            continue  # the router, the scanner: not lab hosts
        cls = "camera" if host.get("is_camera") else ("other" if ip in web else "no web port")
        counts[cls].append(n)
    return {c: sum(v) / len(v) for c, v in counts.items() if v}


def camscan_scan(
    lab: Lab, db: Path, targets: tuple[str, ...], timeout: float, extra: tuple[str, ...] = ()
) -> tuple[Measured, list[dict[str, Any]]]:
    """`camscan scan` in the scanner namespace into a fresh ``db``; its device records."""
    cmd = [*CAMSCAN, "--db", str(db), "scan", *targets, "--site", "bench", "--json", *extra]
    m = run_measured(lab.in_scanner(cmd), timeout=timeout)
    return m, camscan_devices(db) if db.exists() else []


def camscan_devices(db: Path) -> list[dict[str, Any]]:
    """`camscan devices --format json` (reads the database only; no packets)."""
    proc = subprocess.run(
        [*CAMSCAN, "--db", str(db), "devices", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchError(f"`camscan devices` failed: {proc.stderr.strip()[-1000:]}")
    records: list[dict[str, Any]] = json.loads(proc.stdout or "[]")
    return records


def scanner_interface(lab: Lab) -> str | None:
    """The scanner namespace's lab interface (for nmap's -e; broadcast scripts need it)."""
    proc = subprocess.run(
        lab.in_scanner(["ip", "-o", "-4", "addr", "show"]),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[3].startswith("10.77.0."):
            return parts[1].split("@")[0]
    return None


def nmap_command(
    xml: Path, interface: str | None, *, host_timeout: float, intensity: int
) -> list[str]:
    """nmap's nearest equivalent of `camscan scan` over the lab's two segments."""
    tcp = ",".join(map(str, DEFAULT_PORTS))
    udp = ",".join(map(str, NMAP_UDP_PORTS))
    cmd = [NMAP, "-n", "-sS", "-sU", "-sV", "--version-intensity", str(intensity)]
    cmd += ["-p", f"T:{tcp},U:{udp}", "--script", ",".join(NMAP_SCRIPTS), *NMAP_TIMING]
    cmd += ["--host-timeout", f"{int(host_timeout)}s", "-oX", str(xml)]
    if interface:
        cmd += ["-e", interface]
    return [*cmd, *TARGETS]


def nmap_scan(
    lab: Lab, xml: Path, timeout: float, intensity: int, res: Results
) -> tuple[Measured, NmapRun]:
    """Run nmap in the scanner namespace; parse whatever XML it left (also on timeout)."""
    # nmap must stop on its own (writing its XML) before the step's hard timeout.
    cmd = nmap_command(
        xml,
        scanner_interface(lab),
        host_timeout=max(30, min(180, timeout - 120)),
        intensity=intensity,
    )
    res.nmap_cmd = cmd
    m = run_measured(lab.in_scanner(cmd), timeout=timeout)
    data = xml.read_bytes() if xml.exists() else b""
    return m, parse_nmap_xml(data)


def nmap_found(run: NmapRun) -> list[Found]:
    """nmap's hosts as scored verdicts, through the documented mapping."""
    out = []
    for host in run.hosts.values():
        v = attribute(host)
        out.append(Found(v.ip, v.is_camera, v.manufacturer, v.device_type))
    return out


# -- the steps -------------------------------------------------------------------------------


def compare_camscan(lab: Lab, work: Path, budget: Budget, res: Results, nmap_max: float) -> Path:
    """camscan on the comparison lab (also its scaling row); returns its database."""
    db = work / f"camscan-{lab.devices}.db"
    cam = ToolResult("camscan")
    try:
        m, records = camscan_scan(lab, db, TARGETS, budget.cap(300, reserve=nmap_max))
        cam.measured, cam.reported = m, len(records)
        cam.score = score(lab.truth, from_device_records(records))
        if not m.ok:
            cam.note = f"exit {m.returncode}{' (timed out)' if m.timed_out else ''}"
        res.scale.append(
            ScaleResult(
                f"{lab.devices} hosts, both segments",
                1024 + 256,
                lab.devices,
                lab.up_seconds,
                m,
                len(records),
                sum(bool(r.get("is_camera")) for r in records),
                _requests(db, lab),
                cam.note,
            )
        )
    except BenchError as exc:
        cam.note = str(exc)
    res.tools.append(cam)
    return db


def compare_nmap(
    lab: Lab, work: Path, budget: Budget, res: Results, nmap_max: float, intensity: int
) -> None:
    """nmap on the same lab, after camscan."""
    nm = ToolResult("nmap")
    try:
        xml = work / f"nmap-{lab.devices}.xml"
        m2, run = nmap_scan(lab, xml, budget.cap(nmap_max), intensity, res)
        found = nmap_found(run)
        nm.measured, nm.reported = m2, len(found)
        nm.score = score(lab.truth, found)
        problems = [*run.errors]
        gave_up = sum(h.timed_out for h in run.hosts.values())
        if gave_up:
            problems.append(f"{gave_up} hosts hit --host-timeout (nmap drops their ports)")
        if not m2.ok:
            problems.append(f"exit {m2.returncode}{' (timed out)' if m2.timed_out else ''}")
        nm.note = "; ".join(problems)
    except BenchError as exc:
        nm.note = str(exc)
    res.tools.append(nm)


def nmap_import(xml: Path, work: Path, lab: Lab, res: Results) -> None:
    """camscan import of the XML nmap just wrote, beside nmap's own reading of it."""
    from bench import imports as import_bench

    t = Table(
        "camscan import of nmap's XML (the same run as the nmap row above)",
        [h.strip() for h in import_bench.HEADER.strip("|").split("|")],
    )
    try:
        row = import_bench.nmap_import_row(xml, work, lab.truth)
        t.rows.append(row.cells())
        if row.nmap_only:
            t.notes.append(f"cameras nmap named and the import did not: {', '.join(row.nmap_only)}")
        t.notes.append(
            "nmap's reading: its -sV product strings and script outputs through "
            "bench/nmap_map.py; camscan's: `camscan import` of the file (camscan/imports/nmap.py)"
        )
    except Exception as exc:  # report, do not lose the rest of the run
        t.notes.append(f"not measured: {type(exc).__name__}: {exc}")
    res.extra.append(t)


def listen_rows(devices: int, work: Path, budget: Budget, res: Results) -> None:
    """camscan listen on a lab whose hosts announce themselves (time x60); the caller holds
    the lab lock."""
    from bench import listen as listen_bench

    t = Table(
        f"camscan listen on a {devices}-host lab: cameras with their maker per simulated "
        f"duration (time x{listen_bench.SPEED:g}, listener on a mirror of both segments)",
        listen_bench.COLUMNS,
    )
    try:
        cap = budget.cap(240)
        rows = listen_bench.measure(devices=devices, seed=SEED, workdir=work, timeout=cap)
        t.rows += [r.cells() for r in rows]
        t.notes.append(
            "'sent by camscan': frames that left the listening namespace (tcpdump on its "
            "switch port); shorter durations are cut from the same capture by timestamp"
        )
    except Exception as exc:
        t.notes.append(f"not measured: {type(exc).__name__}: {exc}")
    res.extra.append(t)


def sensor_rows(budget: Budget, res: Results) -> None:
    """N sensor processes into one PostgreSQL server the bench starts for itself."""
    from bench import sensors as sensors_bench

    try:
        budget.cap(60)
        res.extra.append(sensors_bench.table(sensors_bench.run([1, 3], 600)))
    except Exception as exc:
        t = Table("Concurrent sensors into one PostgreSQL inventory", ("result",))
        t.notes.append(f"not measured: {type(exc).__name__}: {exc}")
        res.extra.append(t)


def dashboard_row(work: Path, budget: Budget, res: Results) -> None:
    """The dashboard's device list under 50 concurrent logged-in clients on loopback."""
    from bench import dashboard as dashboard_bench

    t = Table(
        "camscan serve under load (device list, 5,000 devices, 50 clients on loopback)",
        ("requests", "seconds", "requests/s", "p50", "p95", "p99", "errors", "page"),
    )
    try:
        budget.cap(60)
        load = dashboard_bench.run(devices=5000, clients=50, seconds=15.0, workdir=work)
        t.rows.append(
            (
                f"{load.requests:,}",
                f"{load.seconds:.1f}",
                f"{load.per_second:,.0f}",
                f"{load.p50_ms:.0f} ms",
                f"{load.p95_ms:.0f} ms",
                f"{load.p99_ms:.0f} ms",
                str(load.errors),
                f"{load.page_bytes / 1024:.0f} KiB",
            )
        )
        t.notes.append(
            f"inventory built and scored in {load.build_seconds:.0f} s (not part of the load); "
            "one uvicorn process, SQLite, each client a logged-in httpx session"
        )
    except Exception as exc:
        t.notes.append(f"not measured: {type(exc).__name__}: {exc}")
    res.extra.append(t)


def engine_speed(db: Path, res: Results) -> None:
    """The fingerprint engine over the evidence camscan stored for the comparison lab."""
    try:
        docs = engine_bench.stored_documents(db)
        res.engine = engine_bench.measure(docs)
    except Exception as exc:  # report, do not lose the rest of the run
        res.engine_note = f"not measured: {type(exc).__name__}: {exc}"


def scale_run(
    lab: Lab,
    work: Path,
    budget: Budget,
    res: Results,
    targets: tuple[str, ...],
    label: str,
    addresses: int,
    step_max: float,
    extra: tuple[str, ...] = (),
) -> None:
    """One camscan run of the scaling table."""
    row = ScaleResult(label, addresses, lab.devices, None)
    try:
        db = work / f"camscan-{lab.devices}-{addresses}.db"
        m, records = camscan_scan(lab, db, targets, budget.cap(step_max), extra)
        row.measured, row.found = m, len(records)
        row.cameras = sum(bool(r.get("is_camera")) for r in records)
        row.requests = _requests(db, lab)
        if not m.ok:
            row.note = f"exit {m.returncode}{' (timed out)' if m.timed_out else ''}"
    except BenchError as exc:
        row.note = str(exc)
    res.scale.append(row)


def _requests(db: Path, lab: Lab) -> dict[str, float]:
    try:
        return requests_per_class(db, lab.truth) if db.exists() else {}
    except Exception as exc:  # a figure missing must not lose the run
        print(f"bench: requests per host not read: {exc}", file=sys.stderr)
        return {}


def bring_up(devices: int, work: Path, budget: Budget, res: Results, step_max: float) -> Lab:
    """A lab of ``devices`` hosts with the bench's seed; its start-up time is recorded."""
    lab = lab_up(
        devices, SEED, work / f"truth-{devices}.json", mix="default", timeout=budget.cap(step_max)
    )
    res.lab_up[devices] = lab.up_seconds
    note = "tools ran through `camscan-lab run --` (no namespace name in `lab status`)"
    if lab.netns is None and note not in res.notes:
        res.notes.append(note)
    return lab


# -- output ----------------------------------------------------------------------------------


def tool_table(res: Results, lab_hosts: int) -> Table:
    """One row per tool, plus the camscan/nmap ratio row."""
    t = Table(
        f"camscan vs nmap on the {lab_hosts}-host simulated site (seed {SEED}, both segments)",
        (
            "tool",
            "wall",
            "CPU",
            "peak RSS",
            "hosts found",
            "cameras found",
            "precision",
            "recall",
            "F1",
            "white labels right",
            "non-cameras called cameras",
            "notes",
        ),
    )
    for r in res.tools:
        m, s = r.measured, r.score
        t.rows.append(
            (
                r.name,
                fmt_s(m.wall_s) if m else "-",
                fmt_s(m.cpu_s) if m else "-",
                fmt_mib(m.maxrss_mib) if m else "-",
                f"{s.hosts_found}/{s.hosts_truth}" if s else "-",
                f"{s.cameras_found}/{s.cameras_truth}" if s else "-",
                f"{s.precision:.3f}" if s else "-",
                f"{s.recall:.3f}" if s else "-",
                f"{s.f1:.3f}" if s else "-",
                f"{s.white_label_right}/{s.white_label_truth}" if s else "-",
                str(s.false_cameras) if s else "-",
                r.note,
            )
        )
    by = {r.name: r for r in res.tools}
    cam, nm = by.get("camscan"), by.get("nmap")
    if cam and nm and cam.measured and nm.measured:
        t.rows.append(
            (
                "camscan/nmap",
                ratio(cam.measured.wall_s, nm.measured.wall_s),
                ratio(cam.measured.cpu_s, nm.measured.cpu_s),
                ratio(cam.measured.maxrss_mib, nm.measured.maxrss_mib),
                "",
                "",
                "",
                "",
                ratio(cam.score.f1 if cam.score else None, nm.score.f1 if nm.score else None),
                "",
                "",
                "",
            )
        )
    t.notes += [
        "Both tools run one after the other from the lab's scanner namespace against "
        f"{' and '.join(TARGETS)}; camscan with its default probes and no credentials.",
        "nmap: `"
        + shlex.join(res.nmap_cmd).replace(NMAP, "nmap")
        + "` (the 250-host lab keeps nmap -sV inside the time budget; --max-retries 1 and "
        "--host-timeout, set from the step's time cap, stop tarpit hosts from stalling it).",
        "nmap's output is mapped to a maker by bench/nmap_map.py (nmap's own product strings, "
        "NSE outputs and MAC vendors; brands nmap names are not translated to their OEM).",
        "Precision/recall/F1 are over camera hosts (cameras, NVRs, DVRs, encoders): right "
        "maker = TP; wrong maker or a non-camera called a camera with a maker = FP; a camera "
        "not correctly attributed = FN. White labels: units whose shown brand is not their "
        "maker. Wall/CPU/peak RSS: the tool's process tree (os.wait4), lab excluded.",
    ]
    return t


def scale_table(res: Results) -> Table:
    """camscan's cost as the work grows."""
    t = Table(
        "camscan scaling",
        (
            "scope",
            "addresses",
            "lab hosts",
            "lab up",
            "wall",
            "CPU",
            "peak RSS",
            "devices",
            "cameras",
            "requests/camera",
            "requests/host without web port",
            "requests/other host",
            "notes",
        ),
    )
    for r in res.scale:
        m = r.measured
        t.rows.append(
            (
                r.label,
                f"{r.addresses:,}",
                f"{r.lab_hosts:,}",
                fmt_s(res.lab_up.get(r.lab_hosts)),
                fmt_s(m.wall_s) if m else "-",
                fmt_s(m.cpu_s) if m else "-",
                fmt_mib(m.maxrss_mib) if m else "-",
                str(r.found),
                str(r.cameras),
                *(f"{r.requests[c]:.1f}" if c in r.requests else "-" for c in REQUEST_CLASSES),
                r.note,
            )
        )
    t.notes.append(
        "lab up: wall time of `camscan-lab up --devices N` (namespaces, links, "
        "the simulator) for that lab size."
    )
    t.notes.append(
        "requests: mean application requests per host (HTTP, RTSP, ONVIF, unicast UDP "
        "datagrams, SNMP; TCP connects of the port sweep not counted), from each host's plan "
        "record; cameras include NVRs, DVRs and encoders."
    )
    t.notes.append(
        f"The largest lab is {MAX_DEVICES:,} hosts: the lab's address plan (a /22 local and a "
        "/24 routed segment, lab/camscan_lab/population.py) holds no more; 4,000 hosts need a "
        "wider plan. Memory and the 2 cores are not the limit at that size."
    )
    return t


def engine_table(res: Results) -> Table:
    """The fingerprint engine's throughput."""
    t = Table(
        "fingerprint engine",
        ("evidence documents", "verdicts", "verdicts/s", "mean per device", "engine load", "notes"),
    )
    e = res.engine
    if e:
        t.rows.append(
            (
                str(e.documents),
                str(e.verdicts),
                f"{e.per_second:,.0f}",
                f"{e.mean_us:,.0f} µs",
                fmt_s(e.load_seconds),
                res.engine_note,
            )
        )
    else:
        t.rows.append(("-", "-", "-", "-", "-", res.engine_note))
    t.notes.append(
        "Over every device's stored evidence from the comparison lab's camscan scan "
        "(rebuilt from the inventory, not timed), identify() repeated for >= 2 s."
    )
    return t


def headline(res: Results) -> str:
    """One sentence the README can quote."""
    by = {r.name: r for r in res.tools}
    cam, nm = by.get("camscan"), by.get("nmap")
    parts = []
    if cam and cam.measured and cam.score:
        s = cam.score
        parts.append(
            f"On a {s.hosts_truth}-host simulated site camscan found {s.cameras_found}/"
            f"{s.cameras_truth} cameras/NVRs/DVRs and named their maker with F1 "
            f"{s.f1:.2f} ({s.white_label_right}/{s.white_label_truth} white-labelled units "
            f"traced to their real maker) in {fmt_s(cam.measured.wall_s)}"
        )
    if nm and nm.measured and nm.score and cam and cam.measured:
        parts.append(
            f"nmap -sV with camera NSE scripts reached F1 {nm.score.f1:.2f} "
            f"({nm.score.white_label_right}/{nm.score.white_label_truth} white labels) in "
            f"{fmt_s(nm.measured.wall_s)}, so camscan took "
            f"{ratio(cam.measured.wall_s, nm.measured.wall_s)} nmap's time"
        )
    sweep = next((r for r in res.scale if r.addresses == 65536 and r.measured), None)
    big = next((r for r in res.scale if r.lab_hosts >= 1000 and r.measured), None)
    if sweep and sweep.measured:
        parts.append(
            f"a sweep of a /16 took {fmt_s(sweep.measured.wall_s)} "
            f"(peak {fmt_mib(sweep.measured.maxrss_mib)})"
        )
    if big and big.measured:
        parts.append(f"a 1,000-host site {fmt_s(big.measured.wall_s)}")
    return "; ".join(parts) + "." if parts else "no figures: see the notes."


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print both tables; append them to docs/benchmarks.md."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--devices", type=int, default=250, help="hosts in the comparison lab")
    ap.add_argument(
        "--sizes",
        default=f"50,1000,{MAX_DEVICES}",
        help="other lab sizes for the scaling table (the last default: the largest lab)",
    )
    ap.add_argument("--no-nmap", action="store_true", help="skip nmap (development)")
    ap.add_argument(
        "--nmap-intensity",
        type=int,
        default=NMAP_VERSION_INTENSITY,
        help="nmap --version-intensity (0-9)",
    )
    ap.add_argument("--nmap-max", type=float, default=480.0, help="seconds allowed for nmap")
    ap.add_argument("--no-sweep", action="store_true", help="skip the /16 sweep")
    ap.add_argument(
        "--sweep-rate",
        type=int,
        default=None,
        help="camscan --rate for the /16 sweep (default: camscan's default)",
    )
    ap.add_argument("--no-listen", action="store_true", help="skip camscan listen on the lab")
    ap.add_argument("--no-sensors", action="store_true", help="skip the PostgreSQL sensors")
    ap.add_argument("--no-dashboard", action="store_true", help="skip the dashboard load")
    ap.add_argument("--no-append", action="store_true", help="do not write docs/benchmarks.md")
    ap.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = ap.parse_args(argv)
    if os.geteuid() != 0:
        print(
            "make bench builds network namespaces and needs root (run it as root or with sudo)",
            file=sys.stderr,
        )
        return 2
    if not Path(NMAP).exists():
        print(f"{NMAP} is missing: `make deps` installs Debian's nmap", file=sys.stderr)
        return 2
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    budget = Budget(BUDGET_S)
    res = Results()
    when = dt.datetime.now(dt.UTC)
    work = Path(tempfile.mkdtemp(prefix="camscan-bench-"))
    print(f"bench: working files in {work}", flush=True)
    nmap_max = 0.0 if args.no_nmap else args.nmap_max
    try:
        with lab_lock():
            print(f"bench: {args.devices}-host lab, camscan then nmap ...", flush=True)
            try:
                lab = bring_up(args.devices, work, budget, res, 120)
                db = compare_camscan(lab, work, budget, res, nmap_max)
                engine_speed(db, res)
                if args.no_nmap:
                    res.tools.append(ToolResult("nmap", note="skipped (--no-nmap)"))
                else:
                    compare_nmap(lab, work, budget, res, nmap_max, args.nmap_intensity)
                    nmap_import(work / f"nmap-{lab.devices}.xml", work, lab, res)
            except BenchError as exc:
                res.notes.append(f"{args.devices}-host lab: {exc}")
            for n in sizes:
                print(f"bench: {n}-host lab ...", flush=True)
                try:
                    lab = bring_up(n, work, budget, res, 120)
                    scale_run(
                        lab,
                        work,
                        budget,
                        res,
                        TARGETS,
                        f"{n} hosts, both segments",
                        1024 + 256,
                        300,
                    )
                    if n == min(sizes) and not args.no_sweep:
                        extra = ("--rate", str(args.sweep_rate)) if args.sweep_rate else ()
                        scale_run(
                            lab, work, budget, res, (SWEEP,), f"sweep of {SWEEP}", 65536, 300, extra
                        )
                except BenchError as exc:
                    res.notes.append(f"{n}-host lab: {exc}")
            if not args.no_listen:
                print(f"bench: listening on a {args.devices}-host lab ...", flush=True)
                listen_rows(args.devices, work, budget, res)
        if not args.no_sensors:
            print("bench: sensors into one PostgreSQL ...", flush=True)
            sensor_rows(budget, res)
        if not args.no_dashboard:
            print("bench: the dashboard under load ...", flush=True)
            dashboard_row(work, budget, res)
    except KeyboardInterrupt:
        print("bench: interrupted; the lab is down", file=sys.stderr)
        return 130
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    res.scale.sort(key=lambda r: (r.addresses, r.lab_hosts))
    tables = [tool_table(res, args.devices), scale_table(res), engine_table(res)]
    if res.notes:
        tables[-1].notes += res.notes
    from bench.corpus import corpus_tables  # real replies, scored without the lab

    tables += res.extra
    tables += corpus_tables()
    for t in tables:
        print("\n" + t.text())
    head = headline(res)
    total = time.monotonic() - budget.start
    print(f"bench: finished in {total:.0f} s. Headline: {head}")
    if not args.no_append:
        command = "make bench  # " + shlex.join(
            [".venv/bin/python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])]
        )
        append_results(args.output, command=command, tables=tables, headline=head, when=when)
        print(f"bench: appended to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
