"""Accuracy of one tool's verdicts against the lab's ground truth.

The unit is a camera host (camera, NVR, DVR or encoder in the truth file):

* true positive: the tool calls it a camera and names its actual maker;
* false positive: the tool calls a host a camera and names a maker, and either the host is
  not a camera or the maker is wrong (a wrongly attributed camera is also a false negative);
* false negative: a camera host the tool did not correctly attribute (missed, not called a
  camera, or no or wrong maker).

A camera claim without a maker is not an attribution: it costs recall, not precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Found:
    """One tool's verdict on one host, reduced to what is scored."""

    ip: str
    is_camera: bool
    manufacturer: str | None
    device_type: str = "unknown"


@dataclass
class Score:
    """How one tool did on one site."""

    hosts_truth: int = 0
    hosts_found: int = 0  # truth hosts the tool reported at all
    extra_hosts: int = 0  # addresses reported that are not lab hosts (router, scanner)
    cameras_truth: int = 0
    cameras_found: int = 0  # truth cameras the tool called cameras (whatever the maker)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    white_label_truth: int = 0
    white_label_right: int = 0
    false_cameras: int = 0  # non-camera hosts called cameras
    false_camera_ips: list[str] = field(default_factory=list)
    wrong_makers: list[tuple[str, str, str]] = field(default_factory=list)  # ip, truth, said

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 0 when nothing was claimed."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 0 when the site has no camera."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for JSON output."""
        return {
            "hosts_truth": self.hosts_truth,
            "hosts_found": self.hosts_found,
            "extra_hosts": self.extra_hosts,
            "cameras_truth": self.cameras_truth,
            "cameras_found": self.cameras_found,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "white_label_truth": self.white_label_truth,
            "white_label_right": self.white_label_right,
            "false_cameras": self.false_cameras,
        }


def same_maker(a: str | None, b: str | None) -> bool:
    """Canonical maker names compared without case or surrounding space."""
    if not a or not b:
        return False
    return a.strip().casefold() == b.strip().casefold()


def score(truth: Iterable[Mapping[str, Any]], found: Iterable[Found]) -> Score:
    """Score one tool's verdicts against the ground truth (see the module docstring)."""
    by_ip = {f.ip: f for f in found}
    s = Score()
    truth_ips: set[str] = set()
    for host in truth:
        ip = str(host["ip"])
        truth_ips.add(ip)
        s.hosts_truth += 1
        got = by_ip.get(ip)
        s.hosts_found += got is not None
        claimed = got is not None and got.is_camera
        attributed = claimed and bool(got and got.manufacturer)
        right = (
            attributed and got is not None and same_maker(got.manufacturer, host["manufacturer"])
        )
        if not host["is_camera"]:
            if claimed:
                s.false_cameras += 1
                s.false_camera_ips.append(ip)
                s.fp += attributed
            continue
        s.cameras_truth += 1
        s.cameras_found += claimed
        white_label = not same_maker(host.get("brand"), host["manufacturer"])
        s.white_label_truth += white_label
        if right:
            s.tp += 1
            s.white_label_right += white_label
        else:
            s.fn += 1
            if attributed and got is not None:
                s.fp += 1
                s.wrong_makers.append((ip, str(host["manufacturer"]), str(got.manufacturer)))
    for ip, got in by_ip.items():
        if ip not in truth_ips:
            s.extra_hosts += 1
            # An address that is no lab host called a camera with a maker is a false claim.
            s.fp += got.is_camera and bool(got.manufacturer)
    return s


def from_device_records(records: Iterable[Mapping[str, Any]]) -> list[Found]:
    """camscan's ``devices --format json`` records as scored verdicts."""
    return [
        Found(
            ip=str(r["ip"]),
            is_camera=bool(r.get("is_camera")),
            manufacturer=r.get("manufacturer") or None,
            device_type=str(r.get("device_type") or "unknown"),
        )
        for r in records
    ]
