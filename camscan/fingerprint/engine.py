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
from camscan.fingerprint.rules import CAMERA_TYPES, DECIDING, STRENGTHS, Rule, RuleSet
from camscan.fingerprint.verdict import ServiceFacts, Verdict

MAX_VALUE_CHARS = 200  # of a value quoted in the evidence list
MAX_MATCHES = 500  # per document: a hostile document cannot grow the evidence list unbounded
# A brand read from free text (a captured name) that no data file knows counts this much less:
# "icamera8001" in a name scope is not evidence of a brand called that.
UNKNOWN_BRAND_FACTOR = 0.5
# Evidence from a catch-all port's path-dependent values (docs/fingerprints.md) counts at most
# this much: shown, never deciding.
DISCOUNTED = STRENGTHS["weak"]
# Independent channels (docs/fingerprints.md "Confidence"): the fields one device stack
# produces count as one vote per candidate, the strongest of them.  Field families not
# listed are their own channel (``sadp``, ``dhip``, ``rtsp``, ``tls``, ``snmp``, ``mdns``...).
CHANNELS = {"isapi": "http", "wsd": "onvif", "upnp": "ssdp", "ports": "ports", "mac": "mac"}


def channel(fld: str) -> str:
    """The independent channel a field belongs to (``isapi.model`` -> ``http``)."""
    head = fld.split(".", 1)[0]
    return CHANNELS.get(head, head)


class Votes:
    """Per candidate, the strongest evidence of each channel: the same signal repeated across
    paths, ports or sibling fields of one reply is one vote, not many."""

    def __init__(self) -> None:
        self.by: dict[str, dict[str, float]] = defaultdict(dict)

    def add(self, name: str, chan: str, strength: float) -> None:
        if strength > self.by[name].get(chan, 0.0):
            self.by[name][chan] = strength

    def lists(self) -> dict[str, list[float]]:
        return {name: sorted(ch.values(), reverse=True) for name, ch in self.by.items()}


@dataclass(frozen=True, slots=True)
class Match:
    """One rule that fired on one observed value."""

    rule: Rule
    observed: Observed
    captures: dict[str, str]
    asserts: dict[str, Any]

    @property
    def strength(self) -> float:
        """The rule's strength, capped at weak for a catch-all port's path evidence."""
        if self.observed.discounted:
            return min(self.rule.strength, DISCOUNTED)
        return self.rule.strength

    def to_dict(self) -> dict[str, Any]:
        value = self.observed.value
        if len(value) > MAX_VALUE_CHARS:
            value = value[:MAX_VALUE_CHARS] + "..."
        out = {
            "source": self.observed.source,
            "field": self.observed.field,
            "value": value,
            "asserts": {**self.asserts, **{k: v for k, v in self.captures.items()}},
            "strength": self.strength,
            "rule": self.rule.id,
        }
        if self.observed.discounted:
            out["discounted"] = "catch-all"
        return out


@lru_cache(maxsize=4096)
def oui_registrant(mac: str) -> str | None:
    """The IEEE registrant of a MAC's OUI (netaddr's registry), or None."""
    try:
        org = netaddr.EUI(mac).oui.registration().org
    except (netaddr.NotRegisteredError, netaddr.AddrFormatError, ValueError, IndexError):
        return None
    return str(org).strip() or None


def lists_of(votes: Votes, name: str) -> list[float]:
    """One candidate's votes, strongest first."""
    return sorted(votes.by.get(name, {}).values(), reverse=True)


def _against(support: float, doubt: float) -> float:
    """Support for a claim once the evidence against it is weighed (Dempster's rule for two
    exclusive claims: the conflicting mass ``support * doubt`` is set aside and the rest
    renormalised).  Weak doubt barely moves strong support; equal support and doubt of 0.6
    leave 0.375."""
    rest = 1.0 - support * doubt
    return support * (1.0 - doubt) / rest if rest > 1e-9 else 0.0


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
        # A model read from a discounted page is discounted too (it is the page's, not the
        # device's); a model seen anywhere else counts in full.
        models: dict[str, bool] = {}
        for m in matches:
            if "model" in m.captures:
                v = m.captures["model"]
                models[v] = models.get(v, True) and m.observed.discounted
        model_obs = [Observed("model", v, "model", d) for v, d in models.items()]
        matches += self._match(model_obs)
        return self._combine(ex, matches)

    # -- combining -------------------------------------------------------------------
    def _combine(self, ex: Extracted, matches: list[Match]) -> Verdict:
        v = Verdict(errors=ex.errors, endpoint_reference=ex.endpoint_reference)
        v.notes = list(ex.notes)
        v.evidence = [m.to_dict() for m in matches]
        makers, brands, types = Votes(), Votes(), Votes()
        oem_build = False
        for m in matches:
            s = m.strength
            a = m.asserts
            chan = channel(m.observed.field)
            maker = a.get("manufacturer")
            if maker:
                makers.add(maker, chan, s)
            brand = self.canonical(a.get("brand"))
            if brand:
                known = brand in self._known_brands
                brands.add(brand, chan, s if known else s * UNKNOWN_BRAND_FACTOR)
                implied = self.maker_of_brand(brand)
                if implied and not maker:
                    makers.add(implied[0], chan, min(s, implied[1]))
            if a.get("device_type"):
                types.add(a["device_type"], chan, s)
            oem_build = oem_build or (bool(a.get("oem_build")) and not m.observed.discounted)

        v.manufacturer, maker_score = self._pick(makers.lists(), "manufacturer", v)
        v.brand, _ = self._pick(brands.lists(), "brand", v, threshold=0.2)
        if v.brand is None and v.manufacturer and not oem_build:
            info = self.ruleset.manufacturers.get(v.manufacturer)
            if info is None or not info.brandless:
                v.brand = v.manufacturer
        v.white_label = bool(
            v.manufacturer and ((v.brand and v.brand != v.manufacturer) or oem_build)
        )
        if v.white_label and v.brand == v.manufacturer:
            v.brand = None
        self._device_type(v, types, maker_score)
        v.confidence = round(min(max(v.confidence, 0.0), 1.0), 3)

        for key in ("model", "firmware", "serial"):
            best = max(
                (m for m in matches if m.captures.get(key)),
                key=lambda m: m.strength,
                default=None,
            )
            if best is not None:
                setattr(v, key, best.captures[key][:120])
        if ex.macs:
            v.mac = ex.macs[0][0]
            v.mac_vendor = oui_registrant(v.mac)
        # What was read of the services; the exposure it amounts to is scoring's to judge
        # (camscan/scoring/exposure.py, filled in by camscan/app/identify.py).
        v.facts = ServiceFacts(
            open_ports=tuple(sorted(set(ex.open_ports))),
            http_plain=ex.http_plain,
            http_tls=ex.http_tls,
            upnp=ex.upnp,
            rtsp_200_describe=ex.rtsp_200_describe,
            onvif_no_auth=ex.onvif_no_auth,
            activated=ex.activated,
            firmware_date=firmware_date(v.firmware, *(m.captures.get("firmware") for m in matches)),
        )
        return v

    def _device_type(self, v: Verdict, types: Votes, maker_score: float) -> None:
        """Camera side against not-camera, the most specific camera type, and the confidence
        (docs/fingerprints.md "Device type" and "Confidence")."""
        lists = types.lists()
        camera_side = Votes()
        for t in CAMERA_TYPES:
            for chan, s in types.by.get(t, {}).items():
                camera_side.add("camera", chan, s)
        cam = lists_of(camera_side, "camera")
        cam_score, cam_best = _noisy_or(cam), max(cam, default=0.0)
        nots = lists.get("not_camera", [])
        not_score, not_best = _noisy_or(nots), max(nots, default=0.0)
        if cam_best >= DECIDING and cam_score >= not_score:
            # A specific type that a deciding rule supports (an NVR's model line, an encoder's
            # product type) beats the generic "camera" its ONVIF/RTSP services also assert.
            specific = {
                t: (_noisy_or(lists[t]), lists[t][0])
                for t in CAMERA_TYPES
                if t != "camera" and lists.get(t) and lists[t][0] >= DECIDING
            }
            v.device_type = max(specific, key=lambda t: (specific[t], t)) if specific else "camera"
            for t in sorted(specific):
                if t != v.device_type:
                    v.conflicts.append(
                        {
                            "field": "device_type",
                            "chosen": v.device_type,
                            "rejected": t,
                            "score": round(specific[t][0], 3),
                        }
                    )
            v.is_camera = True
            v.confidence = _against(cam_score, not_score)
            if v.manufacturer:
                # The verdict says "a camera made by X": it is as sure as its weaker half.
                v.confidence = min(v.confidence, maker_score)
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
            v.confidence = _against(not_score, cam_score)
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
