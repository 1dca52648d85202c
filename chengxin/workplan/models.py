"""The work plan as data (SPEC §11, docs/workplan.md): plans, their sections and tasks with the
responsible units, the safeguard measures of part three, the units' progress reports, the
credit office's inspection notes and assessment scores, and the reminders sent.

Every row is written only through ``workplan.services`` (a plan through ``workplan.loading``).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.workplan import limits
from chengxin.workplan.choices import (
    DeadlineKind,
    PlanLevel,
    ReminderKind,
    ReportStatus,
)


class Plan(models.Model):
    """One work plan (the province's, the city's, a later year's), loaded from a file.

    ``code`` is stable and is what files and the CLI name. A deployment keeps several plans;
    the pages show one at a time."""

    code = models.SlugField(_("代码"), max_length=limits.CODE_MAX_LENGTH, unique=True)
    title = models.CharField(_("名称"), max_length=limits.TITLE_MAX_LENGTH)
    issuer = models.CharField(_("印发机关"), max_length=limits.TITLE_MAX_LENGTH, blank=True)
    document_no = models.CharField(_("文号"), max_length=limits.DOCUMENT_NO_MAX_LENGTH, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=PlanLevel.choices)
    loaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "code"]
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A heading of part two (工作任务): ``(一)加强个人诚信教育``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(_("序号"), max_length=limits.NUMBER_MAX_LENGTH)
    title = models.CharField(_("标题"), max_length=limits.TITLE_MAX_LENGTH)
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("任务类别")
        verbose_name_plural = _("任务类别")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="workplan_section_position")
        ]

    def __str__(self) -> str:
        return f"（{self.number}）{self.title}"


class Task(models.Model):
    """A numbered task of a section, with its deadline as the plan writes it and its units.

    ``units_as_written`` keeps the plan's list of units in its order and wording; the
    departments that answer for the task are its ``responsibilities`` (the first named unit is
    the lead). ``deadline`` is the last day for ``year_end`` and ``date``, empty for
    ``ongoing``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("任务"), max_length=limits.TITLE_MAX_LENGTH)
    summary = models.TextField(_("内容"), max_length=limits.SUMMARY_MAX_LENGTH, blank=True)
    deadline_kind = models.CharField(_("完成时限类型"), max_length=16, choices=DeadlineKind.choices)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("完成时间"), max_length=limits.DEADLINE_TEXT_MAX_LENGTH)
    units_as_written = models.JSONField(_("责任单位（原文）"), default=list)
    includes_other_departments = models.BooleanField(_("含其他有关部门"), default=False)
    lead = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="workplan_task_number"),
            models.UniqueConstraint(fields=["plan", "position"], name="workplan_task_position"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """``（一）1``: the section's number and the task's, as the plan cites them."""
        return f"（{self.section.number}）{self.number}"


class Responsibility(models.Model):
    """A department answering for a task: the lead unit or a co-unit. It reports progress."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities")
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="workplan_tasks"
    )
    is_lead = models.BooleanField(_("牵头"), default=False)
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        ordering = ["task", "position"]
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department"], name="workplan_responsibility_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.department_id}"


class Safeguard(models.Model):
    """A safeguard measure of part three (保障措施), with its units as written and their
    departments."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="safeguards")
    number = models.CharField(_("序号"), max_length=limits.NUMBER_MAX_LENGTH)
    title = models.CharField(_("标题"), max_length=limits.TITLE_MAX_LENGTH)
    summary = models.TextField(_("内容"), max_length=limits.SUMMARY_MAX_LENGTH, blank=True)
    units_as_written = models.JSONField(_("责任单位（原文）"), default=list)
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("责任部门"), related_name="+", blank=True
    )
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("保障措施")
        verbose_name_plural = _("保障措施")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="workplan_safeguard_position")
        ]

    def __str__(self) -> str:
        return f"（{self.number}）{self.title}"


class ProgressReport(models.Model):
    """A unit's report on one task for one quarter; sent again, it is replaced (audited
    ``update``). Attachments are ``dueprocess.Attachment`` rows of case type
    ``workplan.report``."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices)
    text = models.TextField(_("进展情况"), max_length=limits.REPORT_TEXT_MAX_LENGTH)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year", "-quarter", "task__position"]
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "year", "quarter"], name="workplan_report_once"
            )
        ]
        # The dashboards read reports by the time they were first sent (dashboards.sources).
        indexes = [models.Index(fields=["submitted_at"], name="workplan_report_submitted")]

    def __str__(self) -> str:
        return f"{self.task} {self.year}Q{self.quarter}"

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"


class InspectionNote(models.Model):
    """An inspection note (督促检查) of the credit office on a plan, a task or a unit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notes")
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    written_on = models.DateField(_("检查日期"))
    text = models.TextField(_("督促检查意见"), max_length=limits.NOTE_TEXT_MAX_LENGTH)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("督促检查")
        verbose_name_plural = _("督促检查")

    def __str__(self) -> str:
        return f"{self.written_on:%Y-%m-%d}"


class AssessmentScore(models.Model):
    """The credit office's assessment score (0–100) of a unit for a year of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="scores")
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("年度"))
    score = models.DecimalField(
        _("考核得分"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(_("考核说明"), max_length=limits.COMMENT_MAX_LENGTH, blank=True)
    scored_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("评分时间"), auto_now=True)

    class Meta:
        ordering = ["plan", "-year", "department__code"]
        verbose_name = _("考核评分")
        verbose_name_plural = _("考核评分")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "department", "year"], name="workplan_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.score}"


class Reminder(models.Model):
    """A reminder sent to a unit: one per task, unit, kind and key (the deadline's day, or the
    missing report's period), so a second run sends nothing again."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=ReminderKind.choices)
    key = models.CharField(_("期间或日期"), max_length=16)
    recipients = models.PositiveIntegerField(_("收件人数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "kind", "key"], name="workplan_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
