"""`camscan identify` refuses the wrong shape with a line that says what to give instead,
and with --many names each bad line, identifies the rest and exits 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fingerprint import documents as d


def identify(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan", "identify", *args],
        input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


RECORD = {"id": 3, "ip": "10.0.0.3", "band": "P1", "score": 84.0, "score_factors": [],
          "manufacturer": "Hikvision", "is_camera": True}  # fmt: skip


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        (
            json.dumps([d.hikvision_camera(), d.axis_camera()]),
            "a JSON list of 2 items: give --many",
        ),
        (json.dumps(RECORD), "a device record (camscan show --json)"),
        (json.dumps("10.0.0.1"), "a JSON string, not an evidence document"),
        (json.dumps({"name": "x"}), "no evidence-document fields"),
        ("{not json", "invalid JSON"),
    ],
)
def test_wrong_shape_is_refused(stdin: str, needle: str) -> None:
    r = identify("-", stdin=stdin)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("camscan: error: -:")


def test_many_names_bad_lines_and_goes_on(tmp_path: Path) -> None:
    f = tmp_path / "site.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps(d.hikvision_camera()),
                "{oops",
                json.dumps(RECORD),
                "",
                json.dumps(d.axis_camera()),
                json.dumps([1, 2]),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    r = identify("--many", str(f))
    assert r.returncode == 1
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 5  # one line out per document line in, aligned
    assert out[0]["manufacturer"] == "Hikvision" and out[3]["manufacturer"] == "Axis"
    assert [o.get("source") for o in out] == [None, f"{f}:2", f"{f}:3", None, f"{f}:6"]
    err = r.stderr.strip().splitlines()
    assert (
        err[0]
        == f"camscan: error: {f}:2: invalid JSON: Expecting property name enclosed in double quotes"
    )
    assert err[1].startswith(f"camscan: error: {f}:3: a device record")
    assert err[2].startswith(f"camscan: error: {f}:6: a JSON list inside the list")
    assert err[3] == "camscan: 3 of 5 inputs could not be identified (named above); the others were"


def test_many_json_list_items(tmp_path: Path) -> None:
    f = tmp_path / "site.json"
    f.write_text(json.dumps([d.axis_camera(), RECORD, d.printer()]), encoding="utf-8")
    r = identify("--many", str(f))
    assert r.returncode == 1
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert out[0]["manufacturer"] == "Axis" and out[2]["manufacturer"] == "HP"
    assert out[1]["source"] == f"{f}: item 2" and "device record" in r.stderr
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(d.axis_camera()) + "\n", encoding="utf-8")
    assert identify("--many", str(good)).returncode == 0
