"""Progress of a long scan: a rich bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class ScanProgress:
    """Shows hosts probed, devices found, rate and ETA; silent when quiet."""

    def __init__(self, total: int, quiet: bool = False, interval: float = 5.0) -> None:
        self.total = total
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.interval = interval
        self.devices = 0
        self.cameras = 0
        self._last_line = 0.0
        self._bar: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> ScanProgress:
        if not self.quiet and self.tty:
            self._bar = Progress(
                TextColumn("[bold]scanning"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[found]}"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("scan", total=self.total, found="", rate="")
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(t, e, tb)

    def update(self, p: Any) -> None:
        """Called by the pipeline with its Progress record."""
        done = int(getattr(p, "hosts_probed", 0))
        rate = float(getattr(p, "rate", 0.0) or 0.0)
        found = f"{self.devices} devices, {self.cameras} cameras"
        if self._bar is not None:
            self._bar.update(self._task, completed=done, found=found, rate=f"{rate:.0f} pkt/s")
        elif not self.quiet:
            now = time.monotonic()
            if now - self._last_line >= self.interval:
                self._last_line = now
                eta = getattr(p, "eta_seconds", None)
                print(
                    f"camscan: {done}/{self.total} addresses probed, {found}, "
                    f"{rate:.0f} pkt/s" + (f", ETA {eta:.0f} s" if eta else ""),
                    file=sys.stderr,
                    flush=True,
                )

    def device(self, rec: dict[str, Any]) -> None:
        self.devices += 1
        self.cameras += int(bool(rec.get("is_camera")))
