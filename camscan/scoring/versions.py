"""Firmware version strings parsed into something that compares properly.

Camera makers write versions their own way (Hikvision: maciej-or/hikvision_next issue 100,
https://github.com/maciej-or/hikvision_next/issues/100; Dahua: rroller/dahua issues 90 and
344, https://github.com/rroller/dahua/issues/90, https://github.com/rroller/dahua/issues/344):

* Hikvision: ``V5.5.0 build 170725``, ``V5.4.0 Build 160530``, file names
  ``IPC_G3_EN_STD_5.5.160_210416`` and ``V5.4.81_180203`` (version, then a ``YYMMDD`` build).
* Dahua and the units it makes: ``V2.800.0000000.16.R, Build Date: 2022-08-26``,
  ``2.800.0000016.0.R,build:2020-06-05``, Amcrest ``2.800.00AC000.0.R.200330`` (a trailing
  ``YYMMDD``) and ``2.420.AC00.18.R.20200217`` (``YYYYMMDD``).  The third field is an OEM /
  customer code, not a number to compare; Dahua's advisories cut by build date.
* Others: ``6.3.40`` (PTZOptics), ``v3.0.0.136_20121102`` (Reolink: version, ``YYMMDD`` and
  two more digits), ``4.02.R11.7601`` (Xiongmai), ``2.3.8-6`` (Hikvision storage).

A version is a tuple of tokens (numbers compare as numbers, ``5.10`` > ``5.9``; missing
trailing numbers are zeros, ``5.5`` == ``5.5.0``) plus an optional build date.  Two versions
compare by tokens first and build date second; when the tokens cannot be compared (a number
against a word) or a needed build date is missing the answer is ``None``: unknown, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_CHARS = 200  # device-supplied text: longer strings are cut before parsing

_ISO = re.compile(r"(?:build(?:\s*date)?\s*[:=]?\s*)?(\d{4})-(\d{2})-(\d{2})", re.I)
_HIK_BUILD = re.compile(r"\bbuild\s*[:=]?\s*(\d{2})(\d{2})(\d{2})\b", re.I)
_DAHUA = re.compile(
    r"^V?(\d+)\.(\d+)\.([0-9A-Z]{4,7})\.(\d+)\.([A-Z])(?:\.(\d{8}|\d{6}))?(?![0-9A-Za-z])", re.I
)
_UNDERSCORE_BUILD = re.compile(r"^(.*?\d)_(\d{6})(\d{2})?$")
_FILE_NAME = re.compile(r"^[A-Z0-9]+(?:_[A-Z0-9]+)*?_(?:STD|[A-Z]{2})_(\d[\d.]*_\d{6})$", re.I)
_TOKEN = re.compile(r"\d+|[A-Za-z]+")

Token = int | str


@dataclass(frozen=True)
class Firmware:
    """A parsed firmware string: ``release`` tokens, a build date and the OEM field."""

    raw: str
    release: tuple[Token, ...]
    build: date | None = None
    family: str = "generic"  # hikvision | dahua | generic
    oem_code: str | None = None

    def describe(self) -> str:
        """The string as the device gave it, with the build date read from it."""
        text = (self.raw if len(self.raw) <= 60 else self.raw[:57] + "...") or "(version unknown)"
        if self.build and self.build.isoformat() not in self.raw:
            return f"{text} (built {self.build.isoformat()})"
        return text


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _yymmdd(text: str) -> date | None:
    return _date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))


def _tokens(text: str) -> tuple[Token, ...]:
    return tuple(int(t) if t.isdigit() else t.lower() for t in _TOKEN.findall(text))


def parse_firmware(text: str | None, build_date: str | date | None = None) -> Firmware | None:
    """Parse a firmware string; ``build_date`` (ISO) fills in a build the string lacks.

    Returns None for a string without a single digit, unless ``build_date`` is known: then
    the firmware is that build of an unknown version (build-date cut-offs still apply).
    """
    extra = build_date if isinstance(build_date, date) else _iso(build_date)
    if not text or not any(c.isdigit() for c in text[:MAX_CHARS]):
        return Firmware("", (), extra) if extra else None
    raw = " ".join(text[:MAX_CHARS].split())
    build: date | None = None
    m = _DAHUA.match(raw)
    if m:
        major, minor, oem, rev, _kind, tail = m.groups()
        if tail:
            build = _yymmdd(tail) if len(tail) == 6 else _date(*_split8(tail))
        iso = _ISO.search(raw[m.end() :])
        if iso:
            build = _date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return Firmware(
            raw, (int(major), int(minor), int(rev)), build or extra, "dahua", oem.upper()
        )
    family = "generic"
    head = raw
    iso = _ISO.search(raw)
    hik = _HIK_BUILD.search(raw)
    if hik:
        build = _yymmdd("".join(hik.groups()))
        head = raw[: hik.start()]
        family = "hikvision"
    elif iso:
        build = _date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        head = raw[: iso.start()]
    else:
        fm = _FILE_NAME.match(raw)
        if fm:
            head, family = fm.group(1), "hikvision"
        um = _UNDERSCORE_BUILD.match(head)
        if um:
            head, build = um.group(1), _yymmdd(um.group(2))
    head = head.strip().rstrip(",;")
    if head[:1] in ("V", "v") and head[1:2].isdigit():
        head = head[1:]
    release = _tokens(head)
    if not release:
        return Firmware(raw, (), extra) if extra else None
    return Firmware(raw, release, build or extra, family)


def _split8(text: str) -> tuple[int, int, int]:
    return int(text[:4]), int(text[4:6]), int(text[6:8])


def _iso(text: str | None) -> date | None:
    if not text:
        return None
    m = _ISO.search(text)
    return _date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def compare_release(a: tuple[Token, ...], b: tuple[Token, ...]) -> int | None:
    """-1, 0 or 1 comparing token tuples; None when a number meets a word or one is empty."""
    if not a or not b:
        return None
    n = max(len(a), len(b))
    for i in range(n):
        x: Token = a[i] if i < len(a) else 0
        y: Token = b[i] if i < len(b) else 0
        if type(x) is not type(y):
            return None
        if x != y:
            return -1 if x < y else 1  # type: ignore[operator]
    return 0


def compare(a: Firmware, b: Firmware) -> int | None:
    """-1, 0 or 1: release tokens first, then build dates (when both have one)."""
    c = compare_release(a.release, b.release)
    if c is None or c != 0:
        return c
    if a.build and b.build and a.build != b.build:
        return -1 if a.build < b.build else 1
    return 0


def compare_strings(a: str, b: str) -> int | None:
    """:func:`compare` on two firmware strings; None when either does not parse."""
    fa, fb = parse_firmware(a), parse_firmware(b)
    if fa is None or fb is None:
        return None
    return compare(fa, fb)


def in_range(
    fw: Firmware | None,
    *,
    introduced: str | None = None,
    last_affected: str | None = None,
    fixed: str | None = None,
    built_before: str | None = None,
) -> bool | None:
    """Whether ``fw`` lies in an affected range; None when that cannot be decided.

    ``introduced`` and ``last_affected`` are inclusive bounds, ``fixed`` the first good
    version, ``built_before`` an ISO date: builds from that day on are fixed.  A bound that
    cannot be compared makes the answer None rather than a guess.
    """
    if fw is None:
        return None
    answers: list[bool | None] = []
    if built_before:
        cutoff = _iso(built_before)
        answers.append(None if fw.build is None or cutoff is None else fw.build < cutoff)
    for bound, kind in ((introduced, "ge"), (last_affected, "le"), (fixed, "lt")):
        if not bound:
            continue
        other = parse_firmware(bound)
        c = compare(fw, other) if other else None
        if c == 0 and other and other.build and fw.build is None:
            c = None  # same release, but the bound is a build of it and ours is unknown
        if c is None:
            answers.append(None)
        else:
            answers.append(c >= 0 if kind == "ge" else c <= 0 if kind == "le" else c < 0)
    if any(a is False for a in answers):
        return False
    if any(a is None for a in answers):
        return None
    return True
