"""The replacement-priority policy: which factors count and how much (TOML).

The default ships as ``default_policy.toml`` next to this module.  A user's file (``--policy``
or ``$CAMSCAN_POLICY``, which the CLI reads and passes) is laid over it key by key, so it
needs only what it changes; a factor is turned off with ``weight = 0``.  Every value is
checked on load and a broken file is one PolicyError naming the file and the key.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from camscan.errors import PolicyError

BANDS = ("P1", "P2", "P3", "P4")
BAND_MEANING = {
    "P1": "replace now",
    "P2": "replace this year",
    "P3": "plan the replacement",
    "P4": "keep and monitor",
}
FACTORS = (
    "prc_intelligence_law",
    "us_covered_list",
    "known_exploited",
    "critical_cve",
    "end_of_life",
    "firmware_age",
    "exposure",
    "role",
    "criticality",
)
EXPOSURE_SIGNALS = (
    "telnet",
    "sdk_port",
    "http_plain_only",
    "upnp",
    "rtsp_no_auth",
    "onvif_no_auth",
    "not_activated",
)
ROLES = ("camera", "nvr", "dvr", "encoder")
CRITICALITY = ("high", "medium", "low", "untagged")
# The keys each factor takes besides ``weight``.
SETTINGS: dict[str, tuple[str, ...]] = {
    "prc_intelligence_law": ("manufacturers", "label"),
    "us_covered_list": ("manufacturers", "label"),
    "known_exploited": ("possible_fraction",),
    "critical_cve": ("min_cvss", "possible_fraction"),
    "end_of_life": (),
    "firmware_age": ("start_years", "full_years", "unknown_points"),
    "exposure": EXPOSURE_SIGNALS,
    "role": ROLES,
    "criticality": CRITICALITY,
}


@dataclass(frozen=True)
class Policy:
    """A validated policy: ``factors[name]`` holds that factor's settings."""

    name: str
    version: str
    source: str  # "default" or the file laid over it
    bands: dict[str, float]
    factors: dict[str, dict[str, Any]]
    sha256: str = ""  # of the file's text (of the default's when source is "default")
    text: str = ""  # the file laid over the default, as read ("" for the default)

    def weight(self, factor: str) -> float:
        return float(self.factors[factor]["weight"])

    def band(self, score: float) -> str:
        for band in BANDS[:-1]:
            if score >= self.bands[band]:
                return band
        return "P4"

    def describe(self) -> str:
        """Name, version, where it came from and the start of its hash: enough to tell two
        policies apart in a report or a terminal."""
        where = "" if self.source == "default" else f"{self.source}, "
        label = " ".join(t for t in (self.name, self.version) if t)
        return f"{label} ({where}sha256 {self.sha256[:12]})"


def default_text() -> str:
    return resources.files("camscan.scoring").joinpath("default_policy.toml").read_text("utf-8")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_policy(path: str | Path | None = None) -> Policy:
    """The default policy, with the policy file ``path`` laid over it when given."""
    if path is None:
        return policy_from_text("", "default")
    p = Path(path).expanduser()
    return policy_from_text(read_text(p, "policy"), str(p))


def policy_from_text(text: str, source: str) -> Policy:
    """The default laid over by a policy file's ``text`` (the stored copy of a site's
    policy is read back through here); ``source`` names where the text came from."""
    base = default_text()
    data = tomllib.loads(base)
    if source == "default":
        return _validate(data, source, _sha256(base), "")
    try:
        over = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"the policy file {source} is not valid TOML: {err}") from err
    return _validate(_merge(data, over), source, _sha256(text), text)


def read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise PolicyError(f"cannot read the {what} file {path}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise PolicyError(f"the {what} file {path} is not UTF-8 text: {err}") from err


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file as a dict; a PolicyError naming the ``what`` file when it cannot be."""
    try:
        return tomllib.loads(read_text(path, what))
    except tomllib.TOMLDecodeError as err:
        raise PolicyError(f"the {what} file {path} is not valid TOML: {err}") from err


def _number(where: str, value: Any, *, low: float = 0.0, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PolicyError(f"{where} must be a number, not {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"{low:g}..{high:g}" if high is not None else f">= {low:g}"
        raise PolicyError(f"{where} must be {bound}, not {value!r}")
    return float(value)


def _validate(data: dict[str, Any], source: str, sha256: str, text: str) -> Policy:
    where = "the default policy" if source == "default" else f"policy {source}"
    unknown = set(data) - {"name", "version", "bands", "factors"}
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    bands_in = data.get("bands", {})
    if set(bands_in) - set(BANDS[:-1]):
        raise PolicyError(f"{where}: [bands] takes P1, P2 and P3 (the lowest score of each)")
    bands = {b: _number(f"{where}: bands.{b}", bands_in.get(b), high=100) for b in BANDS[:-1]}
    if not bands["P1"] >= bands["P2"] >= bands["P3"]:
        raise PolicyError(f"{where}: bands must satisfy P1 >= P2 >= P3, got {bands}")
    factors_in = data.get("factors", {})
    unknown = set(factors_in) - set(FACTORS)
    if unknown:
        raise PolicyError(
            f"{where}: unknown factor(s) {', '.join(sorted(unknown))}; known: {', '.join(FACTORS)}"
        )
    factors: dict[str, dict[str, Any]] = {}
    for name in FACTORS:
        f = dict(factors_in.get(name, {}))
        key = f"{where}: factors.{name}"
        f["weight"] = _number(f"{key}.weight", f.get("weight", 0), high=100)
        for k, v in f.items():
            if k == "weight":
                continue
            if k not in SETTINGS[name]:
                raise PolicyError(
                    f"{key}: unknown key {k!r}; it takes weight, {', '.join(SETTINGS[name])}"
                )
            if k == "manufacturers":
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    raise PolicyError(f"{key}.{k} must be a list of names")
            elif k == "label":
                if not isinstance(v, str):
                    raise PolicyError(f"{key}.{k} must be text")
            else:
                f[k] = _number(f"{key}.{k}", v, high=1 if k.endswith("_fraction") else 100)
        factors[name] = f
    age = factors["firmware_age"]
    if age.get("full_years", 1) <= age.get("start_years", 0):
        raise PolicyError(f"{where}: factors.firmware_age.full_years must exceed start_years")
    return Policy(
        name=str(data.get("name", "custom")),
        version=str(data.get("version", "")),
        source=source,
        bands=bands,
        factors=factors,
        sha256=sha256,
        text=text,
    )
