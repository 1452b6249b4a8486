"""A sensor's local spool: every finished host, on disk, before the inventory has it.

A scan appends each host it finishes (its observations byte for byte, base64 in JSON, and
its verdict) to one JSON-lines file in the user's data directory before queueing it for the
inventory; the inventory counts, in the same transaction as the hosts, how many spooled
hosts it holds (``scan_sensor.committed``).  So nothing found is lost when the database
server goes away mid-scan (the sensor keeps trying, then leaves the spool), nor when the
sensor itself is killed: the next ``camscan scan`` into the same inventory, from this
machine, replays what the inventory does not hold yet, exactly once, and closes the scan.

The live sensor holds an exclusive ``flock`` on its spool; a spool nobody holds is an
orphan.  The line codec is shared with the offline bundle (camscan/bundle.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from camscan.observations import Observation

if TYPE_CHECKING:  # the repository imports this module: `camscan devices` loads no engine
    from camscan.fingerprint.verdict import Verdict
    from camscan.inventory.db import Inventory

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: orphans are judged by pid alone
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "Host",
    "Spool",
    "host_from_json",
    "host_json",
    "inventory_key",
    "orphans",
    "pid_alive",
    "recover",
    "spool_dir",
]

SPOOL_VERSION = 1
Host = tuple[str | None, str | None, tuple[Observation, ...], "Verdict"]


# --- the line codec (spool and bundle) ---------------------------------------------------


def observation_json(o: Observation) -> dict[str, Any]:
    return {
        "probe": o.probe,
        "ip": o.ip,
        "port": o.port,
        "raw": base64.b64encode(o.raw).decode("ascii"),
        "truncated": o.truncated,
        "meta": dict(o.meta),
        "error": o.error,
    }


def observation_from_json(d: Mapping[str, Any]) -> Observation:
    """The Observation a :func:`observation_json` record stands for; ValueError/KeyError/
    TypeError on a record of another shape."""
    port = d.get("port")
    meta = d.get("meta") or {}
    if not isinstance(meta, Mapping) or (port is not None and not isinstance(port, int)):
        raise ValueError("an observation's port or meta is of the wrong type")
    error = d.get("error")
    return Observation(
        probe=str(d["probe"]),
        ip=str(d.get("ip") or ""),
        port=port,
        raw=base64.b64decode(str(d.get("raw") or ""), validate=True),
        truncated=bool(d.get("truncated")),
        meta=dict(meta),
        error=None if error is None else str(error),
    )


def host_json(
    ip: str | None, mac: str | None, observations: Sequence[Observation], verdict: Verdict
) -> dict[str, Any]:
    return {
        "ip": ip,
        "mac": mac,
        "observations": [observation_json(o) for o in observations],
        "verdict": verdict.to_dict(),
    }


def host_from_json(d: Mapping[str, Any]) -> Host:
    from camscan.fingerprint.verdict import Verdict

    ip, mac, obs, verdict = d.get("ip"), d.get("mac"), d.get("observations"), d.get("verdict")
    if not isinstance(obs, list) or not isinstance(verdict, Mapping):
        raise ValueError("a host record without its observations or verdict")
    return (
        None if ip is None else str(ip),
        None if mac is None else str(mac),
        tuple(observation_from_json(o) for o in obs),
        Verdict.from_dict(verdict),
    )


def dumps(record: Mapping[str, Any]) -> str:
    """One JSON line (meta a device sent may hold what JSON cannot: as text)."""
    return json.dumps(record, separators=(",", ":"), default=str, ensure_ascii=True)


# --- the spool ----------------------------------------------------------------------------


def spool_dir(folder: Path | None = None) -> Path:
    """``folder`` when given (the CLI passes $CAMSCAN_SPOOL_DIR), else ``spool`` in camscan's
    data directory (platformdirs)."""
    if folder is not None:
        return folder
    from platformdirs import user_data_path

    return user_data_path("camscan", appauthor=False) / "spool"


def inventory_key(where: str) -> str:
    """Which inventory a spool belongs to: a hash of its URL (password left out)."""
    return hashlib.sha256(where.encode()).hexdigest()[:16]


@dataclass
class Spool:
    """The open spool of one running scan."""

    path: Path
    file: IO[str]
    count: int = 0

    @classmethod
    def create(
        cls, key: str, uuid: str, scan_id: int, site: str, folder: Path | None = None
    ) -> Spool:
        """A new spool for scan ``uuid``, locked by this process (OSError if the data
        directory cannot be written: the scan then runs without one)."""
        where = spool_dir(folder) / key
        where.mkdir(parents=True, exist_ok=True)
        path = where / f"{uuid}.jsonl"
        f = path.open("a", encoding="ascii")
        if fcntl is not None:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        header = {
            "spool": SPOOL_VERSION,
            "uuid": uuid,
            "scan_id": scan_id,
            "site": site,
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }
        f.write(dumps(header) + "\n")
        f.flush()
        return cls(path, f)

    def add(
        self, ip: str | None, mac: str | None, observations: Sequence[Observation], v: Verdict
    ) -> None:
        """Append one finished host (flushed to the OS: a killed process loses nothing)."""
        self.file.write(dumps({"host": host_json(ip, mac, observations, v)}) + "\n")
        self.file.flush()
        self.count += 1

    def finish(self, status: str, hosts_probed: int) -> None:
        """Record how the scan ended, for a later replay to close it the same way."""
        self.file.write(dumps({"finish": {"status": status, "hosts_probed": hosts_probed}}))
        self.file.write("\n")
        self.file.flush()

    def close(self, *, remove: bool) -> None:
        if remove:
            self.path.unlink(missing_ok=True)
        self.file.close()


@dataclass
class Orphan:
    """A spool no process holds: its header, hosts in order, and how its scan ended."""

    path: Path
    header: dict[str, Any]
    hosts: list[Host]
    finish: dict[str, Any] | None
    unreadable: int  # lines that could not be read (a line cut by a kill)


def _read(path: Path) -> Orphan | None:
    header: dict[str, Any] | None = None
    hosts: list[Host] = []
    finish: dict[str, Any] | None = None
    bad = 0
    with path.open(encoding="ascii", errors="replace") as f:
        for line in f:
            try:
                rec = json.loads(line)
                if header is None:
                    header = dict(rec) if rec.get("spool") == SPOOL_VERSION else None
                    if header is None:
                        return None
                elif "host" in rec:
                    hosts.append(host_from_json(rec["host"]))
                elif "finish" in rec:
                    finish = dict(rec["finish"])
            except (ValueError, KeyError, TypeError, AttributeError):
                bad += 1
    if header is None:
        return None
    return Orphan(path, header, hosts, finish, bad)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def orphans(key: str, folder: Path | None = None) -> Iterator[Orphan]:
    """The spools of inventory ``key`` that no running sensor holds, each locked by this
    process while the caller replays it (the caller removes the file when done)."""
    where = spool_dir(folder) / key
    if not where.is_dir():
        return
    for path in sorted(where.glob("*.jsonl")):
        try:
            f = path.open("a", encoding="ascii")
        except OSError:
            continue
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # a live sensor's
            orphan = _read(path)
            if orphan is None:
                continue
            if fcntl is None and orphan.header.get("host") == socket.gethostname():
                if pid_alive(int(orphan.header.get("pid") or 0)):
                    continue
            yield orphan
        finally:
            f.close()


def recover(inv: Inventory, *, batch: int = 256, folder: Path | None = None) -> list[str]:
    """Replay the orphaned spools of ``inv`` (sensors killed, or that gave up on the server)
    into it: each host the inventory does not hold yet, once, then close the scan as the
    sensor ended it (``incomplete`` when it never said).  Returns one line per spool."""
    from sqlalchemy import select

    from camscan.inventory import repository as repo
    from camscan.inventory.models_sensors import ScanSensor

    notes: list[str] = []
    for orphan in orphans(inventory_key(inv.where), folder):
        uuid = str(orphan.header.get("uuid"))
        with inv.session() as s:
            row = s.scalars(select(ScanSensor).where(ScanSensor.uuid == uuid)).first()
            scan_id, committed = (row.scan_id, row.committed) if row else (None, 0)
        if scan_id is None:
            notes.append(f"spool {orphan.path.name}: its scan is not in this inventory; kept")
            continue
        rest = orphan.hosts[committed:]
        for i in range(0, len(rest), batch):
            repo.record_hosts(inv, scan_id, rest[i : i + batch], spooled=True)
        end = orphan.finish or {}
        status = str(end.get("status") or "incomplete")
        note = None
        if status != "complete":
            note = (
                "interrupted: the scanning process ended before the scan finished; "
                f"{len(rest)} finished hosts recovered from its spool"
            )
        repo.finish_scan(inv, scan_id, status, int(end.get("hosts_probed") or 0), note=note)
        orphan.path.unlink(missing_ok=True)
        notes.append(
            f"scan {scan_id}: {len(rest)} hosts a sensor had left in its spool are now stored"
            + (f" ({orphan.unreadable} unreadable lines)" if orphan.unreadable else "")
        )
    return notes
