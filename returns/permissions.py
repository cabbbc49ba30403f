"""Who may load and write DfE returns.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_business_support, is_manager
from core.roles import Role

GRANTS = {
    Role.BUSINESS_SUPPORT: {"core.import_returns"},
}


@rules.predicate
def awaits_decision(user, row) -> bool:
    """A row of an SSD extract that is missing from the latest (returns.SsdExtractRow)."""
    return row.is_missing


# Removing or keeping a record the SSD extract no longer holds (object: the kept row):
# whoever loads the returns, while the row is missing.
rules.add_perm("returns.decide_ssd_row", (is_business_support | is_manager) & awaits_decision)

# Choosing between an import's value and what a person recorded (returns.ImportDisagreement):
# business support, who load the returns, and the Head of Service.
rules.add_perm("returns.resolve_import_disagreement", is_business_support | is_manager)
