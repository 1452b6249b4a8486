"""What a scan may touch: targets, exclusions and safety refusals."""

from camscan.scope.policy import build_scope, check_target
from camscan.scope.targets import Scope, Target, parse_target, read_target_file

__all__ = ["Scope", "Target", "build_scope", "check_target", "parse_target", "read_target_file"]
