"""A phased replacement plan: ranked devices, unit costs by class, phases that fit a budget.

Devices are taken in priority order (band, then score, highest first) and placed into
phases of at most ``budget`` each, in that order: a phase closes when the next device does
not fit, so a cheaper, lower-priority device never jumps ahead of a dearer, more urgent one.
A device that costs more than a whole phase's budget is listed as unfunded.

Unit costs by device class (installed, like for like on existing cabling) default to the
figures derived in oem-policy-vulns.md section 4.3 and are overridden by a TOML costs file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from camscan.errors import PolicyError
from camscan.scoring.policy import read_toml

CLASSES = ("camera", "ptz", "nvr", "dvr", "encoder")
# Research 4.3: fixed camera 800-1,500 installed (1,000 point estimate); PTZ about 3.5x a
# fixed camera; NVR/DVR 2,000-4,000 by channels and storage (3,000 midpoint).  No source
# gives an encoder figure: priced as a camera (an assumption, documented in docs/scoring.md).
DEFAULT_COSTS = {"camera": 1000.0, "ptz": 3500.0, "nvr": 3000.0, "dvr": 3000.0, "encoder": 1000.0}
DEFAULT_BANDS = ("P1", "P2", "P3")
_PTZ = re.compile(
    r"(?i)\bptz\b|^DS-2(?:DE|DF|SE)|^(?:DHI?-)?SD\d|^(?:AXIS\s+)?Q6\d|^PT\d+X|^XNP-|^SNP-"
)


@dataclass(frozen=True)
class Costs:
    classes: dict[str, float]
    models: dict[str, float]
    currency: str = ""
    source: str = "defaults (docs/scoring.md)"

    def of(self, device: dict[str, Any]) -> tuple[str, float]:
        cls = device_class(device)
        model = device.get("model")
        if model and model in self.models:
            return cls, self.models[model]
        return cls, self.classes[cls]


def device_class(device: dict[str, Any]) -> str:
    kind = device.get("device_type")
    if kind in ("nvr", "dvr", "encoder"):
        return str(kind)
    return "ptz" if _PTZ.search(str(device.get("model") or "")) else "camera"


def load_costs(path: str | Path | None = None) -> Costs:
    """Default unit costs, with a TOML file (currency, [classes], [models]) laid over them."""
    if path is None:
        return Costs(dict(DEFAULT_COSTS), {})
    p = Path(path).expanduser()
    data = read_toml(p, "costs")
    unknown = set(data) - {"currency", "classes", "models"}
    if unknown:
        raise PolicyError(
            f"costs file {p}: unknown key(s) {', '.join(sorted(unknown))}; "
            "it takes currency, [classes] and [models]"
        )
    classes = dict(DEFAULT_COSTS)
    for key, value in (data.get("classes") or {}).items():
        if key not in CLASSES:
            raise PolicyError(
                f"costs file {p}: unknown class {key!r}; classes: {', '.join(CLASSES)}"
            )
        classes[key] = _amount(f"costs file {p}: classes.{key}", value)
    models = {
        str(k): _amount(f"costs file {p}: models.{k}", v)
        for k, v in (data.get("models") or {}).items()
    }
    return Costs(classes, models, str(data.get("currency", "")), str(p))


def _amount(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise PolicyError(f"{where} must be an amount >= 0, not {value!r}")
    return float(value)


def parse_amount(text: str) -> float:
    """``20000``, ``20,000``, ``20_000``, ``£20k``, ``1.5m`` -> a positive number."""
    t = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    t = t.lstrip("£$€¥")
    mult = 1.0
    if t[-1:].lower() in ("k", "m"):
        mult = 1_000.0 if t[-1].lower() == "k" else 1_000_000.0
        t = t[:-1]
    try:
        value = float(t) * mult
    except ValueError:
        raise PolicyError(f"budget {text!r} is not an amount (e.g. 20000, 20,000 or 20k)") from None
    if not value > 0 or value == float("inf"):
        raise PolicyError(f"budget {text!r} must be more than 0")
    return value


@dataclass
class PlanItem:
    device: dict[str, Any]
    device_class: str
    cost: float
    reasons: list[str]


@dataclass
class Phase:
    number: int
    items: list[PlanItem] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(i.cost for i in self.items)

    def by_site(self) -> dict[str, float]:
        return _site_totals(self.items)


@dataclass
class Plan:
    budget: float
    costs: Costs
    bands: tuple[str, ...]
    phases: list[Phase]
    unfunded: list[PlanItem]
    not_planned: int  # ranked devices in bands outside the plan (P4)

    @property
    def total(self) -> float:
        return sum(p.total for p in self.phases)

    def by_site(self) -> dict[str, float]:
        return _site_totals([i for p in self.phases for i in p.items])

    def as_dict(self) -> dict[str, Any]:
        return {
            "budget_per_phase": self.budget,
            "currency": self.costs.currency,
            "unit_costs": self.costs.classes,
            "model_costs": self.costs.models,
            "costs_source": self.costs.source,
            "bands": list(self.bands),
            "phases": [
                {
                    "phase": p.number,
                    "total": p.total,
                    "by_site": p.by_site(),
                    "devices": [_item_dict(i) for i in p.items],
                }
                for p in self.phases
            ],
            "unfunded": [_item_dict(i) for i in self.unfunded],
            "total": self.total,
            "total_unfunded": sum(i.cost for i in self.unfunded),
            "by_site": self.by_site(),
            "not_planned": self.not_planned,
        }

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per device (CSV): the phase, or ``unfunded``."""
        out = []
        for phase, items in [(str(p.number), p.items) for p in self.phases] + [
            ("unfunded", self.unfunded)
        ]:
            for i in items:
                out.append({"phase": phase, **_item_dict(i), "reasons": "; ".join(i.reasons)})
        return out


def _item_dict(i: PlanItem) -> dict[str, Any]:
    d = i.device
    return {
        "id": d.get("id"),
        "ip": d.get("ip"),
        "site": d.get("site"),
        "zone": d.get("zone"),
        "manufacturer": d.get("manufacturer"),
        "brand": d.get("brand"),
        "model": d.get("model"),
        "device_type": d.get("device_type"),
        "class": i.device_class,
        "band": d.get("band"),
        "score": d.get("score"),
        "cost": i.cost,
        "reasons": i.reasons,
    }


def _site_totals(items: Iterable[PlanItem]) -> dict[str, float]:
    out: dict[str, float] = {}
    for i in items:
        site = str(i.device.get("site") or "")
        out[site] = out.get(site, 0.0) + i.cost
    return dict(sorted(out.items()))


def top_reasons(factors: Iterable[dict[str, Any]], n: int = 3) -> list[str]:
    """The reasons of the factors that gave the most points."""
    scored = [f for f in factors if (f.get("points") or 0) > 0]
    scored.sort(key=lambda f: -float(f.get("points") or 0))
    return [str(f.get("reason")) for f in scored[:n]]


def priority_key(device: dict[str, Any]) -> tuple[str, float, int]:
    return (str(device.get("band") or "P9"), -float(device.get("score") or 0), int(device["id"]))


def build_plan(
    devices: Iterable[dict[str, Any]],
    budget: float,
    costs: Costs | None = None,
    bands: tuple[str, ...] = DEFAULT_BANDS,
) -> Plan:
    """Phases of at most ``budget`` for the scored devices in ``bands``, in priority order."""
    if not budget > 0:
        raise PolicyError("the budget must be more than 0")
    costs = costs or load_costs()
    ranked = [d for d in devices if d.get("band") in ("P1", "P2", "P3", "P4")]
    chosen = sorted((d for d in ranked if d.get("band") in bands), key=priority_key)
    phases: list[Phase] = []
    unfunded: list[PlanItem] = []
    current = Phase(1)
    for d in chosen:
        cls, cost = costs.of(d)
        item = PlanItem(d, cls, cost, top_reasons(d.get("score_factors") or []))
        if cost > budget:
            unfunded.append(item)
            continue
        if current.total + cost > budget + 1e-9:
            phases.append(current)
            current = Phase(current.number + 1)
        current.items.append(item)
    if current.items:
        phases.append(current)
    return Plan(budget, costs, bands, phases, unfunded, len(ranked) - len(chosen))
