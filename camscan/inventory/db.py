"""Open the inventory: a SQLite file (default) or any SQLAlchemy URL (PostgreSQL).

Opening checks the file is a camscan inventory of a schema this version knows, and brings
an older one up to date through the Alembic migrations.  Every failure becomes a one-line
DatabaseError that says what to do; nothing already stored is altered by a failed open.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from camscan.errors import DatabaseError

T = TypeVar("T")

MIGRATIONS = Path(__file__).parent / "migrations"


def to_url(db: str) -> str:
    """A SQLAlchemy URL from a path or URL (a path becomes an absolute sqlite URL)."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_readonly_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def explain(err: BaseException, where: str) -> DatabaseError:
    """Turn a driver error into a one-line message that says what to do."""
    text = str(getattr(err, "orig", err)).lower()
    if "locked" in text or "busy" in text:
        return DatabaseError(
            f"the inventory {where} is locked by another camscan or program; "
            "wait for it to finish, or use another --db"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseError(
            f"{where} is not a readable camscan inventory (the file is damaged or of another "
            "kind); restore it from a backup or give another --db"
        )
    if "unable to open" in text or "permission" in text or "readonly" in text:
        return DatabaseError(
            f"cannot open or write the inventory {where}; check the path and its permissions, "
            "or give another --db"
        )
    return DatabaseError(f"the inventory {where} cannot be used ({text.splitlines()[0]})")


class Unreachable(DatabaseError):
    """The database server cannot be reached (down, restarting, the network cut): a write
    may be tried again later; nothing of the failed transaction was stored."""


class Conflict(DatabaseError):
    """Another writer's transaction collided with this one (a deadlock, a serialisation
    failure, a unique key taken meanwhile): trying again reads what the other stored."""


# SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html):
# 08 connection exceptions, 57P01-57P03 the server shutting down or starting up;
# 40001 serialization_failure, 40P01 deadlock_detected, 23505 unique_violation.
_GONE_STATES = ("08", "57P01", "57P02", "57P03")
_CONFLICT_STATES = ("40001", "40P01", "23505")
_GONE_WORDS = (
    "connection refused",
    "could not connect",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection timeout",
    "the database system is",
    "consuming input failed",
    "connection to server",
)


def classify(err: BaseException) -> str | None:
    """ "gone" (server unreachable), "conflict" (another writer), or None (anything else)."""
    orig = getattr(err, "orig", err)
    state = str(getattr(orig, "sqlstate", "") or "")
    if state.startswith(_GONE_STATES):
        return "gone"
    if state in _CONFLICT_STATES:
        return "conflict"
    if isinstance(err, DBAPIError) and err.connection_invalidated:
        return "gone"
    text = str(orig).lower()
    if isinstance(err, OperationalError | InterfaceError) and any(w in text for w in _GONE_WORDS):
        return "gone"
    return None


@dataclass
class Inventory:
    """An open inventory: the engine and a session factory.  ``conflicts`` and ``outages``
    count the writes :meth:`transact` tried again (another writer; the server gone)."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    conflicts: int = 0
    outages: int = 0
    on_retry: Callable[[str], None] | None = field(default=None, repr=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self.sessions() as s:
            try:
                yield s
                s.commit()
            except (OperationalError, InterfaceError, IntegrityError) as err:
                kind = classify(err)
                try:
                    s.rollback()
                except SQLAlchemyError:
                    kind = kind or "gone"
                first = str(getattr(err, "orig", err)).strip().splitlines()[:1]
                if kind == "gone":
                    raise Unreachable(
                        f"the inventory server {self.where} is unreachable ({''.join(first)})"
                    ) from None
                if kind == "conflict":
                    raise Conflict(f"a concurrent write collided ({''.join(first)})") from None
                if isinstance(err, IntegrityError):
                    raise
                raise explain(err, self.where) from None
            except BaseException:
                s.rollback()
                raise

    def transact(self, work: Callable[[Session], T], *, patience: float = 0.0) -> T:
        """Run ``work`` in one transaction and commit; a conflict with another writer is
        tried again (a few times, after a short random pause), and while the server is
        unreachable it is tried again with backoff (0.25 s doubling to 5 s) for up to
        ``patience`` seconds, then :class:`Unreachable` is raised."""
        tries = 0
        waited = 0.0
        delay = 0.25
        while True:
            try:
                with self.session() as s:
                    return work(s)
            except Conflict:
                tries += 1
                self.conflicts += 1
                if tries >= 10:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * tries)
            except Unreachable as err:
                if waited >= patience:
                    raise
                self.outages += 1
                if self.on_retry is not None:
                    self.on_retry(f"{err}; trying again in {delay:.2g} s")
                time.sleep(delay)
                waited += delay
                delay = min(delay * 2, 5.0)

    @property
    def where(self) -> str:
        return (
            self.engine.url.database or self.url
            if self.is_sqlite
            else str(self.engine.url.render_as_string(hide_password=True))
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# The key of the PostgreSQL advisory lock that serialises migrations: several sensors starting
# together on one server run them once (the first holds the lock and upgrades; the others wait,
# then find the schema at head).  Session-level advisory locks are held until released or the
# connection ends: https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
MIGRATION_LOCK = 0x63616D73  # "cams"


@contextmanager
def _migration_lock(conn: Connection) -> Iterator[None]:
    """Hold the migration lock on ``conn`` (PostgreSQL; SQLite has one writer already)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
        conn.commit()


def _check_and_upgrade(conn: Connection, url: str, where: str, *, upgrade: bool) -> None:
    """Refuse what is not a camscan inventory of a schema this version knows; bring an older
    one (or an empty database) to the head revision in one transaction."""
    script = ScriptDirectory.from_config(alembic_config(url))
    known = {rev.revision for rev in script.walk_revisions()}
    head = script.get_current_head()
    current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        tables = set(inspect(conn).get_table_names())
        if tables:
            raise DatabaseError(
                f"{where} is a database but not a camscan inventory (it has tables "
                f"{', '.join(sorted(tables)[:3])}...); give another --db"
            )
    elif current not in known:
        raise DatabaseError(
            f"the inventory {where} was written by a newer camscan (schema {current}); "
            "upgrade camscan, or give another --db"
        )
    if conn.in_transaction():
        conn.commit()
    if upgrade and current != head:
        with conn.begin():
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def head_revision() -> str:
    """The newest schema revision this camscan knows (the head of its migrations)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def open_inventory(db: str, *, upgrade: bool = True) -> Inventory:
    """Open (creating or upgrading) the inventory at ``db``, a path or SQLAlchemy URL."""
    url = to_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatabaseError(
                f"cannot create the folder for the inventory {path}: {err.strerror}; "
                "give another --db"
            ) from None
    try:
        # pre-ping: a pooled connection to a server that restarted is replaced, not used
        engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    except (SQLAlchemyError, ImportError, ValueError) as err:
        raise DatabaseError(
            f"cannot use the database URL {db!r} ({err}); give a file path or a URL such as "
            "postgresql+psycopg://user@host/camscan"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    where = url.removeprefix("sqlite:///") if engine.dialect.name == "sqlite" else db
    try:
        with engine.connect() as conn, _migration_lock(conn):
            _check_and_upgrade(conn, url, where, upgrade=upgrade)
    except (DBAPIError, sqlite3.Error) as err:
        engine.dispose()
        raise explain(err, where) from None
    except DatabaseError:
        engine.dispose()
        raise
    return Inventory(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def read_inventory(db: str) -> Inventory:
    """Open an existing inventory for reading: never creates one (a mistyped ``--db`` is an
    error that says so), and opens a file it cannot write (a copy on a read-only share)
    read-only, without migrations."""
    url = to_url(db)
    if not url.startswith("sqlite:///"):
        return open_inventory(db)
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        raise DatabaseError(
            f"no inventory at {path}; run `camscan scan <network>` first, or give the "
            "inventory's path with --db (or $CAMSCAN_DB)"
        )
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return open_inventory(db)
    # SQLite's immutable mode reads a file on read-only media without its -wal/-shm files.
    ro_url = f"sqlite:///file:{quote(str(path))}?mode=ro&immutable=1&uri=true"
    engine = create_engine(ro_url, future=True)
    event.listen(engine, "connect", _sqlite_readonly_pragmas)
    script = ScriptDirectory.from_config(alembic_config(url))
    try:
        current = schema_revision(engine)
    except (DBAPIError, sqlite3.Error) as err:
        engine.dispose()
        raise explain(err, str(path)) from None
    if current != script.get_current_head():
        engine.dispose()
        raise DatabaseError(
            f"the read-only inventory {path} has schema {current}, not {script.get_current_head()};"
            " copy it somewhere writable and run camscan on the copy"
        )
    return Inventory(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def upgrade_to(db: str, revision: str) -> None:
    """Bring the inventory to a given schema revision (the migration tests)."""
    url = to_url(db)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()
