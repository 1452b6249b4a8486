"""Run one command and measure it: wall time, CPU time and peak memory of the process tree.

``os.wait4`` returns the resource usage of exactly the child we waited for, including the
descendants it reaped, so each tool is measured on its own (``RUSAGE_CHILDREN`` would mix
every earlier child of this script into the peak).  The command runs in its own process
group so a timeout or Ctrl-C can stop all of it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

# Output kept from one command: enough for a JSON device list of a few thousand hosts.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024


@dataclass
class Measured:
    """What one command did and cost."""

    cmd: list[str]
    returncode: int
    wall_s: float
    cpu_s: float  # user + system, the command and every descendant it waited for
    maxrss_mib: float  # the largest resident set of any process in the tree
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """Finished in time with exit status 0."""
        return self.returncode == 0 and not self.timed_out


def _read(f: IO[bytes]) -> str:
    f.seek(0)
    return f.read(MAX_OUTPUT_BYTES).decode("utf-8", "replace")


def _stop(pid: int) -> None:
    """SIGTERM the command's process group, then SIGKILL what is left after 5 s."""
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return
            time.sleep(0.05)


def run_measured(
    cmd: list[str], *, timeout: float, env: Mapping[str, str] | None = None
) -> Measured:
    """Run ``cmd`` to completion or ``timeout`` seconds, measuring it with ``wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=err, env=dict(env) if env else None, start_new_session=True
        )
        timed_out = False
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - start > timeout:
                    timed_out = True
                    _stop(proc.pid)
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.02)
        except BaseException:
            # Ctrl-C or an error here: never leave the tool running behind us.
            _stop(proc.pid)
            os.wait4(proc.pid, 0)
            proc.returncode = -1
            raise
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        return Measured(
            cmd=list(cmd),
            returncode=proc.returncode,
            wall_s=wall,
            cpu_s=usage.ru_utime + usage.ru_stime,
            maxrss_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
            stdout=_read(out),
            stderr=_read(err),
            timed_out=timed_out,
        )
