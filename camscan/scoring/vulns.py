"""Vulnerability data: which CVEs a device's maker, model and firmware fall under.

The package ships ``data/vulns.json``: the CISA KEV entries of camera, NVR and DVR makers and
other critical CVEs, each with the model patterns and firmware ranges camscan matches and
the public sources they were transcribed from (the file's ``sources`` and ``data_date``).
``camscan vulns update`` writes a newer copy to :func:`user_path` - from a CISA KEV JSON or
CVE JSON 5 records given with ``--from FILE`` (offline), or fetched from CISA when asked.
Whichever of the two files has the later ``data_date`` is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from camscan.errors import UsageError
from camscan.scoring.facts import DeviceFacts
from camscan.scoring.versions import Firmware, in_range, parse_firmware

FORMAT = "camscan-vulns/1"
KEV_URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
MAX_FEED_BYTES = 30 * 1024 * 1024
# Makers whose new KEV entries are imported even when the product does not say "camera".
CAMERA_VENDORS = (
    "hikvision", "dahua", "amcrest", "lorex", "axis", "hanwha", "bosch", "uniview", "vivotek",
    "mobotix", "reolink", "xiongmai", "milesight", "avigilon", "tiandy", "tvt", "idis",
    "geovision", "d-link", "qnap", "nuuo", "edimax", "ptzoptics", "digiever", "avtech",
    "hytera", "kedacom", "pelco", "foscam", "zavio", "acti", "swann", "ezviz",
)  # fmt: skip
_CAMERA_WORDS = re.compile(r"(?i)\b(camera|cam|nvr|dvr|xvr|video|surveillance|ipc|cctv)s?\b")


@dataclass(frozen=True)
class Range:
    """One affected range: the models and firmware line it applies to, and its bounds."""

    models: tuple[re.Pattern[str], ...] = ()
    firmware: re.Pattern[str] | None = None
    introduced: str | None = None
    last_affected: str | None = None
    fixed: str | None = None
    built_before: str | None = None

    def bounds(self) -> str:
        parts = []
        if self.introduced:
            parts.append(f"from {self.introduced}")
        if self.last_affected:
            parts.append(f"up to {self.last_affected}")
        if self.fixed:
            parts.append(f"before {self.fixed}")
        if self.built_before:
            parts.append(f"built before {self.built_before}")
        return " ".join(parts) or "all versions"


@dataclass(frozen=True)
class Vuln:
    cve: str
    kev: bool
    kev_date_added: str | None
    vendor: str
    product: str
    summary: str
    affected: str
    fixed_in: str | None
    cvss: float | None
    eol: bool
    certainty: str  # exact | possible
    vendors: frozenset[str]
    device_types: frozenset[str]
    models: tuple[re.Pattern[str], ...]
    evidence: tuple[re.Pattern[str], ...]
    ranges: tuple[Range, ...]
    source: str


@dataclass(frozen=True)
class VulnData:
    data_date: str
    kev_catalog_version: str | None
    sources: list[dict[str, Any]]
    entries: tuple[Vuln, ...]
    raw: dict[str, Any]
    path: str


@dataclass(frozen=True)
class VulnMatch:
    """A vulnerability a device falls under: ``affected`` or ``possible`` (cannot tell)."""

    vuln: Vuln
    status: str
    reason: str


def _regexes(where: str, values: Any) -> tuple[re.Pattern[str], ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    try:
        return tuple(re.compile(v) for v in values)
    except (re.error, TypeError) as err:
        raise UsageError(f"{where}: bad pattern ({err})") from err


def _entry(where: str, e: dict[str, Any]) -> Vuln:
    try:
        match = e.get("match") or {}
        ranges = tuple(
            Range(
                models=_regexes(where, r.get("models")),
                firmware=(_regexes(where, r["firmware"])[0] if r.get("firmware") else None),
                introduced=r.get("introduced"),
                last_affected=r.get("last_affected"),
                fixed=r.get("fixed"),
                built_before=r.get("built_before"),
            )
            for r in e.get("ranges") or []
        )
        return Vuln(
            cve=str(e["cve"]),
            kev=bool(e.get("kev")),
            kev_date_added=e.get("kev_date_added"),
            vendor=str(e.get("vendor") or ""),
            product=str(e.get("product") or ""),
            summary=str(e.get("summary") or ""),
            affected=str(e.get("affected") or ""),
            fixed_in=e.get("fixed_in"),
            cvss=float(e["cvss"]) if e.get("cvss") is not None else None,
            eol=bool(e.get("eol")),
            certainty=str(e.get("certainty") or "exact"),
            vendors=frozenset(v.lower() for v in match.get("vendors") or [e.get("vendor", "")]),
            device_types=frozenset(match.get("device_types") or ()),
            models=_regexes(where, match.get("models")),
            evidence=_regexes(where, match.get("evidence")),
            ranges=ranges,
            source=str(e.get("source") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise UsageError(f"{where}: entry {e.get('cve', '?')!r} is malformed ({err})") from err


def parse_data(raw: dict[str, Any], path: str) -> VulnData:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise UsageError(f"{path} is not camscan vulnerability data (format {FORMAT})")
    entries = raw.get("entries")
    if not isinstance(entries, list):
        raise UsageError(f"{path}: 'entries' must be a list")
    return VulnData(
        data_date=str(raw.get("data_date") or ""),
        kev_catalog_version=raw.get("kev_catalog_version"),
        sources=list(raw.get("sources") or []),
        entries=tuple(_entry(path, e) for e in entries),
        raw=raw,
        path=path,
    )


def shipped_text() -> str:
    return resources.files("camscan.scoring").joinpath("data/vulns.json").read_text("utf-8")


def user_path(user_copy: Path | None = None) -> Path:
    """``user_copy`` (the CLI passes ``$CAMSCAN_VULNS``), else vulns.json in camscan's XDG
    data directory."""
    if user_copy is not None:
        return user_copy
    from camscan.config import data_dir

    return data_dir() / "vulns.json"


def load_vulns(path: str | Path | None = None, *, user_copy: Path | None = None) -> VulnData:
    """The given file, else the newer of the shipped data and the user's updated copy
    (:func:`user_path` of ``user_copy``)."""
    if path is not None:
        return parse_data(_read_json(Path(path)), str(path))
    shipped = parse_data(json.loads(shipped_text()), "camscan/scoring/data/vulns.json")
    user = user_path(user_copy)
    if user.is_file():
        mine = parse_data(_read_json(user), str(user))
        if mine.data_date >= shipped.data_date:
            return mine
    return shipped


def _read_json(path: Path) -> Any:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FEED_BYTES + 1)
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from err
    if len(data) > MAX_FEED_BYTES:
        raise UsageError(f"{path} is larger than {MAX_FEED_BYTES // 2**20} MiB")
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path} is not JSON: {err}") from err


# --- matching ---------------------------------------------------------------------------


def _search(patterns: Iterable[re.Pattern[str]], text: str | None) -> bool | None:
    """True/False whether any pattern matches; None when there is no text to test."""
    if not text:
        return None
    return any(p.search(text) for p in patterns)


def _evidence_values(device: DeviceFacts) -> str:
    return "\n".join(str(e.get("value", ""))[:300] for e in device.evidence or [])


def firmware_of(device: DeviceFacts) -> Firmware | None:
    """The device's firmware, with the build date the scan read when the string lacks it."""
    exposure = device.exposure or {}
    return parse_firmware(device.firmware, exposure.get("firmware_date"))


def match_one(device: DeviceFacts, v: Vuln, fw: Firmware | None) -> VulnMatch | None:
    """How ``v`` applies to a device, or None when it does not."""
    names = {(device.manufacturer or "").lower(), (device.brand or "").lower()} - {""}
    if not names & v.vendors:
        return None
    if v.device_types and device.device_type not in v.device_types:
        return None
    model = device.model
    unknown: list[str] = []
    if v.models:
        hit = _search(v.models, model)
        if hit is False:
            return None
        if hit is None:
            unknown.append("model not read")
    if v.evidence and not _search(v.evidence, _evidence_values(device)):
        return None
    status, reason = "affected", "no fixed version is known (all versions)"
    if v.ranges:
        verdicts: list[tuple[bool | None, Range]] = []
        for r in v.ranges:
            if r.models and _search(r.models, model) is False:
                continue
            if r.firmware and _search([r.firmware], device.firmware) is False:
                continue
            inside = in_range(
                fw,
                introduced=r.introduced,
                last_affected=r.last_affected,
                fixed=r.fixed,
                built_before=r.built_before,
            )
            if r.models and model is None:
                inside = None if inside is not False else False
            verdicts.append((inside, r))
        if not verdicts:
            return None
        hit_range = next((r for ok, r in verdicts if ok), None)
        if hit_range is not None:
            reason = f"firmware {fw.describe() if fw else '?'}; affected: {hit_range.bounds()}"
        elif any(ok is None for ok, _ in verdicts):
            status = "possible"
            r = next(r for ok, r in verdicts if ok is None)
            what = "firmware not read" if fw is None else f"firmware {fw.describe()}"
            reason = f"{what}; affected: {r.bounds()}"
        else:
            fixed = "; ".join(r.bounds() for _, r in verdicts)
            return VulnMatch(v, "not_affected", f"firmware {fw.describe() if fw else '?'} is "
                             f"outside the affected range ({fixed})")  # fmt: skip
    if unknown and status == "affected":
        status, reason = "possible", f"{', '.join(unknown)}; {reason}"
    if v.certainty == "possible" and status == "affected":
        status, reason = "possible", f"affected models not pinned down; {reason}"
    return VulnMatch(v, status, reason)


def match_device(device: DeviceFacts, data: VulnData) -> list[VulnMatch]:
    """Every vulnerability entry that applies to a device (affected, possible or ruled out)."""
    fw = firmware_of(device)
    out = []
    for v in data.entries:
        m = match_one(device, v, fw)
        if m is not None:
            out.append(m)
    return out


# --- updates ----------------------------------------------------------------------------


def _canonical_vendor(name: str) -> str:
    return " ".join(name.split())[:80]


def _kev_entries(feed: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in feed.get("vulnerabilities") or []:
        if not isinstance(item, dict) or not item.get("cveID"):
            continue
        vendor = _canonical_vendor(str(item.get("vendorProject") or ""))
        product = str(item.get("product") or "")
        if vendor.lower() not in CAMERA_VENDORS and not _CAMERA_WORDS.search(product):
            continue
        notes = str(item.get("notes") or "")
        out.append(
            {
                "cve": str(item["cveID"]),
                "kev": True,
                "kev_date_added": item.get("dateAdded"),
                "vendor": vendor,
                "product": product,
                "summary": str(item.get("shortDescription") or "")[:600],
                "affected": product,
                "fixed_in": None,
                "cvss": None,
                "eol": bool(re.search(r"(?i)end[- ]of[- ]life|\beol\b|no longer supported", notes))
                or bool(re.search(r"(?i)end[- ]of[- ]life", str(item.get("requiredAction")))),
                "certainty": "possible",
                "match": {"vendors": [vendor]},
                "ranges": [],
                "source": f"CISA KEV catalog ({item.get('cveID')}); notes: {notes[:300]}",
            }
        )
    return out


def _cve_entries(records: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rec in records:
        if not isinstance(rec, dict) or "cveMetadata" not in rec:
            continue
        cve = str(rec["cveMetadata"].get("cveId") or "")
        containers = rec.get("containers") or {}
        cna = containers.get("cna") or {}
        adps = containers.get("adp") or []
        metrics = list(cna.get("metrics") or []) + [m for a in adps for m in a.get("metrics") or []]
        scores = [
            float(m[k]["baseScore"])
            for m in metrics
            for k in ("cvssV4_0", "cvssV3_1", "cvssV3_0")
            if isinstance(m.get(k), dict) and "baseScore" in m[k]
        ]
        kev_date = next(
            (
                (m.get("other") or {}).get("content", {}).get("dateAdded")
                for m in metrics
                if (m.get("other") or {}).get("type") == "kev"
            ),
            None,
        )
        desc = next(
            (d.get("value", "") for d in cna.get("descriptions") or [] if d.get("lang") == "en"),
            "",
        )
        for aff in cna.get("affected") or []:
            vendor = _canonical_vendor(str(aff.get("vendor") or ""))
            if not vendor or vendor.lower() in ("n/a", "unknown"):
                continue
            ranges = []
            for ver in aff.get("versions") or []:
                if ver.get("status") != "affected":
                    continue
                start = ver.get("version")
                start = None if start in (None, "0", "*", "n/a", "unspecified") else str(start)
                r: dict[str, Any] = {}
                if ver.get("lessThan"):
                    r = {"introduced": start, "fixed": str(ver["lessThan"])}
                elif ver.get("lessThanOrEqual"):
                    r = {"introduced": start, "last_affected": str(ver["lessThanOrEqual"])}
                elif start:
                    r = {"introduced": start, "last_affected": start}
                if r:
                    ranges.append({k: v for k, v in r.items() if v})
            product = str(aff.get("product") or "")
            out.append(
                {
                    "cve": cve,
                    "kev": kev_date is not None,
                    "kev_date_added": kev_date,
                    "vendor": vendor,
                    "product": product,
                    "summary": desc[:600],
                    "affected": product,
                    "fixed_in": None,
                    "cvss": max(scores) if scores else None,
                    "eol": False,
                    "certainty": "possible",
                    "match": {"vendors": [vendor]},
                    "ranges": ranges,
                    "source": f"CVE record {cve} (imported with camscan vulns update)",
                }
            )
    return out


def merge(base: VulnData, incoming: Any, *, origin: str) -> tuple[dict[str, Any], dict[str, int]]:
    """A new data document: ``base`` updated from a KEV feed, CVE records or camscan data.

    Entries camscan already knows keep their model and firmware rules and get the new
    catalogue facts; new ones are added as vendor-wide ``possible`` matches.
    """
    data_date = date.today().isoformat()
    catalog = base.kev_catalog_version
    if isinstance(incoming, dict) and incoming.get("format") == FORMAT:
        parse_data(incoming, origin)  # validates
        new = list(incoming["entries"])
        data_date = str(incoming.get("data_date") or data_date)
        kind = "camscan data"
    elif isinstance(incoming, dict) and isinstance(incoming.get("vulnerabilities"), list):
        new = _kev_entries(incoming)
        released = str(incoming.get("dateReleased") or "")[:10]
        data_date = released or data_date
        catalog = incoming.get("catalogVersion") or catalog
        kind = f"CISA KEV catalog {incoming.get('catalogVersion', '')}".strip()
    else:
        records = incoming if isinstance(incoming, list) else [incoming]
        new = _cve_entries(records)
        if not new and not any(isinstance(r, dict) and "cveMetadata" in r for r in records):
            raise UsageError(
                f"{origin} is neither a CISA KEV catalog, CVE JSON 5 records nor camscan "
                "vulnerability data"
            )
        kind = "CVE records"
    entries = {e["cve"]: dict(e) for e in base.raw["entries"]}
    counts = {"added": 0, "updated": 0}
    for e in new:
        old = entries.get(e["cve"])
        if old is None:
            parse_data({"format": FORMAT, "entries": [e]}, origin)
            entries[e["cve"]] = e
            counts["added"] += 1
            continue
        keep_rules = old.get("certainty", "exact") == "exact" and e.get("certainty") != "exact"
        changed = dict(old)
        for key in ("kev", "kev_date_added", "summary", "cvss", "eol"):
            if e.get(key) not in (None, "", False) and e.get(key) != old.get(key):
                changed[key] = e[key]
        if not keep_rules:
            changed.update({k: e[k] for k in ("match", "ranges", "certainty") if k in e})
        if changed != old:
            entries[e["cve"]] = changed
            counts["updated"] += 1
    sources = list(base.sources)
    sources.append({"name": f"update: {kind}", "ref": origin, "snapshot": data_date})
    doc = {
        **base.raw,
        "data_date": max(data_date, base.data_date),
        "kev_catalog_version": catalog,
        "sources": sources,
        "entries": list(entries.values()),
    }
    counts["total"] = len(entries)
    return doc, counts


def update_from(incoming: Any, origin: str, *, target: Path | None = None) -> dict[str, Any]:
    """Merge new data into the current data and write it to the user's copy (``target``,
    else :func:`user_path`)."""
    base = load_vulns(user_copy=target)
    doc, counts = merge(base, incoming, origin=origin)
    out = user_path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    return {**counts, "path": str(out), "data_date": doc["data_date"]}


def update_from_file(path: Path, *, target: Path | None = None) -> dict[str, Any]:
    return update_from(_read_json(path), str(path), target=target)


def fetch(url: str = KEV_URL, *, timeout: float = 30.0) -> Any:
    """Download a KEV catalog (only when the user asks); size-capped, one-line errors."""
    import httpx

    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as resp:
            resp.raise_for_status()
            body = bytearray()
            for chunk in resp.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_FEED_BYTES:
                    raise UsageError(f"{url} sent more than {MAX_FEED_BYTES // 2**20} MiB")
    except httpx.HTTPError as err:
        raise UsageError(
            f"cannot fetch {url} ({err}); download it on a connected machine and run "
            "`camscan vulns update --from FILE`"
        ) from err
    try:
        return json.loads(bytes(body))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{url} did not return JSON: {err}") from err
