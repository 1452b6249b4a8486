"""The application layer: camscan's use cases, each a function of typed arguments.

``scan`` (one scan end to end), ``identify`` (a verdict for an evidence document),
``reidentify`` (re-run identification over stored evidence), ``scores`` (rescore the
inventory, the policy in force per site) and ``report`` (the figures a report shows).
This is the only package that combines the inventory with scoring: ``camscan.scoring``
computes from records and writes nothing, ``camscan.inventory`` stores and queries.  The
CLI (and the dashboard) call these functions; environment variables are read in the CLI
and arrive here as parameters.
"""
