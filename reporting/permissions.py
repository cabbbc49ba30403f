"""Who may see the unit's dashboards and annual report.

Collected by core.roles into the role groups after every migrate."""

from core.roles import Role

GRANTS = {
    Role.HEAD_OF_SERVICE: {"core.view_unit_dashboards"},
}
