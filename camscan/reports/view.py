"""What a site report shows, built from scored device records as plain data.

The HTML template and the exports read only this view; nothing here formats HTML, so every
device-supplied string reaches the template as data and is escaped there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from camscan import __version__
from camscan.inventory.records import DeviceDetail, DeviceRecord, ScanChanges
from camscan.scoring.plan import Costs, Plan, build_plan, load_costs, priority_key, top_reasons
from camscan.scoring.policy import BAND_MEANING, BANDS, Policy
from camscan.scoring.score import UNRANKED_BAND
from camscan.scoring.vulns import VulnData

# What changed between two scans (by id), and one device's detail (by id): read by the
# caller (camscan/app/report.py) from the inventory.
ReadChanges = Callable[[int, int], ScanChanges]
ReadDetail = Callable[[int], DeviceDetail]

EVIDENCE_VALUE_CHARS = 160
EVIDENCE_ROWS = 14  # `camscan show ID` and the JSON export hold them all
SUMMARY_EVIDENCE_ROWS = 4  # the summary appendix: two devices to an A4 page
SUMMARY_VALUE_CHARS = 70
EVIDENCE_MODES = ("none", "summary", "full")
REPLACE_FIRST = 5  # devices named on the executive summary
# Makers the UK instruction and the US lists name (the policy lists may add others).
HIK_DAHUA = ("hikvision", "dahua")

# The policy basis printed on page 1, each with its upstream source.
POLICY_BASIS = (
    {
        "title": "UK, written ministerial statement of 24 November 2022",
        "text": "government departments must stop deploying visual surveillance equipment "
        "produced by companies subject to the National Intelligence Law of the People's "
        "Republic of China on sensitive sites, keep it off core networks and consider "
        "removing it now rather than at the next upgrade.",
        "url": "https://questions-statements.parliament.uk/written-statements/detail/2022-11-24/hcws386",
    },
    {
        "title": "US, FCC Covered List",
        "text": "Hikvision, Dahua and Hytera video surveillance equipment (subsidiaries and "
        "affiliates included) is listed since 12 March 2021; new models cannot be authorised "
        "since FCC 22-84. Installed units may still be used.",
        "url": "https://www.fcc.gov/supplychain/coveredlist",
    },
    {
        "title": "US, NDAA FY2019 section 889 (Pub. L. 115-232)",
        "text": "federal agencies may not buy, or contract with organisations that use, "
        "Hikvision, Dahua or Hytera video surveillance equipment for public safety, "
        "government-facility security, critical infrastructure or national security.",
        "url": "https://www.govinfo.gov/content/pkg/PLAW-115publ232/html/PLAW-115publ232.htm",
    },
)


CHART_WIDTH = 430
CHART_LABEL = 170  # width of the label column
CHART_ROW = 22
LABEL_CHARS = 27


@dataclass
class Bar:
    label: str
    value: int
    colour: str = "#3b6ea5"
    y: float = 0.0  # laid out by Chart
    width: float = 0.0

    @property
    def short_label(self) -> str:
        t = self.label
        return t if len(t) <= LABEL_CHARS else t[: LABEL_CHARS - 1] + "\u2026"


@dataclass
class Chart:
    """A horizontal bar chart, laid out here and drawn as inline SVG by the template."""

    key: str
    title: str
    bars: list[Bar]
    note: str = ""
    width: int = CHART_WIDTH
    label_width: int = CHART_LABEL

    def __post_init__(self) -> None:
        top = max((b.value for b in self.bars), default=0) or 1
        room = self.width - self.label_width - 40
        for i, b in enumerate(self.bars):
            b.y = 4 + i * CHART_ROW
            b.width = round(room * b.value / top, 1)

    @property
    def height(self) -> int:
        return 8 + CHART_ROW * len(self.bars)


@dataclass
class ReportView:
    title: str
    generated_at: str
    camscan_version: str
    sites: list[str]
    scans: list[dict[str, Any]]
    policy: Policy
    policies: dict[str, Policy]  # the policy each site was scored with
    policy_stored: bool
    vulns: VulnData
    devices: list[dict[str, Any]]  # every device, scored
    ranked: list[dict[str, Any]]  # cameras/NVRs/DVRs/encoders in priority order
    others: list[dict[str, Any]]  # hosts that are not cameras
    summary: dict[str, Any]
    charts: list[Chart]
    plan: Plan
    budget_given: bool
    changes: list[dict[str, Any]]  # per site: previous/latest scan and the changes
    details: dict[int, dict[str, Any]] = field(default_factory=dict)
    client: str = ""
    assessor: str = ""
    date: str = ""
    evidence: str = "summary"  # the appendix: none | summary | full
    basis: tuple[dict[str, str], ...] = POLICY_BASIS

    @property
    def by_id(self) -> dict[int, dict[str, Any]]:
        return {int(d["id"]): d for d in self.devices}


BAND_COLOURS = {"P1": "#b3261e", "P2": "#d9770b", "P3": "#c9a100", "P4": "#2e7d32"}


def _counter_chart(key: str, title: str, values: list[str], note: str = "") -> Chart:
    counts = Counter(values)
    bars = [Bar(label, n) for label, n in sorted(counts.items(), key=lambda t: (-t[1], t[0]))]
    return Chart(key, title, bars[:15], note if len(bars) <= 15 else f"{note} (top 15)".strip())


def _charts(ranked: list[dict[str, Any]]) -> list[Chart]:
    makers = [d.get("manufacturer") or "unknown" for d in ranked]
    brands = [d.get("brand") or "unknown" for d in ranked]
    white = [
        f"{d.get('brand')} \u2192 {d.get('manufacturer')}" for d in ranked if d.get("white_label")
    ]
    band_counts = Counter(d.get("band") for d in ranked)
    bands = Chart(
        "bands",
        "Devices by priority band",
        [Bar(f"{b} {BAND_MEANING[b]}", band_counts.get(b, 0), BAND_COLOURS[b]) for b in BANDS],
    )
    return [
        _counter_chart("manufacturers", "Devices by manufacturer (who made them)", makers),
        _counter_chart("brands", "Devices by brand (the label shown)", brands),
        _counter_chart(
            "white_label",
            "White-label units revealed (brand \u2192 maker)",
            white,
            "" if white else "no white-label units found",
        ),
        bands,
    ]


def headline(reason: str) -> str:
    """A score reason without its parenthesised detail after the colon, for page 1:
    "known exploited vulnerability (CISA KEV): CVE-2021-36260" (the list has the rest)."""
    colon = reason.find(": ")
    cut = reason.find(" (", colon + 2 if colon >= 0 else 0)
    return reason[:cut] if cut > 0 else reason


def _short(value: Any, chars: int | None = None) -> str:
    text = "" if value is None else str(value)
    n = chars or EVIDENCE_VALUE_CHARS
    return text if len(text) <= n else text[: n - 1] + "…"


def _one_per_field(evidence: list[Any]) -> list[dict[str, Any]]:
    """The strongest piece of evidence of each field, strongest first (a probe repeats
    itself: one HTTP server header per page fetched)."""
    best: dict[str, dict[str, Any]] = {}
    for e in evidence:
        if not isinstance(e, dict):
            continue
        key = str(e.get("field"))
        if key not in best or float(e.get("strength") or 0) > float(best[key].get("strength") or 0):
            best[key] = e
    return sorted(best.values(), key=lambda e: -float(e.get("strength") or 0))


def _detail(d: DeviceDetail, dev: dict[str, Any], mode: str = "full") -> dict[str, Any]:
    strongest = _one_per_field(dev.get("evidence") or [])
    rows, chars = (
        (EVIDENCE_ROWS, None) if mode == "full" else (SUMMARY_EVIDENCE_ROWS, SUMMARY_VALUE_CHARS)
    )
    evidence = [
        {
            "source": e.get("source"),
            "field": e.get("field"),
            "value": _short(e.get("value"), chars),
            "strength": e.get("strength"),
            "asserts": ", ".join(f"{k}={v}" for k, v in (e.get("asserts") or {}).items()),
        }
        for e in strongest[:rows]
    ]
    ex = dev.get("exposure") or {}
    signals = [
        label
        for key, label in (
            ("telnet", "telnet open"),
            ("sdk_ports", "vendor SDK port open"),
            ("http_plain_only", "web UI only over plain HTTP"),
            ("upnp", "answers UPnP"),
            ("rtsp_no_auth", "RTSP without authentication"),
            ("onvif_no_auth", "ONVIF without authentication"),
        )
        if ex.get(key)
    ]
    if ex.get("activated") is False:
        signals.append("not activated")
    return {
        "evidence": evidence,
        "evidence_more": max(len(dev.get("evidence") or []) - len(evidence), 0),
        "services": [{**s, "banner": _short(s.get("banner"))} for s in d.services[:40]],
        "open_ports": ", ".join(str(p) for p in (ex.get("open_ports") or [])[:60]),
        "signals": signals,
        "errors": [_short(e) for e in (dev.get("errors") or [])[:10]],
        "history": d.history[-20:],
        "scans": d.scans,
    }


def _changes(
    scans: list[dict[str, Any]], sites: list[str], read: ReadChanges
) -> list[dict[str, Any]]:
    out = []
    for site in sites:
        done = [s for s in scans if s["site"] == site and s["status"] in ("complete", "incomplete")]
        if len(done) < 2:
            out.append(
                {
                    "site": site,
                    "previous": None,
                    "latest": done[-1] if done else None,
                    "changes": None,
                }
            )
            continue
        prev, latest = done[-2], done[-1]
        out.append(
            {
                "site": site,
                "previous": prev,
                "latest": latest,
                "changes": read(prev["id"], latest["id"]).as_dict(),
            }
        )
    return out


def build(
    devices: list[DeviceRecord],
    scans: list[dict[str, Any]],
    *,
    read_changes: ReadChanges,
    read_detail: ReadDetail,
    in_force: dict[str, Policy],
    default_policy: Policy,
    vulns: VulnData,
    site: str | None = None,
    policy: Policy | None = None,
    stored: bool = True,
    budget: float | None = None,
    costs: Costs | None = None,
    today: date | None = None,
    client: str | None = None,
    assessor: str | None = None,
    evidence: str = "summary",
) -> ReportView:
    """Everything the report shows for one site (or all), from scored device records and
    the scans (camscan/app/report.py reads them); ``read_changes`` and ``read_detail`` fetch
    what changed between two scans and one device's detail."""
    check_evidence(evidence)
    records = devices
    devices_rows = [d.as_dict() for d in records]
    sites = sorted({s["site"] for s in scans} | {d.site for d in records})
    policies = (
        {n: policy for n in sites} if policy else {n: in_force[n] for n in sites if n in in_force}
    )
    pol = policy or next(iter(policies.values()), None) or default_policy
    ranked_records = sorted((d for d in records if d.band != UNRANKED_BAND), key=priority_key)
    ranked = [
        {**d.as_dict(), "reasons": top_reasons(d.score_factors or [])} for d in ranked_records
    ]
    others = [d for d in devices_rows if d["band"] == UNRANKED_BAND]
    costs = costs or load_costs()
    budget_given = budget is not None
    if budget is None:
        planned = [d for d in ranked_records if d.band in ("P1", "P2", "P3")]
        budget = max(sum(costs.of(d)[1] for d in planned), 1.0)
    plan = build_plan(ranked_records, budget, costs)
    bands = Counter(d["band"] for d in ranked)
    kev = sum(
        1
        for d in ranked
        if any(f["factor"] == "known_exploited" and f["points"] > 0 for f in d["score_factors"])
    )
    listed = {m.lower() for m in pol.factors["us_covered_list"].get("manufacturers", [])}
    listed |= {m.lower() for m in pol.factors["prc_intelligence_law"].get("manufacturers", [])}
    others_listed = sorted(
        {m for p in policies.values() for f in ("us_covered_list", "prc_intelligence_law")
         for m in p.factors[f].get("manufacturers", []) if m.lower() not in HIK_DAHUA}
    )  # fmt: skip
    p1 = [d for d in ranked if d["band"] == "P1"]
    first = [
        {**d, "headline": headline(d["reasons"][0]) if d["reasons"] else "no risk factor found"}
        for d in (p1 or [d for d in ranked if d["band"] == "P2"])[:REPLACE_FIRST]
    ]
    summary = {
        "devices": len(devices_rows),
        "ranked": len(ranked),
        "cameras": sum(1 for d in ranked if d.get("device_type") == "camera"),
        "recorders": sum(1 for d in ranked if d.get("device_type") in ("nvr", "dvr")),
        "encoders": sum(1 for d in ranked if d.get("device_type") == "encoder"),
        "others": len(others),
        "white_label": sum(1 for d in ranked if d.get("white_label")),
        "policy_listed": sum(1 for d in ranked if (d.get("manufacturer") or "").lower() in listed),
        "hik_dahua": sum(1 for d in ranked if (d.get("manufacturer") or "").lower() in HIK_DAHUA),
        "other_listed": sum(
            1
            for d in ranked
            if (d.get("manufacturer") or "").lower() in listed
            and (d.get("manufacturer") or "").lower() not in HIK_DAHUA
        ),
        "other_listed_makers": others_listed,
        "replace_first": first,
        "replace_first_band": first[0]["band"] if first else None,
        "p1_cost": sum(costs.of(d)[1] for d in ranked_records if d.band == "P1"),
        "needed": plan.needed,
        "funded": plan.total,
        "unfunded_total": plan.unfunded_total,
        "kev": kev,
        "bands": {b: bands.get(b, 0) for b in BANDS},
        "plan_total": plan.total,
        "plan_phases": len(plan.phases),
        "unfunded": len(plan.unfunded),
    }
    title = f"camscan site report: {site}" if site else "camscan site report"
    view = ReportView(
        title=title,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        camscan_version=__version__,
        sites=sites,
        scans=scans,
        policy=pol,
        policies=policies,
        policy_stored=stored,
        vulns=vulns,
        devices=devices_rows,
        ranked=ranked,
        others=others,
        summary=summary,
        charts=_charts(ranked),
        plan=plan,
        budget_given=budget_given,
        changes=_changes(scans, sites, read_changes),
        client=client or "",
        assessor=assessor or "",
        date=(today or date.today()).isoformat(),
        evidence=evidence,
    )
    if evidence != "none":
        view.details = {
            int(d["id"]): _detail(read_detail(int(d["id"])), d, evidence) for d in ranked
        }
    return view


def check_evidence(evidence: str) -> None:
    """A ValueError for an evidence appendix mode that is not one of EVIDENCE_MODES."""
    if evidence not in EVIDENCE_MODES:
        raise ValueError(f"evidence must be one of {EVIDENCE_MODES}, not {evidence!r}")
