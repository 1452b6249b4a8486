"""camscan: find the IP cameras, NVRs and DVRs on your own network and who really made them."""

__version__ = "0.1.0"
__all__ = ["__version__"]
