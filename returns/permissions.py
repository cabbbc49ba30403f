"""Who may load and write DfE returns.

Collected by core.roles into the role groups after every migrate."""

from core.roles import Role

GRANTS = {
    Role.BUSINESS_SUPPORT: {"core.import_returns"},
}
