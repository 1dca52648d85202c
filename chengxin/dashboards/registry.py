"""The registry of dashboards: each one a slug, a title and a function that builds its panels
from the summary tables for the page's filters.

Another app adds a dashboard with one call (the work plan's progress, say), in its ``AppConfig.
ready``::

    from chengxin.dashboards.registry import Dashboard, register
    register(Dashboard("workplan", _("工作方案进度"), _("…"), build_workplan_panels))

``build(filters, scope)`` returns a list of ``Panel``: a table (columns and rows) and the chart
drawn from it (which columns are its categories and series), so the chart, the table and the CSV
export always carry the same numbers. ``department_scoped=False`` marks a dashboard that has no
department dimension; only viewers who see every department open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from chengxin.dashboards.svg import Series, bar_chart, format_number, line_chart

BAR, LINE, TABLE_ONLY = "bar", "line", "table"


@dataclass(frozen=True)
class Panel:
    """One table and its chart. ``rows`` hold a label then numbers; ``series`` are the indexes
    of the numeric columns the chart draws (the first column names the categories)."""

    slug: str
    title: str
    description: str
    kind: str
    columns: list[str]
    rows: list[list]
    series: list[int] = field(default_factory=lambda: [1])

    def svg(self):
        if self.kind == TABLE_ONLY:
            return ""
        categories = [str(row[0]) for row in self.rows]
        series = [
            Series(self.columns[index], [float(row[index]) for row in self.rows])
            for index in self.series
        ]
        draw = bar_chart if self.kind == BAR else line_chart
        arguments = {"categories" if self.kind == BAR else "periods": categories}
        return draw(
            chart_id=f"chart-{self.slug}",
            title=self.title,
            description=self.description,
            series=series,
            **arguments,
        )

    def display_rows(self) -> list[list[str]]:
        """The rows as shown in the table and written to the CSV file."""
        return [
            [cell if isinstance(cell, str) else format_number(cell) for cell in row]
            for row in self.rows
        ]


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: Promise | str
    summary: Promise | str
    build: Callable[..., list[Panel]]
    department_scoped: bool = True


_REGISTRY: dict[str, Dashboard] = {}


def register(dashboard: Dashboard) -> Dashboard:
    """Add a dashboard (shown in registration order); the same slug twice is a programming
    error unless it is the same dashboard."""
    existing = _REGISTRY.get(dashboard.slug)
    if existing is not None and existing != dashboard:
        raise ValueError(f"Dashboard {dashboard.slug!r} is already registered differently.")
    _REGISTRY[dashboard.slug] = dashboard
    return dashboard


def all_dashboards() -> list[Dashboard]:
    return list(_REGISTRY.values())


def dashboard_get(slug: str) -> Dashboard | None:
    return _REGISTRY.get(slug)
