"""Summary tables of the dashboards (SPEC §12, docs/dashboards.md).

``DailyMetric`` holds one number per (source, measure, local day, department, key): records
received per item, checks per matter, queries per purpose, objections decided late, and so on.
The pages read only these rows, never the base tables. ``MonthlyMetric`` holds the same numbers
summed per month, written in the same transaction: a period of whole months reads one row per
month and key instead of one per day and key (a year-long page, 12 against 365). ``SourceWatermark`` is the high-water
mark of each source: how far its base rows have been folded into the metrics, so a refresh
reads only the rows that came after it (``chengxin.dashboards.services.dashboards_refresh``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The department of a metric that has none (the exchange's events, the whole platform).
NO_DEPARTMENT = 0


class Metric(models.Model):
    """The columns of a summary row: ``department_id`` is the department's primary key (0 for
    none), ``key`` the breakdown within the measure (an item code, a matter, a purpose code, or
    empty). Written only by ``dashboards_refresh``; values only grow as base rows are folded in."""

    source = models.CharField(_("来源"), max_length=32)
    measure = models.CharField(_("指标"), max_length=32)
    department_id = models.BigIntegerField(_("部门"), default=NO_DEPARTMENT)
    key = models.CharField(_("分项"), max_length=64, blank=True, default="")
    value = models.BigIntegerField(_("数值"), default=0)

    class Meta:
        abstract = True


class DailyMetric(Metric):
    """One aggregated number of one local day."""

    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("统计指标")
        verbose_name_plural = _("统计指标")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "measure", "day", "department_id", "key"],
                name="dashboards_metric_unique",
            )
        ]
        indexes = [models.Index(fields=["measure", "day"], name="dashboards_measure_day")]

    def __str__(self) -> str:
        return f"{self.measure} {self.day} {self.department_id} {self.key}"


class MonthlyMetric(Metric):
    """The sum of the ``DailyMetric`` rows of one month (``month`` is its first day) with the
    same source, measure, department and key; written with them."""

    month = models.DateField(_("月份"))

    class Meta:
        verbose_name = _("月度统计指标")
        verbose_name_plural = _("月度统计指标")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "measure", "month", "department_id", "key"],
                name="dashboards_monthly_unique",
            )
        ]
        indexes = [models.Index(fields=["measure", "month"], name="dashboards_measure_month")]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.department_id} {self.key}"


class SourceWatermark(models.Model):
    """How far a source has been folded into the metrics: the last base-row id (insert-only
    tables) or the end of the last time window (tables whose rows change state), with the
    number of base rows the last refresh read."""

    source = models.CharField(_("来源"), max_length=32, unique=True)
    position_id = models.BigIntegerField(_("已汇总至编号"), default=0)
    position_at = models.DateTimeField(_("已汇总至时间"), null=True, blank=True)
    rows_read = models.BigIntegerField(_("最近一次读取行数"), default=0)
    refreshed_at = models.DateTimeField(_("最近一次刷新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("汇总进度")
        verbose_name_plural = _("汇总进度")

    def __str__(self) -> str:
        return self.source
