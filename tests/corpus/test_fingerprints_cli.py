"""`camscan fingerprints`: the rule listing, run as a user runs it (a subprocess), piped and on
a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pexpect

from camscan.cli.fingerprints import origin
from camscan.fingerprint import load_engine

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan", "fingerprints", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _json(*args: str) -> Any:
    r = _run(*args, "--format", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_json_lists_every_rule_once() -> None:
    engine = load_engine()
    data = _json()
    assert data["rules"] == len(engine.ruleset.rules)
    assert data["makers"] == len(engine.ruleset.manufacturers)
    assert sum(e["rules"] for e in data["entries"]) == data["rules"]
    by_name = {e["maker"]: e for e in data["entries"]}
    hik = by_name["Hikvision"]
    assert hik["rules"] >= 10 and hik["by_field"]["sadp"] >= 1
    assert sum(hik["by_field"].values()) == hik["rules"]
    assert "EZVIZ" in hik["brands"] or "HiLook" in hik["brands"]
    assert any(s["origin"] == "maciej-or/hikvision_next" for s in hik["sources"])
    # Maker-less rules (camera-or-not, model captures) have their own entry, listed last.
    assert data["entries"][-1]["maker"] == "(any maker)"
    assert data["entries"][-1]["rules"] > 0
    # The negative side: printers and NAS rules are attributed to their makers.
    assert by_name["HP"]["rules"] >= 1 and by_name["Synology"]["rules"] >= 1


def test_one_maker_with_sources() -> None:
    data = _json("--maker", "hik")  # any spelling of the maker
    assert data["maker"] == "Hikvision"
    assert data["rules"] and all(r["source"].strip() for r in data["rules"])
    assert all(r["asserts"].get("manufacturer", "Hikvision") == "Hikvision" for r in data["rules"])
    engine = load_engine()
    oem = {o.brand for o in engine.ruleset.oem.values() if o.manufacturer == "Hikvision"}
    assert {b["brand"] for b in data["brands"]} == oem
    r = _run("--maker", "Hikvision")
    assert r.returncode == 0, r.stderr
    assert "Hikvision:" in r.stdout and "sadp." in r.stdout


def test_unknown_maker_is_a_usage_error() -> None:
    r = _run("--maker", "Nosuchmaker")
    assert r.returncode == 2
    assert "no maker 'Nosuchmaker'" in r.stderr and "camscan fingerprints" in r.stderr


def test_help_has_an_example() -> None:
    r = _run("--help")
    assert r.returncode == 0
    assert "camscan fingerprints --maker Hikvision" in r.stdout and "--format" in r.stdout


def test_table_fits_the_terminal() -> None:
    env = {**os.environ, "COLUMNS": "80", "LINES": "300", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "camscan", "fingerprints"],
        dimensions=(300, 80),
        env=env,
        encoding="utf-8",
        timeout=120,
    )
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    lines = [ANSI.sub("", line) for line in out.replace("\r\n", "\n").split("\n")]
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    assert any(line.lstrip().startswith("Hikvision") for line in lines)


def test_origin_of_citations() -> None:
    assert origin("rapid7/recog:xml/http_servers.xml@14fa1a7") == "rapid7/recog"
    assert origin("https://github.com/home-assistant/core/issues/46822") == "home-assistant/core"
    assert origin("https://www.iana.org/assignments/enterprise-numbers/") == "iana.org"
    assert origin("IEEE MA-L registry: 20F41B") == "IEEE MA-L registry"
