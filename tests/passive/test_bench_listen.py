"""bench/listen.py's scoring: each duration is read from the one capture, cut at its moment,
and scored against the truth (a camera counts only with its maker)."""

from __future__ import annotations

from pathlib import Path

from passive_frames import arp, pcap, udp_frame
from passive_samples import DAHUA_HELLO, HIK_SADP

from bench.listen import COLUMNS, rows_from_capture, table

DEV, HIK, PC = "10.0.0.80", "10.0.0.64", "10.0.0.20"
TRUTH = [
    {"ip": DEV, "is_camera": True, "manufacturer": "Dahua", "brand": "Dahua"},
    {"ip": HIK, "is_camera": True, "manufacturer": "Hikvision", "brand": "Hikvision"},
    {"ip": PC, "is_camera": False, "manufacturer": None, "brand": None},
]


def test_each_duration_is_the_capture_up_to_its_moment(tmp_path: Path) -> None:
    # frame i is stamped 1,700,000,000 + i seconds (+500 us): ARP of the PC, then the
    # Dahua Hello, then the SADP announcement
    frames = [
        arp(PC, b"\x02" * 6),
        udp_frame(DEV, "239.255.255.250", 3702, 3702, DAHUA_HELLO),
        udp_frame(HIK, "239.255.255.250", 37020, 37020, HIK_SADP),
    ]
    path = tmp_path / "l.pcap"
    path.write_bytes(pcap(frames))
    boot = 1_700_000_000 - 0.5
    rows = rows_from_capture(path, TRUTH, boot, (1.0, 2.0, 3.0), speed=60.0)
    assert [(r.minutes, r.packets, r.score.tp, r.score.cameras_truth) for r in rows] == [
        (1.0, 1, 0, 2),
        (2.0, 2, 1, 2),
        (3.0, 3, 2, 2),
    ]
    assert rows[-1].share == 1.0 and rows[-1].score.false_cameras == 0
    assert rows[1].cells()[5] == "50.0%" and len(rows[0].cells()) == len(COLUMNS)
    assert table(rows).count("\n") == 4
