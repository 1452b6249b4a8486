"""Every document of the real-reply corpus (corpus/*.yaml) replayed through the engine.

The corpus holds replies real devices sent, as public sources show them, with what the
source says the device is (corpus/README.md).  Each expected field is asserted; a corpus
file that breaks the format is refused naming the file and the document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.corpus import measure, tables
from camscan.fingerprint import load_engine
from camscan.fingerprint.corpus import (
    CorpusDocument,
    CorpusError,
    corpus_files,
    load_corpus,
    load_file,
)

ENGINE = load_engine()
FILES = corpus_files()


def _documents() -> tuple[list[CorpusDocument], dict[str, str]]:
    """Documents of every file that loads, and the error of every file that does not (a
    broken file fails test_corpus_files_validate instead of hiding the others)."""
    docs: list[CorpusDocument] = []
    broken: dict[str, str] = {}
    for path in FILES:
        try:
            docs += load_file(path)
        except CorpusError as err:
            broken[path.name] = str(err)
    return docs, broken


DOCS, BROKEN = _documents()


def test_corpus_files_validate() -> None:
    assert FILES, "no corpus/*.yaml"
    assert not BROKEN, "\n".join(BROKEN.values())
    everything = load_corpus()  # ids unique across files too
    assert len(everything) == len(DOCS)
    assert "not-cameras.yaml" in {p.name for p in FILES}


def test_corpus_has_both_sides() -> None:
    cameras = [d for d in DOCS if d.expect.get("is_camera") is True]
    others = [d for d in DOCS if d.expect.get("is_camera") is False]
    assert len(others) >= 25, f"{len(others)} non-camera documents"
    assert cameras or len(FILES) == 1, "camera documents expected from the maker families"


@pytest.mark.parametrize("doc", DOCS, ids=[f"{d.file}:{d.id}" for d in DOCS])
def test_document(doc: CorpusDocument) -> None:
    verdict = ENGINE.identify(doc.document).to_dict()
    wrong = {key: (verdict[key], want) for key, want in doc.expect.items() if verdict[key] != want}
    fired = sorted({e["rule"] for e in verdict["evidence"]})
    assert not wrong, (
        f"{doc.file}:{doc.line} {doc.id}: got/expected {wrong}; rules fired: {fired}; "
        f"errors: {verdict['errors']}"
    )


def test_scores(capsys: pytest.CaptureFixture[str]) -> None:
    """The benchmark's scores over the corpus, printed (``pytest -s`` shows them)."""
    scores = measure(DOCS, ENGINE)
    assert scores.documents == len(DOCS)
    out = tables(scores)
    with capsys.disabled():
        for t in out:
            print("\n" + t.text())
    # The whole-document row and one row per protocol present in the corpus.
    protocols = {p for d in DOCS for p in d.protocols}
    rows = {r[0] for r in out[0].rows}
    assert {f"{p} only" for p in protocols} <= rows
    assert scores.not_cameras_called.total >= 25
    # What every document asserts is asserted above; here: the summary agrees with it.
    assert scores.not_cameras_called.hits == sum(
        1
        for d in DOCS
        if d.expect.get("is_camera") is False and ENGINE.identify(d.document).is_camera
    )


# -- a broken corpus is refused, naming the file and the document -----------------------------

GOOD: dict[str, Any] = {
    "id": "printer-x",
    "source": "https://github.com/owner/repo/issues/1",
    "says": "HP LaserJet",
    "protocols": ["snmp"],
    "expect": {"is_camera": False},
    "document": {"ip": "192.0.2.9", "snmp": {"sysDescr": "HP ETHERNET MULTI-ENVIRONMENT"}},
}


def _write(tmp_path: Path, *docs: dict[str, Any], name: str = "broken.yaml") -> Path:
    import yaml

    path = tmp_path / name
    path.write_text(yaml.safe_dump({"documents": list(docs)}, sort_keys=False))
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    (doc,) = load_file(_write(tmp_path, GOOD))
    assert doc.id == "printer-x" and doc.line == 2
    assert doc.reduced("snmp") == {"ip": "192.0.2.9", "snmp": GOOD["document"]["snmp"]}
    assert doc.reduced("http") is None
    # A citation may quote the paths a device answered on; only local files are refused.
    quoted = {**GOOD, "source": "https://github.com/owner/repo/issues/1 (GET /ISAPI/System)"}
    assert load_file(_write(tmp_path, quoted, name="quoted.yaml"))[0].source == quoted["source"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"source": "/srv/notes/research/fingerprints.md"}, "never a local path"),
        ({"source": "research/fingerprints.md 14"}, "never a local path"),
        ({"source": "capture in /home/me/notes.md"}, "never a local path"),
        ({"source": ""}, "source must be a citation"),
        ({"expect": {"is_camera": False, "confidence": 0.9}}, "unknown keys ['confidence']"),
        ({"expect": {"device_type": "printer"}}, "expect.device_type must be one of"),
        ({"expect": {"is_camera": "no"}}, "expect.is_camera must be true or false"),
        ({"document": ["not", "a", "mapping"]}, "document must be a non-empty mapping"),
        ({"document": {"ip": "8.8.8.8", "snmp": {"sysDescr": "x"}}}, "not a documentation"),
        (
            {
                "document": {
                    "ip": "192.0.2.9",
                    "snmp": {"sysDescr": "x"},
                    "ssdp": [{"raw": "LOCATION: http://8.8.4.4:80/"}],
                }
            },
            "public address 8.8.4.4",
        ),
        ({"protocols": ["http"]}, "no http entry"),
        ({"protocols": ["telnet"]}, "unknown protocol 'telnet'"),
        ({"synthetic": True}, "unknown keys ['synthetic']"),
    ],
)
def test_a_broken_document_is_refused(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    path = _write(tmp_path, {**GOOD, "id": "ok-one"}, {**GOOD, **change})
    with pytest.raises(CorpusError) as err:
        load_file(path)
    text = str(err.value)
    assert message in text
    assert text.startswith("broken.yaml:") and "document printer-x" in text


def test_missing_keys_are_named(tmp_path: Path) -> None:
    doc = {k: v for k, v in GOOD.items() if k not in ("says", "expect")}
    with pytest.raises(
        CorpusError, match=r"broken\.yaml:2: document printer-x: missing says, expect"
    ):
        load_file(_write(tmp_path, doc))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"broken\.yaml:\d+: document printer-x: duplicate id"):
        load_file(_write(tmp_path, GOOD, GOOD))
    _write(tmp_path, GOOD, name="a.yaml")
    _write(tmp_path, GOOD, name="b.yaml")
    (tmp_path / "broken.yaml").unlink()
    with pytest.raises(CorpusError, match=r"b\.yaml:2: document printer-x: duplicate id .*a\.yaml"):
        load_corpus(tmp_path)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("documents:\n  - id: [unclosed\n")
    with pytest.raises(CorpusError, match=r"bad\.yaml:\d+: invalid YAML"):
        load_file(path)
    path.write_text("items: []\n")
    with pytest.raises(CorpusError, match=r"bad\.yaml: needs a 'documents:' list"):
        load_file(path)
