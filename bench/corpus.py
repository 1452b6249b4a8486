"""Score camscan over the real-reply corpus (corpus/*.yaml): no lab, no network, seconds.

Maker precision, recall and F1, overall and per protocol (each document reduced to that
protocol's keys, so a row says what that protocol alone gives), white labels traced,
non-cameras called cameras, cameras missed and device-type accuracy.

    .venv/bin/python -m bench.corpus            # print the tables
    .venv/bin/python -m bench.corpus --append   # and append them to docs/benchmarks.md

`make bench` (bench/run.py) prints and appends the same tables after the lab tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/corpus.py`
    sys.path.insert(0, str(ROOT))

from bench.report import Table, append_results  # noqa: E402
from camscan.fingerprint import Engine, Verdict, load_engine  # noqa: E402
from camscan.fingerprint.corpus import (  # noqa: E402
    PROTOCOL_KEYS,
    CorpusDocument,
    CorpusError,
    corpus_files,
    load_corpus,
)

MAX_LISTED = 6  # ids quoted under a table when something is wrong


@dataclass
class MakerScore:
    """Maker naming over a set of documents.

    ``stated``: the source names a maker; ``named``: camscan named one; ``right``: it named
    the one the source states.  A maker named where the source names none cannot be judged
    (a white label whose source names only the brand) and is left out of precision, except
    a camera maker named on a document the source says is not a camera: that is wrong.
    """

    label: str
    documents: int = 0
    stated: int = 0
    named: int = 0
    judged: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.right / self.judged if self.judged else None

    @property
    def recall(self) -> float | None:
        return self.right / self.stated if self.stated else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(
        self, doc_id: str, expected: str | None, named: str | None, *, wrong_anyway: bool = False
    ) -> None:
        self.documents += 1
        if expected:
            self.stated += 1
        if named:
            self.named += 1
        if named and (expected or wrong_anyway):
            self.judged += 1
            if named == expected:
                self.right += 1
            else:
                self.wrong.append(f"{doc_id} ({named})")
        elif named:
            self.unjudged.append(f"{doc_id} ({named})")
        if expected and not named:
            self.missed.append(doc_id)


@dataclass
class Ratio:
    """``hits`` of ``total`` documents, with the ids of the others."""

    hits: int = 0
    total: int = 0
    others: list[str] = field(default_factory=list)

    def add(self, doc_id: str, hit: bool) -> None:
        self.total += 1
        if hit:
            self.hits += 1
        else:
            self.others.append(doc_id)


@dataclass
class CorpusScores:
    """Everything the corpus tables show."""

    documents: int
    files: int
    overall: MakerScore
    per_protocol: list[MakerScore]
    device_type: Ratio  # expected device_type given: verdict agrees
    white_labels: Ratio  # expected white_label true: white label, brand and maker right
    not_cameras_called: Ratio  # expected not a camera: hits = called a camera
    cameras_missed: Ratio  # expected a camera: hits = not called a camera


def _is_not_camera(expect: dict[str, Any]) -> bool:
    return expect.get("is_camera") is False or expect.get("device_type") == "not_camera"


def _is_camera(expect: dict[str, Any]) -> bool:
    return expect.get("is_camera") is True or expect.get("device_type") in (
        "camera",
        "nvr",
        "dvr",
        "encoder",
    )


def _judge(engine: Engine, want: dict[str, Any], v: Verdict) -> dict[str, bool]:
    """A camera maker named on a host the source says is not a camera is wrong even when
    the source names no maker."""
    info = engine.ruleset.manufacturers.get(v.manufacturer or "")
    return {"wrong_anyway": _is_not_camera(want) and info is not None and info.makes == "cameras"}


def measure(docs: list[CorpusDocument], engine: Engine | None = None) -> CorpusScores:
    """Identify every document (whole, then reduced to each protocol) and score it."""
    engine = engine or load_engine()
    overall = MakerScore("overall")
    per = {p: MakerScore(p) for p in PROTOCOL_KEYS}
    device_type, white, not_cam, missed = Ratio(), Ratio(), Ratio(), Ratio()
    for doc in docs:
        want = doc.expect
        v = engine.identify(doc.document)
        overall.add(doc.id, want.get("manufacturer"), v.manufacturer, **_judge(engine, want, v))
        if "device_type" in want:
            device_type.add(doc.id, v.device_type == want["device_type"])
        if want.get("white_label") is True:
            ok = v.white_label and v.manufacturer == want.get("manufacturer")
            ok = ok and ("brand" not in want or v.brand == want["brand"])
            white.add(doc.id, bool(ok))
        if _is_not_camera(want):
            not_cam.add(doc.id, not v.is_camera)
        elif _is_camera(want):
            missed.add(doc.id, v.is_camera)
        for proto, score in per.items():
            reduced = doc.reduced(proto)
            if reduced is not None:
                r = engine.identify(reduced)
                score.add(
                    doc.id, want.get("manufacturer"), r.manufacturer, **_judge(engine, want, r)
                )
    # Ratio.hits counts the good outcome; the table shows the bad ones for these two.
    called = Ratio(not_cam.total - not_cam.hits, not_cam.total, not_cam.others)
    lost = Ratio(missed.total - missed.hits, missed.total, missed.others)
    return CorpusScores(
        documents=len(docs),
        files=len({d.file for d in docs}),
        overall=overall,
        per_protocol=[s for s in per.values() if s.documents],
        device_type=device_type,
        white_labels=white,
        not_cameras_called=called,
        cameras_missed=lost,
    )


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    return shown + (f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else "")


def tables(s: CorpusScores) -> list[Table]:
    """The maker table (overall + per protocol) and the type/white-label table."""
    maker = Table(
        f"Real-reply corpus: maker ({s.documents} documents, {s.files} files)",
        (
            "Evidence",
            "Documents",
            "Maker stated",
            "Named",
            "Unjudged",
            "Right",
            "Precision",
            "Recall",
            "F1",
        ),
    )
    for m in [s.overall, *s.per_protocol]:
        maker.rows.append(
            (
                "whole document" if m.label == "overall" else f"{m.label} only",
                str(m.documents),
                str(m.stated),
                str(m.named),
                str(len(m.unjudged)),
                str(m.right),
                _f(m.precision),
                _f(m.recall),
                _f(m.f1),
            )
        )
    maker.notes.append(
        "precision: of the documents where camscan named a maker, the share right; "
        "'unjudged': named where the source names no maker (white labels whose source names "
        "only the brand), left out of precision, except a camera maker named on a "
        "non-camera, which counts wrong; recall: of the documents whose source names a "
        "maker, the share camscan named right"
    )
    maker.notes.append(
        "'<protocol> only': the document reduced to that protocol's keys (docs/evidence.md), "
        "so the row says what that protocol alone gives"
    )
    if s.overall.wrong:
        maker.notes.append(f"wrong maker: {_ids(s.overall.wrong)}")
    if s.overall.missed:
        maker.notes.append(f"maker missed: {_ids(s.overall.missed)}")
    if s.overall.unjudged:
        maker.notes.append(f"unjudged: {_ids(s.overall.unjudged)}")
    kinds = Table(
        "Real-reply corpus: device types, white labels, non-cameras",
        ("Measure", "Result", "Share"),
    )

    def row(label: str, r: Ratio, good_is_high: bool = True) -> None:
        share = r.hits / r.total if r.total else None
        kinds.rows.append((label, f"{r.hits} of {r.total}", _f(share)))
        bad = r.others if good_is_high else []
        if bad:
            kinds.notes.append(f"{label}: not so for {_ids(bad)}")

    row("device type right", s.device_type)
    row("white labels traced (white label, brand and maker right)", s.white_labels)
    row("non-cameras called cameras", s.not_cameras_called, good_is_high=False)
    row("cameras not called cameras", s.cameras_missed, good_is_high=False)
    if s.not_cameras_called.hits:
        kinds.notes.append(f"called cameras: {_ids(s.not_cameras_called.others)}")
    if s.cameras_missed.hits:
        kinds.notes.append(f"cameras missed: {_ids(s.cameras_missed.others)}")
    return [maker, kinds]


def corpus_tables(directory: Path | None = None) -> list[Table]:
    """The corpus tables for `make bench`; a broken corpus becomes a table saying why."""
    try:
        docs = load_corpus(directory)
    except CorpusError as err:
        t = Table("Real-reply corpus", ("Result",), [("not scored",)])
        t.notes.append(str(err))
        return [t]
    if not docs:
        t = Table("Real-reply corpus", ("Result",), [("no documents",)])
        t.notes.append(f"{len(corpus_files(directory))} corpus files, no documents")
        return [t]
    return tables(measure(docs))


def main(argv: list[str] | None = None) -> int:
    """Print the corpus tables; with --append also add them to docs/benchmarks.md."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--append", action="store_true", help="append to docs/benchmarks.md")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--corpus", type=Path, default=None, help="corpus directory")
    args = ap.parse_args(argv)
    when = dt.datetime.now(dt.UTC)
    out = corpus_tables(args.corpus)
    for t in out:
        print("\n" + t.text())
    if args.append:
        command = shlex.join(
            [
                ".venv/bin/python",
                "-m",
                "bench.corpus",
                *(argv if argv is not None else sys.argv[1:]),
            ]
        )
        head = "; ".join(f"{r[0]}: {r[1]}" for r in out[-1].rows)
        append_results(args.output, command=command, tables=out, headline=head, when=when)
        print(f"bench: appended to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
