"""What the dashboard reads and changes, over the library's own functions.

The web layer calls only this module, so a rename in the inventory, scoring or report code
touches one file.  Listings of the device table are one SQL query (filters, sorting,
a page of rows, flat columns only): a 5,000-device inventory pages without loading every
device record.  Everything else is the code the CLI runs: the queries of
camscan/inventory/queries.py, `camscan tag`'s repository.set_tags and re-score, the
report's view, the plan and the exports.
"""

from __future__ import annotations

import ipaddress
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, case, func, or_, select

from camscan.inventory import models as m
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory
from camscan.scoring.plan import DEFAULT_BANDS, Costs, Plan, build_plan, load_costs
from camscan.scoring.policy import BAND_MEANING, BANDS, Policy
from camscan.scoring.score import UNRANKED_BAND
from camscan.scoring.vulns import VulnData

__all__ = [
    "BANDS",
    "BAND_MEANING",
    "DeviceFilter",
    "DevicePage",
    "changes",
    "choices",
    "device",
    "devices",
    "export_csv",
    "export_pdf",
    "export_xlsx",
    "plan",
    "sites_overview",
    "tag",
]

TYPES = ("camera", "nvr", "dvr", "encoder", "not_camera", "unknown")
SEEN = {
    "1d": "in the last 24 hours",
    "7d": "in the last 7 days",
    "30d": "in the last 30 days",
    "over30d": "more than 30 days ago",
    "over90d": "more than 90 days ago",
}
SORTS = {
    "priority": "priority",
    "ip": "IP address",
    "site": "site",
    "maker": "made by",
    "brand": "brand shown",
    "model": "model",
    "type": "type",
    "firmware": "firmware",
    "score": "score",
    "last_seen": "last seen",
}
PAGE_SIZES = (25, 50, 100, 200)


@dataclass(frozen=True)
class Scoring:
    """What scores and costs come from: the policy of a site without a stored one and the
    vulnerability data (`camscan serve` reads them as every command does, from
    $CAMSCAN_POLICY and $CAMSCAN_VULNS), and the unit costs of the plan."""

    default_policy: Policy | None = None
    vulns: VulnData | None = None
    costs: Costs | None = None  # unit costs (`--costs FILE`); None: the placeholders


_COLUMNS = {
    "site": m.Site.name,
    "maker": m.Device.manufacturer,
    "brand": m.Device.brand,
    "model": m.Device.model,
    "type": m.Device.device_type,
    "firmware": m.Device.firmware,
    "score": m.Device.score,
    "last_seen": m.Device.last_seen,
}


@dataclass(frozen=True)
class DeviceFilter:
    """The device table's query: filters, sort and page (from the page's GET form)."""

    site: str = ""
    band: str = ""  # P1..P4, or "-" for hosts not ranked (not cameras, never scored)
    maker: str = ""
    white_label: str = ""  # "", "yes", "no"
    type: str = ""
    seen: str = ""  # a key of SEEN
    q: str = ""  # text in IP, MAC, model, brand or serial
    sort: str = "priority"
    order: str = "asc"
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_query(cls, params: dict[str, str]) -> DeviceFilter:
        """The filter a query string asks for; a value it does not know is left out."""

        def pick(key: str, allowed: tuple[str, ...] | dict[str, str]) -> str:
            v = params.get(key, "")
            return v if v in allowed else ""

        def number(key: str, default: int) -> int:
            v = params.get(key, "")
            return int(v) if v.isdigit() and 0 < len(v) < 7 else default

        per_page = number("per_page", 50)
        return cls(
            site=params.get("site", "")[:200],
            band=pick("band", (*BANDS, UNRANKED_BAND)),
            maker=params.get("maker", "")[:120],
            white_label=pick("white_label", ("yes", "no")),
            type=pick("type", TYPES),
            seen=pick("seen", SEEN),
            q=params.get("q", "")[:100].strip(),
            sort=pick("sort", SORTS) or "priority",
            order="desc" if params.get("order") == "desc" else "asc",
            page=max(number("page", 1), 1),
            per_page=per_page if per_page in PAGE_SIZES else 50,
        )

    def query(self, **changes: Any) -> dict[str, str]:
        """This filter (with ``changes``) as query parameters, defaults left out."""
        f = replace(self, **changes)
        default = DeviceFilter()
        return {
            k: str(getattr(f, k))
            for k in self.__dataclass_fields__
            if getattr(f, k) != getattr(default, k)
        }


@dataclass
class DevicePage:
    rows: list[dict[str, Any]]
    total: int
    filter: DeviceFilter
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max((self.total + self.filter.per_page - 1) // self.filter.per_page, 1)


def _filtered(f: DeviceFilter, now: datetime) -> Select[*tuple[Any, ...]]:
    d = m.Device
    q: Select[*tuple[Any, ...]] = select(
        d.id, d.ip, d.mac, m.Site.name.label("site"), d.device_type, d.manufacturer, d.brand,
        d.white_label, d.model, d.firmware, d.band, d.score, d.confidence, d.last_seen,
        d.zone, d.is_camera,
    ).join(m.Site, d.site_id == m.Site.id)  # fmt: skip
    if f.site:
        q = q.where(m.Site.name == f.site)
    if f.band == UNRANKED_BAND:
        q = q.where(or_(d.band.is_(None), d.band.notin_(BANDS)))
    elif f.band:
        q = q.where(d.band == f.band)
    if f.maker:
        q = q.where(func.lower(d.manufacturer) == f.maker.casefold())
    if f.white_label:
        q = q.where(d.white_label.is_(f.white_label == "yes"))
    if f.type:
        q = q.where(d.device_type == f.type)
    if f.seen:
        days = {"1d": 1, "7d": 7, "30d": 30, "over30d": 30, "over90d": 90}[f.seen]
        since = now - timedelta(days=days)
        q = q.where(d.last_seen < since if f.seen.startswith("over") else d.last_seen >= since)
    if f.q:
        plain = "".join(c for c in f.q if c not in "\\%_")  # no LIKE wildcards from users
        like = f"%{plain}%"
        q = q.where(
            or_(d.ip.like(like), d.mac.ilike(like), d.model.ilike(like), d.brand.ilike(like),
                d.serial.ilike(like), d.manufacturer.ilike(like))
        )  # fmt: skip
    return q


def _ip_key(ip: str | None) -> tuple[int, int]:
    try:
        a = ipaddress.ip_address(ip or "")
    except ValueError:
        return (9, 0)
    return (a.version, int(a))


def devices(inv: Inventory, f: DeviceFilter, *, now: datetime | None = None) -> DevicePage:
    """One page of the device table."""
    q = _filtered(f, now or datetime.now(UTC))
    d = m.Device
    desc = f.order == "desc"
    with inv.session() as s:
        total = int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)
        start = (f.page - 1) * f.per_page
        if f.sort == "ip":  # address order is numeric: sorted here, then one page fetched
            pairs = sorted(s.execute(q.with_only_columns(d.id, d.ip)).all(),
                           key=lambda r: (_ip_key(r[1]), r[0]), reverse=desc)  # fmt: skip
            ids = [r[0] for r in pairs[start : start + f.per_page]]
            found = {r.id: r for r in s.execute(q.where(d.id.in_(ids)))}
            rows = [found[i] for i in ids if i in found]
        else:
            keys: list[Any]
            if f.sort == "priority":
                ranked = case((d.band.in_(BANDS), d.band), else_="P9")
                keys = [ranked, d.score.desc(), d.id] if not desc else [
                    ranked.desc(), d.score.asc(), d.id.desc()]  # fmt: skip
            else:
                col = _COLUMNS[f.sort]
                keys = [col.is_(None), col.desc() if desc else col.asc(), d.id]
            # the page's ids first (from the listing index for the usual sorts), then rows
            ids = list(s.scalars(q.with_only_columns(d.id).order_by(*keys)
                                 .offset(start).limit(f.per_page)))  # fmt: skip
            found = {r.id: r for r in s.execute(q.where(d.id.in_(ids)))}
            rows = [found[i] for i in ids if i in found]
    return DevicePage([dict(r._mapping) for r in rows], total, f)


CHOICES_SECONDS = 30.0  # the filters' lists change only when a scan adds a maker or site
_choices: dict[str, tuple[float, dict[str, list[str]]]] = {}


def choices(inv: Inventory, *, max_age: float = CHOICES_SECONDS) -> dict[str, list[str]]:
    """What the filters offer: the sites, makers and types the inventory holds (read at
    most every ``max_age`` seconds: two full scans of the device table otherwise)."""
    now = time.monotonic()
    cached = _choices.get(inv.url)
    if cached is not None and now - cached[0] < max_age:
        return cached[1]
    with inv.session() as s:
        makers = s.scalars(
            select(m.Device.manufacturer).where(m.Device.manufacturer.is_not(None)).distinct()
        ).all()
        types = set(s.scalars(select(m.Device.device_type).distinct()))
    found = {
        "sites": queries.site_names(inv),
        "makers": sorted({str(x) for x in makers}, key=str.casefold),
        "types": [t for t in TYPES if t in types] + sorted(types - set(TYPES)),
    }
    _choices[inv.url] = (now, found)
    return found


def device(inv: Inventory, device_id: int) -> dict[str, Any]:
    """Everything `camscan show` prints, and the evidence document of the latest scan
    (LookupError or UsageError when there is no such device)."""
    rec = queries.device_detail(inv, str(device_id)).as_dict()
    if rec["id"] != device_id:  # an IP or serial spelt as digits: not this id
        raise LookupError(device_id)
    doc = queries.evidence_for(inv, str(device_id))
    rec["evidence_document"] = json.dumps(doc, indent=2, ensure_ascii=False, default=str)
    return rec


def tag(
    inv: Inventory,
    scoring: Scoring,
    device_id: int,
    *,
    zone: str | None,
    criticality: str | None,
    clear: bool,
) -> None:
    """What `camscan tag ID --zone ... --criticality ...` does: tag, then re-score."""
    from camscan.app.scores import rescore

    repo.set_tags(
        inv, device_refs=[str(device_id)], zone=zone, criticality=criticality, clear=clear
    )
    rescore(inv, vulns=scoring.vulns, default=scoring.default_policy)


@dataclass
class SiteSummary:
    name: str
    devices: int
    ranked: int  # cameras, NVRs, DVRs, encoders (scored)
    types: dict[str, int]
    makers: list[tuple[str, int]]
    white_label: int  # white-label units
    white_labels: list[tuple[str, int]]  # the commonest "brand -> maker" pairs, with counts
    bands: dict[str, int]
    needed: float  # replacing P1-P3 at the unit costs
    p1_cost: float
    currency: str
    costs_placeholder: bool
    last_scan: dict[str, Any] | None


def sites_overview(inv: Inventory, scoring: Scoring) -> list[SiteSummary]:
    """Per site: what is there, who made it, what to replace and what that costs (the
    plan's unit costs)."""
    costs = scoring.costs or load_costs()
    listing = queries.list_devices(inv)
    scans = queries.list_scans(inv)
    out = []
    for name in queries.site_names(inv):
        mine = [d for d in listing if d.site == name]
        ranked = [d for d in mine if d.band in BANDS]
        p = build_plan(ranked, float("inf"), costs)
        done = [s for s in scans if s["site"] == name]
        out.append(
            SiteSummary(
                name=name,
                devices=len(mine),
                ranked=len(ranked),
                types=dict(Counter(d.device_type for d in ranked).most_common()),
                makers=Counter(d.manufacturer or "unknown" for d in ranked).most_common(8),
                white_label=sum(1 for d in ranked if d.white_label),
                white_labels=Counter(
                    f"{d.brand} \u2192 {d.manufacturer}" for d in ranked if d.white_label
                ).most_common(8),
                bands={b: sum(1 for d in ranked if d.band == b) for b in BANDS},
                needed=p.needed,
                p1_cost=sum(i.cost for ph in p.phases for i in ph.items if i.device.band == "P1"),
                currency=costs.currency,
                costs_placeholder=costs.placeholder,
                last_scan=done[-1] if done else None,
            )
        )
    return out


def plan(inv: Inventory, scoring: Scoring, budget: float | None, site: str | None) -> Plan:
    """What `camscan plan --budget` prints (stored scores, or scores computed now for a
    device never scored).  Without a budget, one phase holds every planned device."""
    from camscan.app.report import plan_inputs

    inputs = plan_inputs(
        inv, site=site or None, default_policy=scoring.default_policy, vulns=scoring.vulns
    )
    costs = scoring.costs or load_costs()
    if budget is None:
        planned = [d for d in inputs.devices if d.band in DEFAULT_BANDS]
        budget = max(sum(costs.of(d)[1] for d in planned), 1.0)
    return build_plan(inputs.devices, budget, costs, DEFAULT_BANDS)


def changes(inv: Inventory, site: str | None, a: int | None, b: int | None) -> dict[str, Any]:
    """The scans of a site and what changed between two of them (default: the last two
    complete or interrupted scans of the site)."""
    scans = [
        s for s in queries.list_scans(inv)
        if (not site or s["site"] == site) and s["status"] in ("complete", "incomplete")
    ]  # fmt: skip
    ids = [s["id"] for s in scans]
    if a is None or b is None:
        same = [s for s in scans if s["site"] == scans[-1]["site"]] if scans else []
        if len(same) >= 2:
            a, b = same[-2]["id"], same[-1]["id"]
    result: dict[str, Any] = {"scans": scans, "a": a, "b": b, "changes": None}
    if a is not None and b is not None and a in ids and b in ids:
        result["changes"] = queries.scan_changes(inv, a, b).as_dict()
    return result


def _in_temp(name: str, write: Callable[[Path], object]) -> bytes:
    """The bytes of a file ``write`` writes in a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="camscan-web-") as tmp:
        path = Path(tmp) / name
        write(path)
        return path.read_bytes()


def export_csv(inv: Inventory, site: str | None, cameras_only: bool) -> bytes:
    """`camscan export --format csv` (the inventory CSV, formula-safe)."""
    from camscan.reports.exports import to_csv

    rows = queries.list_devices(inv, site=site or None, cameras_only=cameras_only)
    return to_csv([d.as_dict() for d in rows]).encode("utf-8")


def _report_file(
    inv: Inventory,
    scoring: Scoring,
    suffix: str,
    site: str | None,
    *,
    budget: float | None = None,
    cameras_only: bool = False,
) -> bytes:
    """One file of `camscan report` (``xlsx`` or ``pdf``), as bytes."""
    from camscan.app.report import write_report

    def write(path: Path) -> object:
        return write_report(
            inv, xlsx=path if suffix == "xlsx" else None, pdf=path if suffix == "pdf" else None,
            site=site or None, budget=budget, cameras_only=cameras_only, costs=scoring.costs,
            default_policy=scoring.default_policy, vulns=scoring.vulns,
        )  # fmt: skip

    return _in_temp(f"report.{suffix}", write)


def export_xlsx(inv: Inventory, scoring: Scoring, site: str | None, cameras_only: bool) -> bytes:
    """`camscan report --xlsx` (devices, score factors and the plan)."""
    return _report_file(inv, scoring, "xlsx", site, cameras_only=cameras_only)


def export_pdf(inv: Inventory, scoring: Scoring, site: str | None, budget: float | None) -> bytes:
    """`camscan report --pdf` (the board report, printed by headless Chromium)."""
    return _report_file(inv, scoring, "pdf", site, budget=budget)
