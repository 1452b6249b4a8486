"""`camscan serve`: the web dashboard over the inventory (docs/dashboard.md).

:mod:`camscan.web.app` builds the Starlette application, :mod:`camscan.web.accounts` holds
the accounts, password hashes and login rate limit, and :mod:`camscan.web.data` is the one
module through which the pages read (and tag) the inventory.
"""
