"""Device record + policy + vulnerability data -> score, band and the reasons (pure).

Each factor of the policy gives a number of points with a sentence saying why; the score is
their sum held to 0..100 (a holding step is itself a listed factor, so the listed points
always add up to the score).  Devices that are not cameras, NVRs, DVRs or encoders are not
ranked: they get band ``-`` and a single zero factor saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from camscan.scoring.facts import DeviceFacts
from camscan.scoring.policy import BAND_MEANING, BANDS, Policy
from camscan.scoring.vulns import VulnData, VulnMatch, firmware_of, match_device

RANKED_TYPES = ("camera", "nvr", "dvr", "encoder")
UNRANKED_BAND = "-"
ROLE_TEXT = {
    "camera": "camera",
    "nvr": "NVR: records many cameras' footage",
    "dvr": "DVR: records many cameras' footage",
    "encoder": "video encoder: serves the analogue cameras behind it",
}


@dataclass(frozen=True)
class Score:
    value: float
    band: str
    factors: list[dict[str, Any]]

    def as_tuple(self, device_id: int) -> tuple[int, float, str, list[Any]]:
        return (device_id, self.value, self.band, self.factors)


def is_ranked(device: DeviceFacts) -> bool:
    return bool(device.is_camera) or device.device_type in RANKED_TYPES


def _factor(name: str, points: float, reason: str, policy: Policy, **detail: Any) -> dict[str, Any]:
    f: dict[str, Any] = {
        "factor": name,
        "points": round(points, 1),
        "max": policy.weight(name) if name in policy.factors else None,
        "reason": reason,
        "policy": policy.describe(),
    }
    if detail:
        f["detail"] = detail
    return f


def _maker_list(name: str, device: DeviceFacts, policy: Policy) -> dict[str, Any]:
    cfg = policy.factors[name]
    listed = {m.lower() for m in cfg.get("manufacturers", [])}
    maker = device.manufacturer
    label = cfg.get("label", name.replace("_", " "))
    if maker and maker.lower() in listed:
        brand = device.brand
        sold = f", sold as {brand}" if brand and brand.lower() != maker.lower() else ""
        return _factor(name, cfg["weight"], f"made by {maker}{sold}: {label}", policy)
    who = maker or "unknown maker"
    return _factor(name, 0, f"{who}: not listed ({label})", policy)


def _vuln_factor(name: str, matches: list[VulnMatch], policy: Policy) -> dict[str, Any]:
    cfg = policy.factors[name]
    weight = cfg["weight"]
    frac = cfg.get("possible_fraction", 0.5)
    if name == "known_exploited":
        relevant = [m for m in matches if m.vuln.kev]
        what = "known exploited vulnerability (CISA KEV)"
    else:
        floor = cfg.get("min_cvss", 9.0)
        relevant = [m for m in matches if not m.vuln.kev and (m.vuln.cvss or 0.0) >= floor]
        what = f"critical vulnerability (CVSS >= {floor:g})"
    affected = [m for m in relevant if m.status == "affected"]
    possible = [m for m in relevant if m.status == "possible"]
    cleared = [m for m in relevant if m.status == "not_affected"]
    cves = [
        {"cve": m.vuln.cve, "status": m.status, "reason": m.reason, "summary": m.vuln.summary}
        for m in affected + possible + cleared
    ]
    if affected:
        names = ", ".join(m.vuln.cve for m in affected)
        return _factor(name, weight, f"{what}: {names} ({affected[0].reason})", policy, cves=cves)
    if possible:
        names = ", ".join(m.vuln.cve for m in possible)
        f = _factor(
            name,
            weight * frac,
            f"possible {what}: {names} ({possible[0].reason})",
            policy,
            cves=cves,
        )
        f["certainty"] = "possible"
        return f
    if cleared:
        names = ", ".join(m.vuln.cve for m in cleared)
        return _factor(name, 0, f"checked, firmware is fixed for {names}", policy, cves=cves)
    return _factor(name, 0, f"no {what} listed for this maker and model", policy)


def _eol(matches: list[VulnMatch], policy: Policy) -> dict[str, Any]:
    eol = [m for m in matches if m.vuln.eol and m.status in ("affected", "possible")]
    if eol:
        cves = ", ".join(m.vuln.cve for m in eol)
        if all(m.status == "possible" for m in eol):
            f = _factor(
                "end_of_life",
                policy.weight("end_of_life"),
                f"possibly no longer supported ({cves} is end-of-life; possible match)",
                policy,
            )
            f["certainty"] = "possible"
            return f
        return _factor(
            "end_of_life",
            policy.weight("end_of_life"),
            f"vendor no longer supports this product ({cves}: no fix will come)",
            policy,
        )
    return _factor("end_of_life", 0, "no end-of-life notice known", policy)


def _age(device: DeviceFacts, policy: Policy, today: date) -> dict[str, Any]:
    cfg = policy.factors["firmware_age"]
    fw = firmware_of(device)
    if fw is None or fw.build is None:
        return _factor(
            "firmware_age",
            min(cfg.get("unknown_points", 0), cfg["weight"]),
            "firmware build date unknown",
            policy,
        )
    years = (today - fw.build).days / 365.25
    start, full = cfg.get("start_years", 2.0), cfg.get("full_years", 6.0)
    share = min(max((years - start) / (full - start), 0.0), 1.0)
    return _factor(
        "firmware_age",
        cfg["weight"] * share,
        f"firmware built {fw.build.isoformat()}, {years:.1f} years ago",
        policy,
        build=fw.build.isoformat(),
        years=round(years, 1),
    )


_SIGNALS = (
    ("telnet", "telnet open"),
    ("sdk_port", "vendor SDK port open"),
    ("http_plain_only", "web UI only over plain HTTP"),
    ("upnp", "answers UPnP"),
    ("rtsp_no_auth", "RTSP video without authentication"),
    ("onvif_no_auth", "ONVIF without authentication"),
    ("not_activated", "never activated (no admin password set)"),
)


def _exposure(device: DeviceFacts, policy: Policy) -> dict[str, Any]:
    cfg = policy.factors["exposure"]
    ex = device.exposure or {}
    seen = {
        "telnet": bool(ex.get("telnet")),
        "sdk_port": bool(ex.get("sdk_ports")),
        "http_plain_only": bool(ex.get("http_plain_only")),
        "upnp": bool(ex.get("upnp")),
        "rtsp_no_auth": bool(ex.get("rtsp_no_auth")),
        "onvif_no_auth": bool(ex.get("onvif_no_auth")),
        "not_activated": ex.get("activated") is False,
    }
    hits = [(key, text) for key, text in _SIGNALS if seen[key] and cfg.get(key, 0) > 0]
    if not hits:
        return _factor("exposure", 0, "no risky exposure seen in the scan", policy)
    raw = sum(cfg[key] for key, _ in hits)
    parts = []
    for key, text in hits:
        if key == "sdk_port":
            text += " (" + ", ".join(str(p) for p in ex.get("sdk_ports") or []) + ")"
        parts.append(f"{text} +{cfg[key]:g}")
    capped = min(raw, cfg["weight"])
    more = f" (held to {cfg['weight']:g})" if capped < raw else ""
    signals = [k for k, _ in hits]
    return _factor("exposure", capped, "; ".join(parts) + more, policy, signals=signals)


def _level(
    name: str, key: str, described: str, policy: Policy, *, fallback: str | None = None
) -> dict[str, Any]:
    cfg = policy.factors[name]
    level = key if key in cfg else (fallback or key)
    points = min(cfg.get(level, 0), cfg["weight"])
    return _factor(name, points, described, policy)


def score_device(
    device: DeviceFacts, policy: Policy, vulns: VulnData, today: date | None = None
) -> Score:
    """The score, band and factor list of one device (an inventory record, or anything
    with its attributes: camscan.scoring.facts)."""
    today = today or date.today()
    if not is_ranked(device):
        kind = device.device_type or "unknown"
        return Score(
            0.0,
            UNRANKED_BAND,
            [
                {
                    "factor": "scope",
                    "points": 0.0,
                    "max": None,
                    "reason": f"not ranked: {kind}, not a camera, NVR, DVR or encoder",
                    "policy": policy.describe(),
                }
            ],
        )
    matches = match_device(device, vulns)
    kind = str(device.device_type or "camera")
    crit = device.criticality
    zone = device.zone
    where = f"zone {zone}, " if zone else ""
    factors = [
        _maker_list("prc_intelligence_law", device, policy),
        _maker_list("us_covered_list", device, policy),
        _vuln_factor("known_exploited", matches, policy),
        _vuln_factor("critical_cve", matches, policy),
        _eol(matches, policy),
        _age(device, policy, today),
        _exposure(device, policy),
        _level("role", kind, ROLE_TEXT.get(kind, kind), policy, fallback="camera"),
        _level(
            "criticality",
            crit or "untagged",
            f"{where}criticality {crit}" if crit else "no criticality tagged (camscan tag)",
            policy,
            fallback="untagged",
        ),
    ]
    total = sum(f["points"] for f in factors)
    held = min(max(total, 0.0), 100.0)
    if held != total:
        factors.append(
            {
                "factor": "held_to_100",
                "points": round(held - total, 1),
                "max": None,
                "reason": f"the factors add up to {total:.1f}; a score is at most 100",
                "policy": policy.describe(),
            }
        )
    value = round(held, 1)
    band = policy.band(value)
    # A "possible" match (the maker matches; model or firmware unread) cannot be confirmed
    # or ruled out: it adds points, but P1 ("replace now") needs the rest of the evidence
    # to reach P1 on its own, so a vendor-wide KEV entry alone never sends a unit to P1.
    unsure = sum(f["points"] for f in factors if f.get("certainty") == "possible")
    if band == "P1" and unsure and policy.band(round(held - unsure, 1)) != "P1":
        band = BANDS[1]
        factors.append(
            {
                "factor": "possible_only",
                "points": 0.0,
                "max": None,
                "reason": (
                    f"held at P2: without the possible matches ({unsure:g} points) the score "
                    f"is {held - unsure:.1f}, below P1; reading the model and firmware "
                    "would confirm or clear them"
                ),
                "policy": policy.describe(),
            }
        )
    return Score(value, band, factors)


def band_label(band: str | None) -> str:
    if band in BAND_MEANING:
        return f"{band} {BAND_MEANING[band]}"
    return "not ranked" if band == UNRANKED_BAND else "not scored"
