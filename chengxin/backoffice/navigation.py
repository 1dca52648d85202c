"""The staff navigation: one registry of every staff page a menu links to, grouped by area.

Each entry names its page (a URL name) and the check that decides who may open it: the same
function the page's view (or its selector) asks, so the menu shows exactly what a role may use.
``tests`` assert for every staff role that each shown entry answers 200 and each hidden one does
not, so a menu entry and its page cannot drift apart.

Adding a page to the menu is one line in ``ENTRIES``::

    NavEntry("content", _("网站内容"), "content:list", can_manage_content),

with the group's key (``GROUPS``), the label in Chinese, the URL name, and the permission check
(a function of the user). ``active`` lists prefixes of URL names (``"catalog:"``) under which
the entry is highlighted too, such as a list's detail pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.choices import Capability
from chengxin.accounts.permissions import (
    can_confirm_citizens,
    can_draft_content,
    can_manage_departments,
    can_manage_policies,
    can_manage_tokens,
    can_manage_users,
    can_open_data_quality,
    can_query_credit_files,
    can_read_audit_log,
    can_see_submissions,
    can_use_admin_site,
    can_view_catalog,
    has_capability,
    is_staff_member,
)
from chengxin.dashboards.selectors import can_view_dashboards
from chengxin.dueprocess.myfile.selectors import can_see_challenges
from chengxin.dueprocess.objections.selectors import can_see_objections
from chengxin.dueprocess.repairs.selectors import can_see_repairs
from chengxin.dueprocess.tipoffs.selectors import can_answer as can_answer_tipoffs
from chengxin.dueprocess.tipoffs.selectors import can_screen as can_screen_tipoffs
from chengxin.education.campus_views import can_see_campus
from chengxin.education.permissions import can_open_campus_files, can_read_training
from chengxin.exchange.selectors import can_operate_exchange
from chengxin.inquiry.consent_selectors import may_record_paper_consents
from chengxin.measures.checks.selectors import can_view_feedback_rates
from chengxin.outreach.activities import can_plan_activities
from chengxin.supervision.permissions import can_read as can_read_supervision
from chengxin.workplan.permissions import can_open as can_open_workplan

Check = Callable[[object], bool]


def can_run_checks(user) -> bool:
    return has_capability(user, Capability.RUN_CHECKS)


def can_see_tipoffs(user) -> bool:
    """The tip-off queue's rule (``tipoffs.selectors``): the credit office screens every
    tip-off, a department answers those routed to it."""
    return can_screen_tipoffs(user) or can_answer_tipoffs(user)


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Promise


@dataclass(frozen=True)
class NavEntry:
    """One menu entry: its group, label, page and who may open it."""

    group: str
    label: Promise
    url_name: str
    allowed: Check
    active: tuple[str, ...] = field(default_factory=tuple)


# The areas, in the order the menu shows them.
GROUPS: tuple[NavGroup, ...] = (
    NavGroup("collection", _("数据归集")),
    NavGroup("quality", _("数据质量")),
    NavGroup("checks", _("核查与反馈")),
    NavGroup("queries", _("查询与报告")),
    NavGroup("dueprocess", _("异议、修复与举报")),
    NavGroup("lists", _("名单与措施")),
    NavGroup("content", _("网站内容")),
    NavGroup("education", _("诚信教育")),
    NavGroup("supervision", _("征信监管")),
    NavGroup("exchange", _("共享交换")),
    NavGroup("workplan", _("工作方案")),
    NavGroup("dashboards", _("统计分析")),
    NavGroup("users", _("用户与审计")),
)

# fmt: off
ENTRIES: list[NavEntry] = [
    NavEntry("collection", _("信息目录"), "catalog:index", can_view_catalog, ("catalog:",)),
    NavEntry("collection", _("数据报送"), "collection:submission_list", can_see_submissions, ("collection:submission", "collection:upload")),
    NavEntry("quality", _("数据质量"), "collection:quality", can_open_data_quality),
    NavEntry("checks", _("奖惩核查"), "checks:form", can_run_checks, ("checks:detail", "checks:receipt", "checks:feedback")),
    NavEntry("checks", _("批量核查"), "checks:batch_form", can_run_checks, ("checks:batch_",)),
    NavEntry("checks", _("核查反馈率"), "checks:feedback_rates", can_view_feedback_rates),
    NavEntry("queries", _("信用查询与报告"), "inquiry:query", can_query_credit_files, ("inquiry:",)),
    NavEntry("queries", _("纸质查询授权录入"), "inquiry:paper_consents", may_record_paper_consents),
    NavEntry("dueprocess", _("异议处理"), "objections:queue", can_see_objections, ("objections:",)),
    NavEntry("dueprocess", _("信用修复办理"), "repairs:queue", can_see_repairs, ("repairs:",)),
    NavEntry("dueprocess", _("公众账户核验"), "counter:list", can_confirm_citizens, ("counter:",)),
    NavEntry("dueprocess", _("举报办理"), "tipoffs:queue", can_see_tipoffs, ("tipoffs:",)),
    NavEntry("dueprocess", _("查询记录核实"), "myfile_staff:queue", can_see_challenges, ("myfile_staff:",)),
    NavEntry("lists", _("奖惩措施清单"), "measures:index", is_staff_member, ("measures:",)),
    NavEntry("content", _("网站内容"), "content:list", can_draft_content, ("content:",)),
    NavEntry("content", _("宣传活动"), "content:unit_activities", can_plan_activities, ("content:unit_",)),
    NavEntry("education", _("从业人员培训"), "training:course_list", can_read_training, ("training:",)),
    NavEntry("education", _("查阅校园诚信档案"), "campus:open", can_open_campus_files),
    NavEntry("education", _("校园诚信档案管理"), "campus:school_list", can_see_campus, ("campus:school", "campus:access")),
    NavEntry("supervision", _("征信机构监管"), "supervision:agency_list", can_read_supervision, ("supervision:",)),
    NavEntry("exchange", _("向省级平台推送"), "exchange:overview", can_operate_exchange, ("exchange:",)),
    NavEntry("workplan", _("工作方案进度"), "workplan:overview", can_open_workplan, ("workplan:",)),
    NavEntry("dashboards", _("统计分析"), "dashboards:index", can_view_dashboards, ("dashboards:",)),
    NavEntry("users", _("用户与角色"), "admin:accounts_user_changelist", can_manage_users, ("admin:accounts_user_",)),
    NavEntry("users", _("接口令牌"), "admin:accounts_apitoken_changelist", can_manage_tokens, ("admin:accounts_apitoken_",)),
    NavEntry("users", _("部门"), "admin:accounts_department_changelist", can_manage_departments, ("admin:accounts_department_",)),
    NavEntry("users", _("政策参数"), "admin:core_policyvalue_changelist", can_manage_policies, ("admin:core_policy",)),
    NavEntry("users", _("工作日历"), "admin:core_calendarday_changelist", can_manage_policies, ("admin:core_calendarday_",)),
    NavEntry("users", _("系统状态"), "backoffice:health", can_manage_policies),
    NavEntry("users", _("审计日志"), "audit:event_list", can_read_audit_log, ("audit:",)),
    NavEntry("users", _("后台管理"), "admin:index", can_use_admin_site, ("admin:",)),
]
# fmt: on


@dataclass(frozen=True)
class ShownEntry:
    label: str
    url: str
    url_name: str
    current: bool


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str
    entries: list[ShownEntry]

    @property
    def current(self) -> bool:
        return any(entry.current for entry in self.entries)


def entries_for(user) -> list[NavEntry]:
    """The registry's entries ``user`` may open, in menu order."""
    if not is_staff_member(user):
        return []
    return [entry for entry in ENTRIES if entry.allowed(user)]


def current_entry(entries: list[NavEntry], view_name: str) -> NavEntry | None:
    """The entry the page ``view_name`` belongs to: its own page first, else the entry with the
    longest ``active`` prefix of it (so a model's admin pages beat the admin's index)."""
    if not view_name:
        return None
    for entry in entries:
        if entry.url_name == view_name:
            return entry
    best, best_length = None, 0
    for entry in entries:
        for prefix in entry.active:
            if view_name.startswith(prefix) and len(prefix) > best_length:
                best, best_length = entry, len(prefix)
    return best


def navigation_for(user, view_name: str = "") -> list[ShownGroup]:
    """The menu of ``user``: the groups that have an entry for them, with the current page's
    entry marked."""
    entries = entries_for(user)
    current = current_entry(entries, view_name)
    groups = []
    for group in GROUPS:
        shown = []
        for entry in entries:
            if entry.group != group.key:
                continue
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:  # a page of an app this deployment does not mount
                continue
            shown.append(
                ShownEntry(str(entry.label), url, entry.url_name, current=entry is current)
            )
        if shown:
            groups.append(ShownGroup(group.key, str(group.label), shown))
    return groups


def group_label(key: str) -> str:
    return next((str(group.label) for group in GROUPS if group.key == key), "")
