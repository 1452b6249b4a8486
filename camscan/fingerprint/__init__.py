"""The fingerprint engine: rules as data (``camscan/fingerprints/``), matching and verdicts.

from camscan.fingerprint import load_engine
engine = load_engine()          # loads + validates the rule files once (cached)
verdict = engine.identify(doc)  # doc: an evidence document (docs/evidence.md)
verdict.to_dict()
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from camscan.fingerprint.engine import Engine, firmware_date, oui_registrant
from camscan.fingerprint.rules import load_rules
from camscan.fingerprint.verdict import Verdict

__all__ = [
    "Engine",
    "Verdict",
    "default_directory",
    "firmware_date",
    "load_engine",
    "oui_registrant",
]


def default_directory() -> Path:
    """The rule files shipped in the package (``camscan/fingerprints/``, read through
    importlib.resources so an installed wheel finds them).  Another directory is given to
    :func:`load_engine` (the CLI passes ``$CAMSCAN_FINGERPRINTS``)."""
    return Path(str(resources.files("camscan").joinpath("fingerprints")))


@lru_cache(maxsize=8)
def _load(directory: Path) -> Engine:
    return Engine(load_rules(directory))


def load_engine(directory: str | Path | None = None) -> Engine:
    """The engine for ``directory`` (default :func:`default_directory`), loaded once."""
    return _load(Path(directory) if directory else default_directory())
