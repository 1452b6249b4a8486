"""`make bench`: camscan against nmap on the simulated site (issue 7).

Run as ``.venv/bin/python bench/run.py``; the pure parts (nmap XML parsing, the nmap
product-string mapping, the accuracy metrics) are small modules tested in tests/bench/.
"""
