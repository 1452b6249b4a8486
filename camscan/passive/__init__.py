"""Passive mode: an inventory from traffic alone, sending nothing (docs/passive.md).

:mod:`~camscan.passive.packets` decodes frames, :mod:`~camscan.passive.decoder` turns them
into the active probes' observations per host, :mod:`~camscan.passive.capture` reads
capture files and the receive-only live socket.
"""
