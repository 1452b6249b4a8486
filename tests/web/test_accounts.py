"""Dashboard accounts: scrypt hashes, the password rules, the login rate limit, the
signing secret and `camscan users`, on real SQLite files."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from click.testing import CliRunner

from camscan.cli import cli
from camscan.cli.serve import _loopback
from camscan.errors import UsageError
from camscan.inventory.db import open_inventory
from camscan.web import accounts

PASSWORD = "a long enough passphrase"


@pytest.fixture(scope="module")
def stored() -> str:
    """One hash of PASSWORD (each costs about 0.4 s of scrypt)."""
    return accounts.hash_password(PASSWORD)


def test_hash_carries_its_parameters_and_a_salt_of_its_own(stored: str) -> None:
    a, b = stored, accounts.hash_password(PASSWORD)
    scheme, log2_n, r, p, salt, key = a.split("$")
    assert (scheme, log2_n, r, p) == ("scrypt", "17", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert a != b  # per-password salt
    assert accounts.verify_password(PASSWORD, a) and accounts.verify_password(PASSWORD, b)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "scrypt$17$8$1$bad",
        "md5$17$8$1$AAAA$AAAA",
        "scrypt$40$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # absurd cost: refused, not computed
        "scrypt$17$8$1$!!!$???",
    ],
)
def test_a_malformed_hash_matches_nothing(stored: str) -> None:
    assert accounts.verify_password(PASSWORD, stored) is False


def test_wrong_or_altered_passwords_do_not_match(stored: str) -> None:
    assert not accounts.verify_password(PASSWORD + " ", stored)
    assert not accounts.verify_password(PASSWORD.upper(), stored)
    scheme, n, r, p, salt, key = stored.split("$")
    flipped = base64.b64encode(bytes([base64.b64decode(key)[0] ^ 1]) + base64.b64decode(key)[1:])
    assert not accounts.verify_password(
        PASSWORD, "$".join([scheme, n, r, p, salt, flipped.decode()])
    )


def test_passwords_are_normalised_before_hashing() -> None:
    # U+FB01 (the "fi" ligature) is "fi" under NFKC (NIST SP 800-63B-4 asks for it)
    stored = accounts.hash_password("a \ufb01ne long passphrase")
    assert accounts.verify_password("a fine long passphrase", stored)


def test_password_and_name_rules() -> None:
    with pytest.raises(UsageError, match="at least 15"):
        accounts.check_new_password("fourteen chars")
    accounts.check_new_password("fifteen chars!!")
    for bad in ("", "two words", "x" * 81, "tab\there"):
        with pytest.raises(UsageError):
            accounts.check_name(bad)
    with pytest.raises(UsageError, match="viewer, editor"):
        accounts.check_role("admin")


def test_login_limit_per_account_and_per_address() -> None:
    lim = accounts.LoginLimiter(per_account=5, per_address=20, window=900)
    for i in range(5):
        assert lim.wait("alice", "10.0.0.1", now=100 + i) == 0
        lim.failed("alice", "10.0.0.1", now=100 + i)
    assert lim.wait("alice", "10.0.0.9", now=105) == pytest.approx(895)  # the name is locked
    assert lim.wait("bob", "10.0.0.1", now=105) == 0  # the address is not, yet
    assert lim.wait("alice", "10.0.0.1", now=100 + 901) == 0  # the window has passed
    for i in range(20):  # one address guessing many names
        lim.failed(f"user{i}", "10.0.0.2", now=2000)
    assert lim.wait("someone-else", "10.0.0.2", now=2001) > 0
    lim.succeeded("user3")
    assert lim.wait("user3", "10.0.0.2", now=2001) > 0  # a success clears the name only


def test_accounts_and_secret_in_the_inventory(tmp_path: Path) -> None:
    inv = open_inventory(str(tmp_path / "inv.db"))
    info = accounts.add_account(inv, "alice", "editor", PASSWORD)
    assert (info.name, info.role, info.session_version) == ("alice", "editor", 1)
    with pytest.raises(UsageError, match="exists"):
        accounts.add_account(inv, "alice", "viewer", PASSWORD)
    assert accounts.authenticate(inv, "alice", PASSWORD) is not None
    assert accounts.authenticate(inv, "alice", "another long passphrase") is None
    assert accounts.authenticate(inv, "nobody", PASSWORD) is None
    assert accounts.list_accounts(inv)[0].last_login_at is not None
    accounts.set_password(inv, "alice", "a second long passphrase")
    assert accounts.session_state(inv, "alice") == ("editor", 2)
    accounts.set_role(inv, "alice", "viewer")
    assert accounts.session_state(inv, "alice") == ("viewer", 3)
    secret = accounts.signing_secret(inv)
    assert len(bytes.fromhex(secret)) == 32 and accounts.signing_secret(inv) == secret
    accounts.remove_account(inv, "alice")
    assert accounts.session_state(inv, "alice") is None
    inv.close()


def run(db: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--db", str(db), *args], input=input)
    return r.exit_code, r.output


def test_users_commands(tmp_path: Path) -> None:
    db = tmp_path / "inv.db"
    code, out = run(db, "users", "add", "alice", "--role", "editor", input=f"{PASSWORD}\n" * 2)
    assert code == 0 and "added alice (editor)" in out
    code, out = run(db, "users", "add", "bob", "--password-stdin", input="short\n")
    assert code == 2 and out.strip().splitlines()[-1].startswith("camscan: error: the password")
    code, out = run(db, "users", "add", "bob", "--password-stdin", input=f"{PASSWORD}\n")
    assert code == 0
    code, out = run(db, "users", "list")
    assert code == 0 and "alice" in out and "editor" in out and "bob" in out and "viewer" in out
    code, out = run(db, "users", "passwd", "nobody", "--password-stdin", input=f"{PASSWORD}\n")
    assert code == 2 and "no account 'nobody'" in out
    code, _ = run(db, "users", "passwd", "bob", "--password-stdin", input="bob's new passphrase\n")
    assert code == 0
    code, _ = run(db, "users", "role", "bob", "editor")
    assert code == 0
    code, _ = run(db, "users", "remove", "alice")
    assert code == 0
    inv = open_inventory(str(db))
    assert [(a.name, a.role) for a in accounts.list_accounts(inv)] == [("bob", "editor")]
    assert accounts.authenticate(inv, "bob", "bob's new passphrase") is not None
    inv.close()


def test_serve_refuses_half_a_tls_setup(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not used")
    code, out = run(tmp_path / "inv.db", "serve", "--tls-cert", str(cert))
    assert code == 2 and "--tls-cert and --tls-key together" in out


def test_serve_warns_before_listening_beyond_loopback_without_tls(tmp_path: Path) -> None:
    # 192.0.2.1 (TEST-NET-1, RFC 5737) is no address of this machine: the bind fails at
    # once, after the warning, and nothing is sent anywhere
    code, out = run(tmp_path / "inv.db", "serve", "--bind", "192.0.2.1", "--port", "8080")
    lines = out.strip().splitlines()
    assert code == 2
    assert any(
        ln.startswith("camscan: warning: listening on 192.0.2.1 without TLS") for ln in lines
    )
    assert any("no accounts yet" in ln for ln in lines)
    assert lines[-1].startswith("camscan: error: cannot listen on 192.0.2.1 port 8080")


@pytest.mark.parametrize(
    ("bind", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.0.2.10", False), ("dash.example", False)],
)  # fmt: skip
def test_what_counts_as_loopback(bind: str, loopback: bool) -> None:
    assert _loopback(bind) is loopback
