"""The staff home page's task cards: one per capability of the signed-in role.

A card links to its page only where that page exists today; capabilities whose pages are still
to come are described in plain text, so the home page never links to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.choices import Capability
from chengxin.accounts.permissions import capabilities_of


@dataclass(frozen=True)
class CardDefinition:
    capability: str
    title: Promise
    description: Promise
    url_name: str = ""


@dataclass(frozen=True)
class StaffCard:
    """A card as the template shows it; ``url`` is empty for capabilities without a page yet."""

    capability: str
    title: str
    description: str
    url: str


CARD_DEFINITIONS = (
    CardDefinition(
        Capability.SUBMIT_RECORDS,
        _("报送信用信息"),
        _("通过接口或文件上传报送本部门的信用信息，查看导入进度，下载并修正被拒收的数据行。"),
        "collection:submission_list",
    ),
    CardDefinition(
        Capability.ANSWER_OBJECTIONS,
        _("异议与修复"),
        _(
            "答复涉及本部门信息的异议（受理、不予受理、延期、更正或撤销记录），决定本部门信息的信用修复申请。"
        ),
        "objections:queue",
    ),
    CardDefinition(
        Capability.QUERY_CREDIT_FILES,
        _("查询信用档案"),
        _("为办理事项查询个人信用档案并出具信用报告，须注明用途和案号；只显示本角色可见的信息。"),
        "inquiry:query",
    ),
    CardDefinition(
        Capability.RUN_CHECKS,
        _("联合奖惩核查"),
        _("在行政审批中核查守信激励和失信惩戒对象，取得可验证的核查回执，并反馈措施落实情况。"),
        "checks:form",
    ),
    CardDefinition(
        Capability.SCREEN_DUE_PROCESS,
        _("审核异议、修复和举报"),
        _("查看全部异议及其办理期限，在服务窗口代当事人提出异议，对异议决定作出复核。"),
        "objections:queue",
    ),
    CardDefinition(
        Capability.MANAGE_LISTS,
        _("名单与奖惩措施"),
        _("查阅红黑名单的认定依据和联合奖惩措施清单，导入全国基础清单，维护措施版本。"),
        "measures:index",
    ),
    CardDefinition(
        Capability.MANAGE_CONTENT,
        _("网站内容与宣传"),
        _("审核发布“信用齐齐哈尔”网站的动态、政策解读、诚信典型和案例，登记诚信宣传活动。"),
        "content:list",
    ),
    CardDefinition(
        Capability.DRAFT_CONTENT,
        _("网站内容投稿"),
        _("起草本部门的信用动态、诚信典型和失信案例，提交信用办审核后在网站发布。"),
        "content:list",
    ),
    CardDefinition(
        Capability.MANAGE_WORK_PLAN,
        _("工作方案任务"),
        _("跟踪工作方案各项任务的责任单位和进展。管理页面即将开放。"),
    ),
    CardDefinition(
        Capability.VIEW_CATALOG,
        _("信息目录"),
        _("查阅可归集的信息目录、字段定义和导入模板。"),
        "catalog:index",
    ),
    CardDefinition(
        Capability.MANAGE_CATALOG,
        _("维护信息目录"),
        _("新增和修订目录项；每次修订生成新版本。系统管理员的维护页面即将开放。"),
    ),
    CardDefinition(
        Capability.MANAGE_DEPARTMENTS,
        _("部门"),
        _("维护各责任单位的名称、类别和启用状态。"),
        "admin:accounts_department_changelist",
    ),
    CardDefinition(
        Capability.MANAGE_POLICIES,
        _("政策参数与工作日历"),
        _("调整期限、阈值等政策参数（须注明依据），录入法定节假日和调休安排。"),
        "admin:core_policyvalue_changelist",
    ),
    CardDefinition(
        Capability.MANAGE_USERS,
        _("用户与角色"),
        _("新建账户，调整角色和所属部门，停用账户，重置密码和身份验证器。"),
        "admin:accounts_user_changelist",
    ),
    CardDefinition(
        Capability.UNLOCK_ACCOUNTS,
        _("解除锁定"),
        _("连续登录失败的账户会被暂时锁定；在用户列表中选中账户，执行“解除登录锁定”。"),
        "admin:accounts_user_changelist",
    ),
    CardDefinition(
        Capability.MANAGE_TOKENS,
        _("接口令牌"),
        _("为报送系统和征信机构签发、吊销接口令牌；令牌只在签发时显示一次。"),
        "admin:accounts_apitoken_changelist",
    ),
    CardDefinition(
        Capability.READ_AUDIT_LOG,
        _("审计日志"),
        _("查阅登录、个人信息查询、数据变更和导出记录，校验哈希链是否完整。"),
        "audit:event_list",
    ),
    CardDefinition(
        Capability.USE_ADMIN_SITE,
        _("后台管理"),
        _("进入后台管理，维护本角色负责的参考数据。"),
        "admin:index",
    ),
)


def cards_for(user) -> list[StaffCard]:
    """The cards of ``user``'s capabilities, in the order above."""
    capabilities = capabilities_of(user)
    return [
        StaffCard(
            capability=definition.capability,
            title=str(definition.title),
            description=str(definition.description),
            url=reverse(definition.url_name) if definition.url_name else "",
        )
        for definition in CARD_DEFINITIONS
        if definition.capability in capabilities
    ]
