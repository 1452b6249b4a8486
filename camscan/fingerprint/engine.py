"""Match a document's fields against the rules and combine the matches into a verdict."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import netaddr

from camscan.fingerprint.extract import Extracted, Observed, extract
from camscan.fingerprint.rules import CAMERA_TYPES, DECIDING, Rule, RuleSet
from camscan.fingerprint.verdict import Verdict

SDK_PORTS = (8000, 37777, 34567)
MAX_VALUE_CHARS = 200  # of a value quoted in the evidence list
MAX_MATCHES = 500  # per document: a hostile document cannot grow the evidence list unbounded
# A brand read from free text (a captured name) that no data file knows counts this much less:
# "icamera8001" in a name scope is not evidence of a brand called that.
UNKNOWN_BRAND_FACTOR = 0.5


@dataclass(frozen=True, slots=True)
class Match:
    """One rule that fired on one observed value."""

    rule: Rule
    observed: Observed
    captures: dict[str, str]
    asserts: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        value = self.observed.value
        if len(value) > MAX_VALUE_CHARS:
            value = value[:MAX_VALUE_CHARS] + "..."
        return {
            "source": self.observed.source,
            "field": self.observed.field,
            "value": value,
            "asserts": {**self.asserts, **{k: v for k, v in self.captures.items()}},
            "strength": self.rule.strength,
            "rule": self.rule.id,
        }


@lru_cache(maxsize=4096)
def oui_registrant(mac: str) -> str | None:
    """The IEEE registrant of a MAC's OUI (netaddr's registry), or None."""
    try:
        org = netaddr.EUI(mac).oui.registration().org
    except (netaddr.NotRegisteredError, netaddr.AddrFormatError, ValueError, IndexError):
        return None
    return str(org).strip() or None


def _noisy_or(strengths: list[float]) -> float:
    p = 1.0
    for s in strengths:
        p *= 1.0 - s
    return 1.0 - p


_HIK_BUILD = re.compile(r"build\s*:?\s*(\d{2})(\d{2})(\d{2})\b", re.I)
_ISO_DATE = re.compile(r"(?:build(?:\s*date)?\s*:?\s*)(\d{4})-(\d{2})-(\d{2})", re.I)
_R_YYMMDD = re.compile(r"\.[RT]\.(\d{2})(\d{2})(\d{2})\b")


def firmware_date(*texts: str | None) -> str | None:
    """``YYYY-MM-DD`` from firmware strings (Hikvision ``build 170725``, Dahua
    ``Build Date: 2020-03-14`` / ``build:2020-06-05`` / ``.R.200314``), else None."""
    for text in texts:
        if not text:
            continue
        for rx, century in ((_ISO_DATE, ""), (_HIK_BUILD, "20"), (_R_YYMMDD, "20")):
            m = rx.search(text)
            if m:
                try:
                    d = date(int(century + m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    continue
                return d.isoformat()
    return None


class Engine:
    """Loaded, validated rules indexed by field; :meth:`identify` is pure and fast."""

    def __init__(self, rules: RuleSet) -> None:
        self.ruleset = rules
        self.by_field: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules.rules:
            self.by_field[rule.field].append(rule)
        # Canonical names: exact aliases first, then substrings (longest first).
        self._alias: dict[str, str] = {}
        self._contains: list[tuple[str, str]] = []
        for m in rules.manufacturers.values():
            self._alias[m.name.lower()] = m.name
            for a in m.aliases:
                self._alias[a] = m.name
            self._contains.extend((c, m.name) for c in m.contains)
        for o in rules.oem.values():
            self._alias.setdefault(o.brand.lower(), o.brand)
            for a in o.aliases:
                self._alias.setdefault(a, o.brand)
        self._contains.sort(key=lambda t: -len(t[0]))
        self._known_brands = frozenset(self._alias.values())

    # -- names -----------------------------------------------------------------------
    def canonical(self, name: str | None) -> str | None:
        """The canonical manufacturer/brand for a spelling; unknown spellings kept as is;
        generic labels (``Private``, ``IPCAM``) give None."""
        if not name:
            return None
        key = " ".join(name.replace("_", " ").split()).lower()
        if not key or key in self.ruleset.generic_brands:
            return None
        if key in self._alias:
            return self._alias[key]
        squashed = re.sub(r"[^a-z0-9]", "", key)
        if squashed in self._alias:
            return self._alias[squashed]
        for sub, canon in self._contains:
            if sub in key:
                return canon
        return " ".join(name.split())[:80]

    def maker_of_brand(self, brand: str) -> tuple[str, float] | None:
        """(manufacturer, strength) implied by a brand name, from the data files."""
        oem = self.ruleset.oem.get(brand.lower())
        if oem is not None:
            return oem.manufacturer, oem.strength
        if brand in self.ruleset.manufacturers:
            return brand, 0.55
        return None

    # -- matching --------------------------------------------------------------------
    def _match(self, observed: list[Observed]) -> list[Match]:
        out: list[Match] = []
        for obs in observed:
            for rule in self.by_field.get(obs.field, ()):
                caps = rule.match(obs.value)
                if caps is None:
                    continue
                asserts = dict(rule.asserts)
                brand = asserts.get("brand")
                if isinstance(brand, str) and brand.startswith("{"):
                    asserts["brand"] = caps.get(brand.strip("{}"))
                    if not asserts["brand"]:
                        del asserts["brand"]
                out.append(Match(rule, obs, caps, asserts))
                if len(out) >= MAX_MATCHES:
                    return out
        return out

    def identify(self, doc: Any) -> Verdict:
        """The verdict for one evidence document; bad input becomes recorded errors."""
        if not isinstance(doc, dict):
            return Verdict(errors=[{"field": "document", "error": "not a JSON object"}])
        ex = extract(doc)
        if ex.macs:
            mac, source = ex.macs[0]
            registrant = oui_registrant(mac)
            if registrant:
                ex.observed.append(Observed("mac.registrant", registrant, source))
            ex.observed.append(Observed("mac.oui", mac[:8].upper(), source))
            ex.observed.append(Observed("mac.address", mac.upper(), source))
        matches = self._match(ex.observed)
        models = [m.captures["model"] for m in matches if "model" in m.captures]
        model_obs = [Observed("model", v, "model") for v in dict.fromkeys(models)]
        matches += self._match(model_obs)
        return self._combine(ex, matches)

    # -- combining -------------------------------------------------------------------
    def _combine(self, ex: Extracted, matches: list[Match]) -> Verdict:
        v = Verdict(errors=ex.errors, endpoint_reference=ex.endpoint_reference)
        v.evidence = [m.to_dict() for m in matches]
        makers: dict[str, list[float]] = defaultdict(list)
        brands: dict[str, list[float]] = defaultdict(list)
        types: dict[str, list[float]] = defaultdict(list)
        oem_build = False
        for m in matches:
            s = m.rule.strength
            a = m.asserts
            maker = a.get("manufacturer")
            if maker:
                makers[maker].append(s)
            brand = self.canonical(a.get("brand"))
            if brand:
                if brand not in self._known_brands:
                    s_brand = s * UNKNOWN_BRAND_FACTOR
                    brands[brand].append(s_brand)
                else:
                    brands[brand].append(s)
                implied = self.maker_of_brand(brand)
                if implied and not maker:
                    makers[implied[0]].append(min(s, implied[1]))
            if a.get("device_type"):
                types[a["device_type"]].append(s)
            oem_build = oem_build or bool(a.get("oem_build"))

        v.manufacturer, maker_score = self._pick(makers, "manufacturer", v)
        v.brand, _ = self._pick(brands, "brand", v, threshold=0.2)
        if v.brand is None and v.manufacturer and not oem_build:
            info = self.ruleset.manufacturers.get(v.manufacturer)
            if info is None or not info.brandless:
                v.brand = v.manufacturer
        v.white_label = bool(
            v.manufacturer and ((v.brand and v.brand != v.manufacturer) or oem_build)
        )
        if v.white_label and v.brand == v.manufacturer:
            v.brand = None

        cam = {t: _noisy_or(types[t]) for t in CAMERA_TYPES if types.get(t)}
        cam_best = max((max(types[t]) for t in cam), default=0.0)
        cam_score = _noisy_or([s for t in CAMERA_TYPES for s in types.get(t, [])])
        not_score = _noisy_or(types.get("not_camera", []))
        not_best = max(types.get("not_camera", []), default=0.0)
        if cam_best >= DECIDING and cam_score >= not_score:
            specific = {
                t: sc for t, sc in cam.items() if t != "camera" and max(types[t]) >= DECIDING
            }
            v.device_type = max(specific, key=lambda t: specific[t]) if specific else "camera"
            v.is_camera = True
            v.confidence = cam_score * (1 - 0.5 * not_score)
            if v.manufacturer:
                v.confidence = 0.5 * v.confidence + 0.5 * maker_score * (1 - 0.5 * not_score)
            if not_score:
                v.conflicts.append(
                    {
                        "field": "device_type",
                        "chosen": v.device_type,
                        "rejected": "not_camera",
                        "score": round(not_score, 3),
                    }
                )
        elif not_best >= DECIDING:
            v.device_type = "not_camera"
            v.confidence = not_score * (1 - 0.5 * cam_score)
            if cam_score:
                v.conflicts.append(
                    {
                        "field": "device_type",
                        "chosen": "not_camera",
                        "rejected": "camera",
                        "score": round(cam_score, 3),
                    }
                )
        else:
            v.device_type = "unknown"
            v.confidence = 0.0
        v.confidence = round(min(max(v.confidence, 0.0), 1.0), 3)

        for key in ("model", "firmware", "serial"):
            best = max(
                (m for m in matches if m.captures.get(key)),
                key=lambda m: m.rule.strength,
                default=None,
            )
            if best is not None:
                setattr(v, key, best.captures[key][:120])
        if ex.macs:
            v.mac = ex.macs[0][0]
            v.mac_vendor = oui_registrant(v.mac)
        ports = set(ex.open_ports)
        v.exposure = {
            "open_ports": sorted(ports),
            "telnet": 23 in ports,
            "sdk_ports": sorted(p for p in SDK_PORTS if p in ports),
            "http_plain_only": ex.http_plain and not ex.http_tls,
            "upnp": ex.upnp,
            "rtsp_no_auth": ex.rtsp_200_describe,
            "onvif_no_auth": ex.onvif_no_auth,
            "activated": ex.activated,
            "firmware_date": firmware_date(
                v.firmware, *(m.captures.get("firmware") for m in matches)
            ),
        }
        return v

    def _pick(
        self, scores: dict[str, list[float]], what: str, v: Verdict, threshold: float = DECIDING
    ) -> tuple[str | None, float]:
        """The best-supported value (one piece of evidence >= threshold), conflicts recorded."""
        ranked = sorted(
            ((n, _noisy_or(s), max(s)) for n, s in scores.items() if max(s) >= threshold),
            key=lambda t: (-t[1], t[0]),
        )
        if not ranked:
            return None, 0.0
        winner, score, _ = ranked[0]
        # Every other candidate is recorded, including those too weak to have decided.
        for name, strengths in sorted(scores.items()):
            if name != winner:
                v.conflicts.append(
                    {
                        "field": what,
                        "chosen": winner,
                        "rejected": name,
                        "score": round(_noisy_or(strengths), 3),
                    }
                )
        return winner, score
