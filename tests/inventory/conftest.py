from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from camscan.inventory.db import Inventory, open_inventory


@pytest.fixture
def inv(tmp_path: Path) -> Iterator[Inventory]:
    """A fresh inventory in a real SQLite file."""
    inventory = open_inventory(str(tmp_path / "inv.db"))
    yield inventory
    inventory.close()
