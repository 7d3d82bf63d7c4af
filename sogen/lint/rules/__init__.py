"""The lint rules. Importing this package registers every rule of the modules below in ``RULES``."""

from sogen.lint.rules import (  # noqa: F401  (imported to register their rules)
    arm,
    events,
    instances,
    labels,
    order,
    pairs,
    registry,
    suppression,
    text,
    topology,
)
from sogen.lint.rules.base import RULES, Finding, Fix, Rule

__all__ = ["RULES", "Finding", "Fix", "Rule", "rules_in_order"]


def rules_in_order() -> list[Rule]:
    return [RULES[code] for code in sorted(RULES)]
