"""Firmware version parsing and comparison: the formats makers really use."""

from __future__ import annotations

from datetime import date
from functools import cmp_to_key

import pytest

from camscan.scoring.versions import compare, compare_strings, in_range, parse_firmware


@pytest.mark.parametrize(
    ("text", "release", "build", "family"),
    [
        ("V5.5.0 build 170725", (5, 5, 0), date(2017, 7, 25), "hikvision"),
        ("V5.4.0 Build 160530", (5, 4, 0), date(2016, 5, 30), "hikvision"),
        ("IPC_G3_EN_STD_5.5.160_210416", (5, 5, 160), date(2021, 4, 16), "hikvision"),
        ("V5.4.81_180203", (5, 4, 81), date(2018, 2, 3), "generic"),
        ("V4.30.085 build 200916", (4, 30, 85), date(2020, 9, 16), "hikvision"),
        ("V2.800.0000000.16.R, Build Date: 2022-08-26", (2, 800, 16), date(2022, 8, 26), "dahua"),
        ("2.800.0000016.0.R,build:2020-06-05", (2, 800, 0), date(2020, 6, 5), "dahua"),
        ("2.800.00AC000.0.R.200330", (2, 800, 0), date(2020, 3, 30), "dahua"),
        ("2.420.AC00.18.R.20200217", (2, 420, 18), date(2020, 2, 17), "dahua"),
        ("3.142.15OG003.0.R", (3, 142, 0), None, "dahua"),
        ("6.3.40", (6, 3, 40), None, "generic"),
        # Reolink: version, then YYMMDD and two more digits (research 3.3)
        ("v3.0.0.136_20121102", (3, 0, 0, 136), date(2020, 12, 11), "generic"),
        ("4.02.R11.7601", (4, 2, "r", 11, 7601), None, "generic"),
        ("2.3.8-6", (2, 3, 8, 6), None, "generic"),
    ],
)
def test_parse_real_strings(
    text: str, release: tuple[object, ...], build: date | None, family: str
) -> None:
    fw = parse_firmware(text)
    assert fw is not None
    assert fw.release == release
    assert fw.build == build
    assert fw.family == family


def test_dahua_oem_code_is_kept_apart_from_the_version() -> None:
    amcrest = parse_firmware("2.800.00AC000.0.R.200330")
    dahua = parse_firmware("2.800.0000000.6.R.200314")
    assert amcrest and dahua
    assert amcrest.oem_code == "00AC000" and dahua.oem_code == "0000000"
    # same release line, so the build date decides
    assert compare_strings("2.800.00AC000.0.R.200101", "2.800.00AC000.0.R.200330") == -1


@pytest.mark.parametrize("text", [None, "", "junk", "unknown", "V", "<script>x</script>"])
def test_unparseable_is_none(text: str | None) -> None:
    assert parse_firmware(text) is None


def test_impossible_build_date_is_dropped_not_invented() -> None:
    fw = parse_firmware("V5.5.0 build 171399")
    assert fw is not None and fw.release == (5, 5, 0) and fw.build is None


def test_huge_string_is_cut() -> None:
    fw = parse_firmware("V5." + "1" * 100_000)
    assert fw is not None and len(fw.raw) <= 200


def test_build_date_from_the_scan_fills_a_bare_version() -> None:
    fw = parse_firmware("V5.7.12", "2022-08-19")
    assert fw is not None and fw.build == date(2022, 8, 19)
    own = parse_firmware("V5.7.12 build 220819", "1999-01-01")
    assert own is not None and own.build == date(2022, 8, 19)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("V5.10.0", "V5.9.9", 1),  # numbers, not text
        ("V5.5", "5.5.0", 0),  # missing trailing zeros; the V prefix
        ("V5.5.0 build 170725", "V5.5.0 build 210628", -1),  # same version, build decides
        ("V5.5.800 build 210628", "V5.5.160 build 210416", 1),
        ("V5.5.0 build 210628", "V5.4.9 build 220101", 1),  # version before build date
        ("V5.5.0", "V5.5.0 build 210628", 0),  # unknown build: equal as far as known
        ("6.3.40", "6.3.4", 1),
        ("2.3.8-8", "2.3.8-6", 1),
        ("4.02.R11.7601", "4.02.R11.7700", -1),
        ("4.02.R11.7601", "4.02.11.7601", None),  # a word against a number: cannot tell
        ("junk", "6.3.40", None),
    ],
)
def test_compare(a: str, b: str, expected: int | None) -> None:
    assert compare_strings(a, b) == expected
    if expected is not None:
        assert compare_strings(b, a) == -expected


def test_compare_sorts_a_mixed_list() -> None:
    texts = ["V5.5.0 build 210628", "V5.4.0 build 160530", "V5.10.1", "V5.5.0 build 170725"]
    fws = [f for f in (parse_firmware(t) for t in texts) if f is not None]
    ordered = sorted(fws, key=cmp_to_key(lambda a, b: compare(a, b) or 0))
    assert [f.raw for f in ordered] == [
        "V5.4.0 build 160530",
        "V5.5.0 build 170725",
        "V5.5.0 build 210628",
        "V5.10.1",
    ]


def test_in_range_bounds() -> None:
    rng = {"introduced": "V5.2.0 build 140721", "last_affected": "V5.4.0 build 160530"}
    assert in_range(parse_firmware("V5.3.0 build 150101"), **rng) is True
    assert in_range(parse_firmware("V5.4.0 build 160530"), **rng) is True  # inclusive
    assert in_range(parse_firmware("V5.4.0 build 160531"), **rng) is False
    assert in_range(parse_firmware("V5.1.9 build 140101"), **rng) is False
    # the bound is a build of V5.4.0 and ours is unknown: cannot tell
    assert in_range(parse_firmware("V5.4.0"), **rng) is None
    assert in_range(None, **rng) is None
    assert in_range(parse_firmware("6.3.39"), fixed="6.3.40") is True
    assert in_range(parse_firmware("6.3.40"), fixed="6.3.40") is False
    assert in_range(parse_firmware("V5.5.0 build 210627"), built_before="2021-06-28") is True
    assert in_range(parse_firmware("V5.5.0 build 210628"), built_before="2021-06-28") is False
    assert in_range(parse_firmware("V5.5.0"), built_before="2021-06-28") is None
    # one bound says no: no, even when another cannot be decided
    assert in_range(parse_firmware("V5.5.0"), fixed="V5.4.0", built_before="2021-06-28") is False


def test_build_date_alone_still_decides_build_cutoffs() -> None:
    fw = parse_firmware(None, "2020-01-01")
    assert fw is not None and fw.release == () and fw.build == date(2020, 1, 1)
    assert in_range(fw, built_before="2021-06-28") is True
    assert in_range(fw, fixed="6.3.40") is None  # no version to compare
