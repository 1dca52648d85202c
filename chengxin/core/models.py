"""Policy values in force, their history, and the admin-editable working-day calendar table."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import CalendarDayKind
from chengxin.core.policy_registry import NAME_MAX_LENGTH


class VersionSnapshot(models.Model):
    """One numbered, immutable version of a versioned row: its content as JSON, the SHA-256 of the
    canonical JSON, when and by whom. Concrete versions add the foreign key to their row."""

    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("版本内容"))
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


class PolicyValue(models.Model):
    """The value in force of one policy definition (``chengxin.core.policy_registry``).

    Rows are created by ``chengxin seed`` (``core/reference.py``) and changed only by
    ``services.policy_value_set`` / ``policy_value_reset``, which write a ``PolicyChange`` and an
    audit event. ``follows_default`` is true while nobody has set the value: reference loading then
    keeps it equal to the code's default, and never touches a value someone set.
    """

    name = models.CharField(_("参数名"), max_length=NAME_MAX_LENGTH, unique=True)
    value = models.JSONField(_("当前取值"))
    follows_default = models.BooleanField(_("采用默认值"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")

    def __str__(self) -> str:
        return self.name


class PolicyChange(models.Model):
    """One change of a policy value: old and new value, who, why and when. Never edited."""

    policy = models.ForeignKey(
        PolicyValue, verbose_name=_("政策参数"), on_delete=models.PROTECT, related_name="changes"
    )
    old_value = models.JSONField(_("原取值"), null=True, blank=True)
    new_value = models.JSONField(_("新取值"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("变更理由"))
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("政策参数变更记录")
        verbose_name_plural = _("政策参数变更记录")

    def __str__(self) -> str:
        return f"{self.policy.name} {self.old_value} → {self.new_value}"


class CalendarDay(models.Model):
    """A day whose status the official holiday schedule changes: a day off or a make-up workday.

    Entered by the system administrator from the State Council's annual notice (国务院办公厅关于
    某年部分节假日安排的通知), published each autumn for the next year. An entry overrides the
    ``chinese-calendar`` package for its date; a year with at least one entry counts as known.
    Changed only through ``services.calendar_day_save`` / ``calendar_day_delete``.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日名称"), max_length=40, help_text=_("例如：春节、国庆节。"))
    source_note = models.CharField(
        _("依据"),
        max_length=200,
        blank=True,
        help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历日")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == CalendarDayKind.WORKING_DAY
