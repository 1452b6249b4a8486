"""Dashboard accounts: password hashes, roles, the login rate limit and the signing secret.

Passwords are hashed with scrypt from the standard library (``hashlib.scrypt``, no native
dependency to build) at the parameters OWASP's Password Storage Cheat Sheet gives when
Argon2id is not used: N=2**17, r=8, p=1, a 16-byte random salt per password
(https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).  The
hash string carries its parameters (``scrypt$17$8$1$salt$hash``), so they can be raised
later without locking anyone out.  About 0.4 s of one core per login on the test machine:
slow for a guesser, unnoticed by a person.

A new password has at least 15 characters and is not cut (NIST SP 800-63B-4, 3.1.1.2:
https://pages.nist.gov/800-63-4/sp800-63b.html); it is NFKC-normalised before hashing
(ibid.), so the same passphrase typed on another keyboard layout still matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from camscan.errors import UsageError
from camscan.inventory.db import Inventory
from camscan.inventory.models import utcnow
from camscan.inventory.models_accounts import ROLES, Account, WebSecret

SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PASSWORD = 15
MAX_PASSWORD = 1024  # far above any passphrase; bounds the work one login can ask for
NAME_CHARS = 80


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    n = 1 << log2_n
    return hashlib.scrypt(
        unicodedata.normalize("NFKC", password).encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=2 * 128 * r * n * p + (1 << 20),
        dklen=KEY_BYTES,
    )


def hash_password(password: str) -> str:
    """The stored form of ``password``: ``scrypt$log2N$r$p$salt$key`` (base64)."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_LOG2_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time comparison of the keys)."""
    try:
        scheme, log2_n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt" or not 10 <= int(log2_n) <= 22:
            return False
        want = base64.b64decode(key, validate=True)
        got = _scrypt(password[:MAX_PASSWORD], base64.b64decode(salt), int(log2_n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


# Verifying against this when the account does not exist takes the same time as a real
# check, so response times do not tell which names have accounts.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(24))


def check_new_password(password: str) -> None:
    n = len(unicodedata.normalize("NFKC", password))
    if n < MIN_PASSWORD:
        raise UsageError(
            f"the password has {n} characters; give at least {MIN_PASSWORD} "
            "(a passphrase of four or five words is easy to type and hard to guess)"
        )
    if n > MAX_PASSWORD:
        raise UsageError(f"the password is longer than {MAX_PASSWORD} characters")


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_CHARS or any(c.isspace() or not c.isprintable() for c in name):
        raise UsageError(
            f"account name {name!r}: give 1-{NAME_CHARS} printable characters without spaces"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"role {role!r}: give one of {', '.join(ROLES)}")
    return role


@dataclass(frozen=True)
class AccountInfo:
    name: str
    role: str
    session_version: int
    created_at: str
    last_login_at: str | None


def _info(a: Account) -> AccountInfo:
    return AccountInfo(
        a.name,
        a.role,
        a.session_version,
        a.created_at.isoformat(timespec="seconds"),
        a.last_login_at.isoformat(timespec="seconds") if a.last_login_at else None,
    )


def add_account(inv: Inventory, name: str, role: str, password: str) -> AccountInfo:
    name, role = check_name(name), check_role(role)
    check_new_password(password)
    hashed = hash_password(password)
    with inv.session() as s:
        if s.scalars(select(Account).where(Account.name == name)).first() is not None:
            raise UsageError(f"an account {name!r} exists; `camscan users passwd {name}` resets it")
        acc = Account(name=name, role=role, password_hash=hashed, session_version=1)
        s.add(acc)
        s.flush()
        return _info(acc)


def list_accounts(inv: Inventory) -> list[AccountInfo]:
    with inv.session() as s:
        return [_info(a) for a in s.scalars(select(Account).order_by(Account.name))]


def _account(s: Session, name: str) -> Account:
    acc = s.scalars(select(Account).where(Account.name == name)).first()
    if acc is None:
        raise UsageError(f"no account {name!r}; `camscan users list` shows them")
    return acc


def remove_account(inv: Inventory, name: str) -> None:
    with inv.session() as s:
        s.delete(_account(s, name))


def set_password(inv: Inventory, name: str, password: str) -> None:
    """A new password; sessions opened with the old one end."""
    check_new_password(password)
    hashed = hash_password(password)
    with inv.session() as s:
        acc = _account(s, name)
        acc.password_hash = hashed
        acc.session_version += 1
        acc.updated_at = utcnow()


def set_role(inv: Inventory, name: str, role: str) -> None:
    """A new role; sessions opened under the old one end."""
    check_role(role)
    with inv.session() as s:
        acc = _account(s, name)
        acc.role = role
        acc.session_version += 1
        acc.updated_at = utcnow()


def authenticate(inv: Inventory, name: str, password: str) -> AccountInfo | None:
    """The account when ``password`` is its password, else None (same work either way)."""
    with inv.session() as s:
        acc = s.scalars(select(Account).where(Account.name == name[:NAME_CHARS])).first()
        stored = acc.password_hash if acc is not None else _DUMMY_HASH
        ok = verify_password(password, stored)
        if acc is None or not ok:
            return None
        acc.last_login_at = utcnow()
        return _info(acc)


def session_state(inv: Inventory, name: str) -> tuple[str, int] | None:
    """(role, session version) of an account, or None when it no longer exists."""
    with inv.session() as s:
        row = s.execute(
            select(Account.role, Account.session_version).where(Account.name == name)
        ).first()
        return (str(row[0]), int(row[1])) if row is not None else None


def signing_secret(inv: Inventory) -> str:
    """The session-signing key of this inventory, made (32 random bytes) on first use."""
    with inv.session() as s:
        row = s.scalars(select(WebSecret).order_by(WebSecret.id)).first()
        if row is None:
            row = WebSecret(key=secrets.token_bytes(32))
            s.add(row)
            s.flush()
        return row.key.hex()


class LoginLimiter:
    """Failed logins counted per account name and per client address over a sliding
    window; past the limit, logins from that name or address wait (nothing is checked,
    so a guesser learns nothing).  Per process and in memory: a restart forgets it."""

    def __init__(self, per_account: int = 5, per_address: int = 20, window: float = 900.0) -> None:
        self.limits = {"account": per_account, "address": per_address}
        self.window = window
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def wait(self, account: str, address: str, now: float | None = None) -> float:
        """Seconds before another login may be tried for this account or address (0: now)."""
        now = time.monotonic() if now is None else now
        longest = 0.0
        with self._lock:
            for kind, value in (("account", account), ("address", address)):
                times = self._recent((kind, value), now)
                if len(times) >= self.limits[kind]:
                    longest = max(longest, times[-self.limits[kind]] + self.window - now)
        return longest

    def failed(self, account: str, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in (("account", account), ("address", address)):
                self._recent(key, now)
                self._failures.setdefault(key, []).append(now)
            if len(self._failures) > 100_000:  # a flood of names: forget the oldest
                for k in list(self._failures)[:50_000]:
                    del self._failures[k]

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(("account", account), None)
