"""bench/measure.py on real child processes (no timings asserted)."""

from __future__ import annotations

import sys

from bench.measure import run_measured


def test_peak_memory_cpu_and_output_of_the_child() -> None:
    code = "b = bytearray(80 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); print('done')"
    m = run_measured([sys.executable, "-c", code], timeout=60)
    assert m.ok and m.stdout.strip() == "done"
    assert m.maxrss_mib >= 80  # the child's own peak, not this test process's
    assert m.cpu_s > 0


def test_timeout_stops_the_whole_process_group() -> None:
    code = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"
    m = run_measured([sys.executable, "-c", code], timeout=1)
    assert m.timed_out and not m.ok


def test_exit_status_and_stderr_kept() -> None:
    m = run_measured([sys.executable, "-c", "import sys; sys.exit('boom')"], timeout=60)
    assert m.returncode == 1 and "boom" in m.stderr and not m.ok
