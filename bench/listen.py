"""The bench's passive row: the share of cameras `camscan listen` finds with their maker
after 1, 5 and 15 minutes of the lab's own announcements.

The lab comes up with its hosts announcing themselves (camscan_lab.announce: DHCP, ARP,
WS-Discovery Hello, SADP, DHIP, SSDP NOTIFY, mDNS at their cited rates) with time compressed
by ``speed`` (60: one real second is one simulated minute), and a listening namespace whose
interface receives a mirror of the site's traffic (`camscan-lab up --listener all`: both
segments, as a SPAN of the core switch; ``mirror="local"`` copies the local segment only).
`camscan listen` runs there, receive-only, for the longest duration, writing what it heard
to a pcap; each shorter duration is read from that same capture, cut at its moment
(the frames' timestamps), so the three figures come from one boot of the site.  The hosts
start powering on ``boot_delay`` real seconds after the lab is ready; durations count from
then.  With ``mirror="local"`` the routed hosts announce on a segment the mirror does not
copy and count as missed.

Call (the lab lock held by the caller, as bench/run.py's steps are):
``rows = bench.listen.measure(devices=250, seed=SEED, workdir=Path(tmp))``; each row's
``cells()`` is a line of docs/benchmarks.md's passive table (:data:`COLUMNS`).  Standalone:
``python -m bench.listen --devices 250`` takes the lock itself and prints the table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/listen.py`
    sys.path.insert(0, str(ROOT))

from bench.metrics import Found, Score, score  # noqa: E402

MINUTES = (1.0, 5.0, 15.0)  # simulated minutes of listening (issue 13)
SPEED = 60.0  # simulated seconds per real second
BOOT_DELAY = 10.0  # real seconds between the lab being ready and the first power-on:
# `camscan listen` must have its socket open by then (a loaded 2-core machine needs ~5 s)
COLUMNS = [
    "minutes (simulated)",
    "real s",
    "cameras",
    "heard",
    "with maker",
    "share",
    "ordinary called cameras",
    "packets",
    "sent by camscan",
]


@dataclass
class ListenRow:
    """What one duration of listening gave, scored against the lab's truth."""

    minutes: float
    real_seconds: float
    packets: int
    hosts: int
    score: Score
    dropped: int = 0  # frames the kernel dropped in the whole session (the socket's buffer)
    sent: int = -1  # frames that left the listening namespace during the session (0!)

    @property
    def share(self) -> float:
        """Cameras with their maker / cameras on the site."""
        return self.score.tp / self.score.cameras_truth if self.score.cameras_truth else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "minutes": self.minutes,
            "real_seconds": round(self.real_seconds, 2),
            "packets": self.packets,
            "dropped": self.dropped,
            "sent_by_listener": self.sent,
            "hosts": self.hosts,
            "share_with_maker": round(self.share, 4),
            **self.score.as_dict(),
        }

    def cells(self) -> list[str]:
        s = self.score
        return [
            f"{self.minutes:g}",
            f"{self.real_seconds:.1f}",
            str(s.cameras_truth),
            str(s.cameras_found),
            str(s.tp),
            f"{self.share:.1%}",
            str(s.false_cameras),
            f"{self.packets:,}",
            str(self.sent),
        ]


def rows_from_capture(
    pcap: Path, truth: list[dict[str, Any]], boot: float, minutes: tuple[float, ...], speed: float
) -> list[ListenRow]:
    """Each duration's verdicts from the capture's frames up to ``boot`` + its real seconds."""
    from camscan.app.identify import identify_document
    from camscan.app.listen import document
    from camscan.fingerprint import load_engine
    from camscan.passive.capture import read_frames
    from camscan.passive.decoder import PassiveDecoder
    from camscan.passive.scope import recording_scope

    engine = load_engine()
    rows: list[ListenRow] = []
    for m in sorted(minutes):
        cut = boot + m * 60.0 / speed
        decoder = PassiveDecoder(recording_scope())
        with pcap.open("rb") as f:
            for frame in read_frames(f):
                if frame.ts is not None and frame.ts > cut:
                    break
                decoder.feed(frame.linktype, frame.data, frame.ts)
        decoder.finish()
        found = []
        for host in decoder.records():
            if host.observations:
                v = identify_document(engine, document(host))
                found.append(Found(host.ip, v.is_camera, v.manufacturer, v.device_type))
        rows.append(
            ListenRow(
                minutes=m,
                real_seconds=m * 60.0 / speed,
                packets=decoder.stats.packets,
                hosts=len(found),
                score=score(truth, found),
            )
        )
    return rows


def frames_in(pcap: Path) -> int:
    """How many frames a capture file holds."""
    from camscan.passive.capture import read_frames

    with pcap.open("rb") as f:
        return sum(1 for _ in read_frames(f))


def measure(
    *,
    devices: int = 250,
    seed: int = 7,
    workdir: Path,
    minutes: tuple[float, ...] = MINUTES,
    speed: float = SPEED,
    mirror: str = "all",
    timeout: float = 300.0,
) -> list[ListenRow]:
    """Bring a lab up with announcements and a listener, listen, score each duration; the
    lab is down again on return.  The caller holds the lab lock."""
    from camscan_lab import site

    truth_path = workdir / "listen-truth.json"
    pcap = workdir / "listen.pcap"
    dump: subprocess.Popen[bytes] | None = None
    site.down()
    try:
        site.up(
            devices=devices,
            seed=seed,
            truth=truth_path,
            announce_speed=speed,
            listener=mirror,
            boot_delay=BOOT_DELAY,
        )
        boot = time.time() + BOOT_DELAY
        # Whatever leaves the listening namespace arrives on its port of the lab's switch:
        # tcpdump there (inbound only; the mirror's copies leave that port) counts it.
        sent_pcap = workdir / "from-listener.pcap"
        dump = subprocess.Popen(
            ["ip", "netns", "exec", site.SWITCH, "tcpdump", "-i", site.LISTENER_PORT,
             "-Q", "in", "--immediate-mode", "-U", "-w", str(sent_pcap)],
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert dump.stderr is not None
        dump.stderr.readline()  # "listening on ...": it captures from here on
        longest = max(minutes) * 60.0 / speed
        cmd = [
            sys.executable, "-m", "camscan", "listen", "-i", site.LISTENER_IFACE,
            "--duration", f"{longest + BOOT_DELAY + 1:.1f}",
            "--dry-run", "--json", "--write-pcap", str(pcap),
        ]  # fmt: skip
        proc = subprocess.Popen(
            site.scanner_command(cmd, "listener"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stderr is not None
            first = proc.stderr.readline()  # "camscan: listening on eth0 ..." once it reads
            opened = time.time()
            out, err = proc.communicate(timeout=timeout)
        finally:
            proc.kill()
        if proc.returncode != 0 or "listening on" not in first:
            raise RuntimeError(f"camscan listen failed: {(first + err).strip()[-1000:]}")
        if opened > boot:
            raise RuntimeError(
                f"camscan listen opened its socket {opened - boot:.1f} s after the hosts began "
                "to power on: raise BOOT_DELAY"
            )
        session = json.loads(out)  # the session's own summary
        time.sleep(0.5)
        dump.terminate()
        dump.wait(timeout=30)
        sent = frames_in(sent_pcap)
        truth = json.loads(truth_path.read_text())
        rows = rows_from_capture(pcap, truth, boot, minutes, speed)
        for row in rows:
            row.dropped = int(session.get("dropped_by_kernel") or 0)
            row.sent = sent
        return rows
    finally:
        if dump is not None and dump.poll() is None:
            dump.kill()
        site.down()


def table(rows: list[ListenRow]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--devices", type=int, default=250)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--speed", type=float, default=SPEED)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from bench.lab import lab_lock

    with lab_lock(), tempfile.TemporaryDirectory() as tmp:
        rows = measure(devices=args.devices, seed=args.seed, workdir=Path(tmp), speed=args.speed)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
    else:
        print(table(rows))


if __name__ == "__main__":
    main()
