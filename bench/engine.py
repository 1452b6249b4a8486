"""The fingerprint engine's throughput over the evidence a real scan stored.

Evidence documents are rebuilt from the inventory first (not timed), then the engine's
``identify`` is timed alone, repeated over the set until enough time has passed for a
stable figure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Throughput:
    """Verdicts per second and mean microseconds per device."""

    documents: int
    verdicts: int
    seconds: float
    load_seconds: float  # load_engine(): reading and validating camscan/fingerprints/

    @property
    def per_second(self) -> float:
        """Verdicts per second."""
        return self.verdicts / self.seconds if self.seconds else 0.0

    @property
    def mean_us(self) -> float:
        """Mean microseconds per verdict."""
        return 1e6 * self.seconds / self.verdicts if self.verdicts else 0.0


def stored_documents(db: Path) -> list[dict[str, Any]]:
    """Every device's latest evidence document from the inventory at ``db``."""
    from sqlalchemy import select

    from camscan.inventory import models as m
    from camscan.inventory.db import open_inventory
    from camscan.inventory.queries import latest_evidence

    inv = open_inventory(str(db), upgrade=False)
    with inv.session() as s:
        return [latest_evidence(s, dev) for dev in s.scalars(select(m.Device))]


def measure(
    docs: list[dict[str, Any]], *, min_seconds: float = 2.0, max_rounds: int = 50
) -> Throughput:
    """Time ``identify`` over ``docs``, at least ``min_seconds`` or ``max_rounds`` passes."""
    from camscan.fingerprint import load_engine

    t0 = time.perf_counter()
    engine = load_engine()
    load = time.perf_counter() - t0
    verdicts = 0
    start = time.perf_counter()
    for _ in range(max_rounds):
        for doc in docs:
            engine.identify(doc)
        verdicts += len(docs)
        if time.perf_counter() - start >= min_seconds or not docs:
            break
    return Throughput(
        documents=len(docs),
        verdicts=verdicts,
        seconds=time.perf_counter() - start,
        load_seconds=load,
    )
