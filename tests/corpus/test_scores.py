"""The corpus scores (bench/corpus.py) on a tiny corpus whose right answers are known, and
`python -m bench.corpus` run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from bench.corpus import measure, tables
from camscan.fingerprint.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[2]

JETDIRECT = {
    "sysDescr": "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD143,EEPROM V.43.92",
    "sysObjectID": "1.3.6.1.4.1.11.2.3.9.1",
}


def _doc(ident: str, expect: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": ident,
        "source": "librenms/librenms:tests/snmpsim/jetdirect.snmprec",
        "says": "test",
        "protocols": [k for k in ("snmp", "mac") if k in document],
        "expect": expect,
        "document": {"ip": "192.0.2.9", **document},
    }


def _corpus(tmp_path: Path) -> Path:
    docs = [
        # Right: the source names HP, camscan names HP.
        _doc("printer", {"is_camera": False, "manufacturer": "HP"}, {"snmp": JETDIRECT}),
        # Missed: the source names a maker camscan cannot see in a bare Linux sysDescr.
        _doc(
            "nas",
            {"is_camera": False, "manufacturer": "Synology", "device_type": "not_camera"},
            {"snmp": {"sysDescr": "Linux hostname 3.10.77", "sysObjectID": "1.3.6.1.4.1.8072"}},
        ),
        # Named where the source names none: not judged (white labels look like this).
        _doc("unstated", {"is_camera": False}, {"snmp": JETDIRECT}),
        # A camera maker named on a host the source says is not a camera: wrong.  (Made up
        # for this test: a Hikvision enterprise OID on a "printer".)
        _doc("odd", {"is_camera": False}, {"snmp": {"sysObjectID": "1.3.6.1.4.1.39165.1.1"}}),
    ]
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump({"documents": docs}, sort_keys=False))
    return tmp_path


def test_precision_recall_and_device_types(tmp_path: Path) -> None:
    s = measure(load_corpus(_corpus(tmp_path)))
    o = s.overall
    assert (o.documents, o.stated, o.named, o.judged, o.right) == (4, 2, 3, 2, 1)
    assert o.precision == 0.5 and o.recall == 0.5 and o.f1 == 0.5
    assert o.wrong == ["odd (Hikvision)"] and o.missed == ["nas"]
    assert o.unjudged == ["unstated (HP)"]
    snmp = {m.label: m for m in s.per_protocol}["snmp"]
    assert snmp.documents == 4 and snmp.right == 1
    assert "http" not in {m.label for m in s.per_protocol}  # no document has http
    assert (s.device_type.hits, s.device_type.total) == (0, 1)  # the NAS is "unknown"
    assert s.not_cameras_called.total == 4
    maker, _kinds = tables(s)
    assert maker.rows[0][:6] == ("whole document", "4", "2", "3", "1", "1")
    assert maker.rows[0][6:] == ("0.500", "0.500", "0.500")
    assert any("wrong maker: odd (Hikvision)" in n for n in maker.notes)
    assert any("unjudged: unstated (HP)" in n for n in maker.notes)


def test_module_prints_and_appends(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    corpus = _corpus(tmp_path / "c")
    out = tmp_path / "benchmarks.md"
    r = subprocess.run(
        [sys.executable, "-m", "bench.corpus", "--corpus", str(corpus)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "Real-reply corpus: maker (4 documents, 1 files)" in r.stdout
    assert "whole document" in r.stdout and not out.exists()
    r = subprocess.run(
        [sys.executable, "-m", "bench.corpus", "--corpus", str(corpus), "--append", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "Command: `.venv/bin/python -m bench.corpus --corpus" in text
    assert ", commit " in text and "| whole document | 4 | 2 | 3 | 1 | 1 |" in text


def test_a_broken_corpus_is_reported_not_scored(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("documents:\n  - id: x1\n")
    r = subprocess.run(
        [sys.executable, "-m", "bench.corpus", "--corpus", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "not scored" in r.stdout and "bad.yaml:2: document x1: missing" in r.stdout
