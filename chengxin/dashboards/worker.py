"""The dashboards' refresh inside ``chengxin worker``: a thread that folds the rows written since
the last refresh into the summary tables every ``CHENGXIN_DASHBOARDS_REFRESH_SECONDS`` (default
60), so the dashboards follow the platform without a cron entry. ``chengxin dashboards refresh
--loop`` does the same as a process of its own (``worker --no-dashboards-refresh``)."""

from __future__ import annotations

from django.conf import settings

from chengxin.core.periodic import Periodic
from chengxin.dashboards.services import dashboards_refresh

DEFAULT_PERIOD = 60.0


class DashboardsRefreshClock(Periodic):
    """Runs :func:`dashboards_refresh` every period seconds in a thread of the worker."""

    name = "dashboards-refresh"

    def __init__(self, *, period: float | None = None) -> None:
        default = float(getattr(settings, "CHENGXIN_DASHBOARDS_REFRESH_SECONDS", DEFAULT_PERIOD))
        super().__init__(period=default if period is None else period)

    def step(self) -> None:
        dashboards_refresh()
