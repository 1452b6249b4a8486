"""``python -m camscan_lab``: the ``camscan-lab`` command."""

from camscan_lab.cli import main

main()
