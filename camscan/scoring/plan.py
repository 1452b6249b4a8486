"""A phased replacement plan: ranked devices, unit costs by class, phases that fit a budget.

Devices are taken in priority order (band, then score, highest first) and placed into
phases of at most ``budget`` each, in that order: a phase closes when the next device does
not fit, so a cheaper, lower-priority device never jumps ahead of a dearer, more urgent one.
A device that costs more than a whole phase's budget is listed as unfunded.

A **phase** is one round of spending of at most the budget (for instance one financial
year), spent in order: phase 1 first.  Because devices are taken band by band, P1 devices
("replace now") fill the first phases, then P2 ("replace this year"), then P3 ("plan the
replacement").

Unit costs by device class (installed, like for like on existing cabling) default to
placeholder figures in GBP, derived from UK figures (Hart District Council 2013,
https://www.coovision.cn/English/html/3248591150.html; a UK installer's 20-camera example,
https://safeguardsystems.co.uk/cctv-monitoring/cctv-monitoring-costs-what-are-they/; PTZ
3-4x a fixed camera, https://techfeatured.com/automotive/12468/ptz-security-cameras-what-are-they-and-do-i-need-one).
They are labelled as placeholders everywhere they are shown: a TOML costs file replaces them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from camscan.errors import PolicyError
from camscan.scoring.facts import DeviceFacts, ScoredDevice
from camscan.scoring.policy import read_toml

CLASSES = ("camera", "ptz", "nvr", "dvr", "encoder")
# Fixed camera 800-1,500 installed (1,000 point estimate, below the ~2,350-2,500 all-in UK
# system figures cited above, which include new cabling); PTZ about 3.5x a fixed camera;
# NVR/DVR 2,000-4,000 by channels and storage (3,000 midpoint).  No source gives an encoder
# figure: priced as a camera (an assumption, documented in docs/scoring.md).
DEFAULT_COSTS = {"camera": 1000.0, "ptz": 3500.0, "nvr": 3000.0, "dvr": 3000.0, "encoder": 1000.0}
DEFAULT_CURRENCY = "GBP"  # the figures above are UK (GBP) figures
DEFAULT_SOURCE = "placeholder defaults (docs/scoring.md): replace them with --costs FILE"
DEFAULT_BANDS = ("P1", "P2", "P3")
# "PTZ" anywhere in the model (PTZ3E10X-T180, SD-PTZ...), or a maker's PTZ model family.
_PTZ = re.compile(
    r"(?i)ptz|^DS-2(?:DE|DF|SE)|^(?:DHI?-)?SD\d|^(?:AXIS\s+)?Q6\d|^PT\d+X|^XNP-|^SNP-"
)


@dataclass(frozen=True)
class Costs:
    classes: dict[str, float]
    models: dict[str, float]
    currency: str = DEFAULT_CURRENCY
    source: str = DEFAULT_SOURCE
    placeholder: bool = True  # the class prices are camscan's defaults, not the user's

    def money(self, amount: float) -> str:
        """``GBP 1,000``: an amount always carries its currency."""
        return f"{self.currency} {amount:,.0f}"

    def of(self, device: DeviceFacts) -> tuple[str, float]:
        cls = device_class(device)
        model = device.model
        if model and model in self.models:
            return cls, self.models[model]
        return cls, self.classes[cls]


def device_class(device: DeviceFacts) -> str:
    kind = device.device_type
    if kind in ("nvr", "dvr", "encoder"):
        return str(kind)
    return "ptz" if _PTZ.search(str(device.model or "")) else "camera"


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
    currency = data.get("currency", DEFAULT_CURRENCY)
    if not isinstance(currency, str) or not currency.strip() or len(currency) > 12:
        raise PolicyError(f"costs file {p}: currency must be a short code such as GBP, EUR, USD")
    given = set(data.get("classes") or {})
    return Costs(classes, models, currency.strip(), str(p), placeholder=given != set(CLASSES))


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
    device: ScoredDevice
    device_class: str
    cost: float
    reasons: list[str]


@dataclass
class Phase:
    number: int
    items: list[PlanItem] = field(default_factory=list)

    @property
    def bands(self) -> str:
        """The bands this phase replaces, in the bands' own words (``P1 replace now: 3``)."""
        from camscan.scoring.policy import BAND_MEANING

        counts: dict[str, int] = {}
        for i in self.items:
            b = str(i.device.band)
            counts[b] = counts.get(b, 0) + 1
        return ", ".join(f"{b} {BAND_MEANING.get(b, '')}: {n}" for b, n in sorted(counts.items()))

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
        """What the phases fund (the funded amount)."""
        return sum(p.total for p in self.phases)

    @property
    def unfunded_total(self) -> float:
        return sum(i.cost for i in self.unfunded)

    @property
    def needed(self) -> float:
        """What replacing every planned device costs: funded plus unfunded."""
        return self.total + self.unfunded_total

    @property
    def cheapest(self) -> float | None:
        costs = [i.cost for p in self.phases for i in p.items] + [i.cost for i in self.unfunded]
        return min(costs) if costs else None

    @property
    def below_cheapest(self) -> bool:
        """The budget per phase cannot buy even the cheapest planned unit."""
        return self.cheapest is not None and self.budget < self.cheapest

    def totals_line(self) -> str:
        """Needed, funded and unfunded amounts in one sentence, with the budget warning."""
        m = self.costs.money
        n_unf = len(self.unfunded)
        line = (
            f"needed {m(self.needed)}; funded {m(self.total)} in {len(self.phases)} "
            f"phase{'' if len(self.phases) == 1 else 's'} of at most {m(self.budget)}; "
            f"unfunded {m(self.unfunded_total)} ({n_unf} device{'' if n_unf == 1 else 's'} "
            "dearer than one phase's budget)"
        )
        if self.below_cheapest and self.cheapest is not None:
            line += (
                f". The budget per phase ({m(self.budget)}) is below the cheapest unit "
                f"({m(self.cheapest)}): nothing can be funded; give --budget of at least "
                f"{m(self.cheapest)}"
            )
        if self.costs.placeholder:
            line += ". Unit costs are placeholders: set your own with --costs FILE"
        return line

    def by_site(self) -> dict[str, float]:
        return _site_totals([i for p in self.phases for i in p.items])

    def as_dict(self) -> dict[str, Any]:
        return {
            "budget_per_phase": self.budget,
            "currency": self.costs.currency,
            "unit_costs": self.costs.classes,
            "model_costs": self.costs.models,
            "costs_source": self.costs.source,
            "costs_placeholder": self.costs.placeholder,
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
            "needed": self.needed,
            "funded": self.total,
            "total_unfunded": self.unfunded_total,
            "budget_below_cheapest_unit": self.below_cheapest,
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
                out.append(
                    {
                        "phase": phase,
                        **_item_dict(i),
                        "currency": self.costs.currency,
                        "reasons": "; ".join(i.reasons),
                    }
                )
        return out


def _item_dict(i: PlanItem) -> dict[str, Any]:
    d = i.device
    return {
        "id": d.id,
        "ip": d.ip,
        "site": d.site,
        "zone": d.zone,
        "manufacturer": d.manufacturer,
        "brand": d.brand,
        "model": d.model,
        "device_type": d.device_type,
        "class": i.device_class,
        "band": d.band,
        "score": d.score,
        "cost": i.cost,
        "reasons": i.reasons,
    }


def _site_totals(items: Iterable[PlanItem]) -> dict[str, float]:
    out: dict[str, float] = {}
    for i in items:
        site = str(i.device.site or "")
        out[site] = out.get(site, 0.0) + i.cost
    return dict(sorted(out.items()))


def top_reasons(factors: Iterable[Mapping[str, Any]], n: int = 3) -> list[str]:
    """The reasons of the factors that gave the most points."""
    scored = [f for f in factors if (f.get("points") or 0) > 0]
    scored.sort(key=lambda f: -float(f.get("points") or 0))
    return [str(f.get("reason")) for f in scored[:n]]


def priority_key(device: ScoredDevice) -> tuple[str, float, int]:
    return (str(device.band or "P9"), -float(device.score or 0), int(device.id))


def build_plan(
    devices: Iterable[ScoredDevice],
    budget: float,
    costs: Costs | None = None,
    bands: tuple[str, ...] = DEFAULT_BANDS,
) -> Plan:
    """Phases of at most ``budget`` for the scored devices in ``bands``, in priority order."""
    if not budget > 0:
        raise PolicyError("the budget must be more than 0")
    costs = costs or load_costs()
    ranked = [d for d in devices if d.band in ("P1", "P2", "P3", "P4")]
    chosen = sorted((d for d in ranked if d.band in bands), key=priority_key)
    phases: list[Phase] = []
    unfunded: list[PlanItem] = []
    current = Phase(1)
    for d in chosen:
        cls, cost = costs.of(d)
        item = PlanItem(d, cls, cost, top_reasons(d.score_factors or []))
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
