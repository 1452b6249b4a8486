"""The one exception tree of camscan.

CamscanError                 base; every message says what to do next
 +-- UsageError              bad input from the user: exit code 2
 |    +-- ScopeError          a target refused or unparseable
 |    +-- DatabaseError       locked, corrupt or newer-schema inventory
 |    +-- PolicyError         a broken policy / costs file
 +-- FingerprintDataError    a broken rule file (names file and line)
 +-- LabError                the simulated site could not be built or removed

A probe that fails on one host raises nothing: the failure is recorded on its observation.
"""

from __future__ import annotations


class CamscanError(Exception):
    """Base class; ``str(err)`` is a one-line message that says what to do next."""

    exit_code = 1


class UsageError(CamscanError):
    exit_code = 2


class ScopeError(UsageError):
    pass


class DatabaseError(UsageError):
    pass


class PolicyError(UsageError):
    pass


class FingerprintDataError(CamscanError):
    exit_code = 2


class LabError(CamscanError):
    exit_code = 2
