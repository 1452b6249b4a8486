"""The sensor tests' fixtures live with their helpers in tests/shared/sensor_sites.py."""

from sensor_sites import database, loopback_sites

__all__ = ["database", "loopback_sites"]
