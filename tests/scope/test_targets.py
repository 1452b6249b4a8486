"""Target parsing and every safety refusal of the scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from camscan.errors import ScopeError
from camscan.scope import build_scope, parse_target


@pytest.mark.parametrize(
    ("text", "first", "last", "size"),
    [
        ("10.0.0.0/24", "10.0.0.0", "10.0.0.255", 256),
        ("10.0.0.10-50", "10.0.0.10", "10.0.0.50", 41),
        ("192.168.1.200-192.168.2.10", "192.168.1.200", "192.168.2.10", 67),
        ("172.16.5.9", "172.16.5.9", "172.16.5.9", 1),
        ("fe80::1", "fe80::1", "fe80::1", 1),
        ("10.1.2.3/24", "10.1.2.0", "10.1.2.255", 256),  # host bits: the network, as nmap
    ],
)
def test_parse_forms(text: str, first: str, last: str, size: int) -> None:
    t = parse_target(text)
    assert str(t.ranges[0][0]) == first
    assert str(t.ranges[-1][-1]) == last
    assert t.size == size


def test_cidr_skips_network_and_broadcast() -> None:
    hosts = list(build_scope(["10.9.9.0/29"]).iter_hosts())
    assert hosts == [f"10.9.9.{i}" for i in range(1, 7)]


def test_exclusions_and_files(tmp_path: Path) -> None:
    f = tmp_path / "targets.txt"
    f.write_text("# school\n10.0.0.1\n10.0.0.2 10.0.0.3  # comment\n\n10.0.0.10-12\n")
    scope = build_scope([], target_files=[str(f)], exclude=["10.0.0.2,10.0.0.11"])
    assert list(scope.iter_hosts()) == ["10.0.0.1", "10.0.0.3", "10.0.0.10", "10.0.0.12"]
    d = scope.to_dict()
    assert d["targets"] == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.10-12"]
    assert d["exclusions"] == ["10.0.0.2", "10.0.0.11"]
    assert d["addresses"] == 4
    assert scope.contains("10.0.0.3") and not scope.contains("10.0.0.2")
    assert not scope.contains("not an ip")


def test_hostname_resolves() -> None:
    scope = build_scope(["localhost"])
    assert "127.0.0.1" in list(scope.iter_hosts())
    assert scope.to_dict()["targets"] == ["localhost"]


@pytest.mark.parametrize(
    ("targets", "kwargs", "needle"),
    [
        (["8.8.8.8"], {}, "--allow-public"),
        (["10.0.0.0/8"], {}, "--large"),
        (["10.0.0.0/15"], {}, "--large"),
        (["224.0.0.251"], {}, "multicast or broadcast"),
        (["255.255.255.255"], {}, "multicast or broadcast"),
        (["ff02::1"], {}, "multicast or broadcast"),
        (["2001:db8::/64"], {"allow_public": True, "large": True}, "more than any scan"),
        (["not_a_host!"], {}, "cannot read target"),
        (["10.0.0.50-10"], {}, "end comes before"),
        (["10.0.0.1-10.0.0.x"], {}, "bad range"),
        (["10.0.0.256"], {}, "not an IPv4 address"),
        (["192.168.1"], {}, "not an IPv4 address"),
        (["300.1.1.1/24"], {}, "bad network"),
        ([], {}, "no targets"),
        (["10.0.0.1"], {"exclude": ["10.0.0.1"]}, "nothing left"),
        (["10.0.0.0/24", "1.1.1.1"], {}, "public address space (1.1.1.1/32)"),
    ],
)
def test_refusals(targets: list[str], kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(ScopeError) as err:
        build_scope(targets, **kwargs)  # type: ignore[arg-type]
    assert needle in str(err.value)
    assert err.value.exit_code == 2


def test_allowed_with_flags() -> None:
    assert build_scope(["8.8.8.8"], allow_public=True).size == 1
    assert build_scope(["10.0.0.0/15"], large=True).size == 2 * 65536 - 2
    # a /16 is allowed without --large: the documented limit is "larger than a /16"
    assert build_scope(["10.77.0.0/16"]).size == 65534
    for space in ["100.64.1.0/24", "169.254.3.0/24", "127.0.0.0/24", "fd00::1", "fe80::2"]:
        assert build_scope([space]).size > 0


def test_unreadable_target_file(tmp_path: Path) -> None:
    with pytest.raises(ScopeError, match="cannot read target file"):
        build_scope([], target_files=[str(tmp_path / "missing.txt")])
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n")
    with pytest.raises(ScopeError, match="holds no targets"):
        build_scope([], target_files=[str(empty)])
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScopeError, match="cannot read target file"):
        build_scope([], target_files=[str(binary)])
