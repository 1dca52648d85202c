"""Machine codes of the dashboards' refusals."""

DASHBOARD_ROLE_REQUIRED = "dashboards.role_required"
DASHBOARD_DEPARTMENT_FORBIDDEN = "dashboards.department_forbidden"
DASHBOARD_DEPARTMENT_UNKNOWN = "dashboards.department_unknown"
DASHBOARD_DATE_INVALID = "dashboards.date_invalid"
DASHBOARD_PERIOD_INVALID = "dashboards.period_invalid"
DASHBOARD_NOT_FOUND = "dashboards.not_found"
