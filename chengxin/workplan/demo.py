"""The work-plan part of ``chengxin demo``: progress reports on the city's 2017 plan from the
demo officer (tax) and from one reporting account per unit for a few other units, over this
quarter and the last, inspection notes and last year's assessment scores, all made through the
services. Once: nothing when the plan has reports, or the plan or the demo reviewer is missing.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department, User
from chengxin.accounts.services import user_create
from chengxin.workplan.choices import ReportStatus
from chengxin.workplan.models import Plan, ProgressReport, Task
from chengxin.workplan.periods import Quarter
from chengxin.workplan.reference import seed_plan_document
from chengxin.workplan.services import note_add, report_submit, score_set

DEMO_REVIEWER = "demo-reviewer"
DEMO_OFFICER = "demo-officer"
# (unit, section number, task number, percent last quarter, percent now, status now)
DEMO_REPORTS = (
    ("tax", "二", 2, 60, 80, ReportStatus.IN_PROGRESS),
    ("tax", "五", 2, 70, 100, ReportStatus.COMPLETED),
    ("propaganda", "一", 1, 80, 100, ReportStatus.COMPLETED),
    ("propaganda", "一", 2, 50, 65, ReportStatus.IN_PROGRESS),
    ("civilization", "一", 1, 70, 90, ReportStatus.IN_PROGRESS),
    ("education", "一", 4, 40, 55, ReportStatus.IN_PROGRESS),
    ("hrss", "一", 5, 30, 30, ReportStatus.BLOCKED),
    ("market", "四", 1, 75, 100, ReportStatus.COMPLETED),
    ("market", "五", 3, 60, 85, ReportStatus.IN_PROGRESS),
    ("pboc", "三", 1, 90, 100, ReportStatus.COMPLETED),
    ("public-security", "二", 1, 45, 60, ReportStatus.IN_PROGRESS),
)
DEMO_TEXT = gettext_lazy(
    "本季度已召开专题部署会，印发实施方案，明确分工和时间节点，相关工作按计划推进。"
)
DEMO_NOTES = (
    ("", "", gettext_lazy("请各责任单位于每季度结束后5日内报送进展报告，逾期未报的将予以通报。")),
    ("hrss", "一5", gettext_lazy("信用教育培训进展滞后，请说明困难并提出解决措施。")),
    ("education", "一4", gettext_lazy("请加快建立18岁以上成年学生诚信档案，并报送工作台账。")),
)
DEMO_SCORES = (("tax", 92), ("propaganda", 95), ("market", 96), ("hrss", 78), ("pboc", 90))


def demo_workplan_ensure(*, stdout) -> None:
    code = seed_plan_document().code
    plan = Plan.objects.filter(code=code).first()
    reviewer = User.objects.filter(username=DEMO_REVIEWER, role=Role.REVIEWER).first()
    if plan is None or reviewer is None or ProgressReport.objects.filter(task__plan=plan).exists():
        return
    now = Quarter.of(timezone.localdate())
    for code, section, number, before, percent, status in DEMO_REPORTS:
        task = Task.objects.get(plan=plan, section__number=section, number=number)
        reporter = _reporter(code)
        for period, value, state in (
            (now.previous(), before, ReportStatus.IN_PROGRESS),
            (now, percent, status),
        ):
            report_submit(
                actor=reporter,
                task=task,
                year=period.year,
                quarter=period.quarter,
                percent=value,
                status=state,
                text=str(DEMO_TEXT),
            )
    _notes(plan, reviewer)
    for code, score in DEMO_SCORES:
        department = Department.objects.get(code=code)
        score_set(
            actor=reviewer,
            plan=plan,
            department=department,
            year=now.year - 1,
            score=score,
            comment=_("按期报送，推进有力。") if score >= 90 else _("进展滞后，需加强。"),
        )
    stdout.write(
        _("工作方案演示数据：%(count)d 份进展报告。") % {"count": 2 * len(DEMO_REPORTS)} + "\n"
    )


def _reporter(code: str) -> User:
    """The demo officer for tax; for another unit its reporting account (made once, with a
    password nobody is shown: it only stands for the unit in the demo)."""
    if code == "tax":
        return User.objects.get(username=DEMO_OFFICER)
    username = f"demo-plan-{code}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    user_create(
        username=username,
        department_code=code,
        role=Role.PROVIDER,
        display_name=_("工作方案联络员"),
        actor=None,
    )
    return User.objects.get(username=username)


def _notes(plan: Plan, reviewer: User) -> None:
    today = timezone.localdate()
    for code, reference, text in DEMO_NOTES:
        task = None
        if reference:
            task = Task.objects.get(
                plan=plan, section__number=reference[0], number=int(reference[1:])
            )
        department = Department.objects.get(code=code) if code else None
        note_add(
            actor=reviewer,
            plan=plan,
            written_on=today,
            text=str(text),
            task=task,
            department=department,
        )
