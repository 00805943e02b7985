"""Reconciliation: rules declared as data (pipeline/declarations/reconciliation.yaml), each of a
named kind with typed parameters, evaluated on the tables into the published `reconciliation`
table (one row per rule and scope).

A scope outside its band is a failure. A failure the sources are known to contain is declared
per scope with its reason and the value it was accepted at; it is published as a known
discrepancy as long as it stays at that value, and fails the build when it drifts.

    rules = load_rules()
    frame = reconcile(tables, rules, paths)       # tables by name, with `facts` and `texts`
    outcome = check_outcome(rules[0], frame)      # passed, severity, description, details
"""

from pipeline.reconcile.engine import (
    NOW_PASSES,
    STATUS_FAIL,
    STATUS_KNOWN,
    STATUS_PASS,
    check_outcome,
    failure_message,
    reconcile,
)
from pipeline.reconcile.inputs import RuleError
from pipeline.reconcile.rules import RULES, Rule, load_rules

__all__ = [
    "NOW_PASSES",
    "RULES",
    "STATUS_FAIL",
    "STATUS_KNOWN",
    "STATUS_PASS",
    "Rule",
    "RuleError",
    "check_outcome",
    "failure_message",
    "load_rules",
    "reconcile",
]
