"""Vocabulary of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.core.roles import Role

__all__ = ["ADMINISTRATIVE_ROLES", "DEPARTMENT_ROLES", "STAFF_ROLES", "Role"]


STAFF_ROLES = frozenset(
    {Role.PROVIDER, Role.OFFICER, Role.REVIEWER, Role.ADMIN, Role.SECURITY, Role.AUDITOR}
)
ADMINISTRATIVE_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})
DEPARTMENT_ROLES = frozenset({Role.PROVIDER, Role.OFFICER})


class DepartmentKind(models.TextChoices):
    PARTY = "party", _("党委部门")
    GOVERNMENT = "government", _("政府部门")
    JUDICIAL = "judicial", _("司法机关")
    FINANCIAL = "financial", _("金融监管")
    ORGANISATION = "organisation", _("群团组织")
    DISTRICT = "district", _("县（市）区政府")
    PLATFORM = "platform", _("信用平台")


class Capability(models.TextChoices):
    """What a role may do, named once and checked through ``chengxin.accounts.permissions``."""

    VIEW_CATALOG = "view_catalog", _("查阅信息目录")
    MANAGE_CATALOG = "manage_catalog", _("维护信息目录")
    MANAGE_DEPARTMENTS = "manage_departments", _("维护部门")
    MANAGE_POLICIES = "manage_policies", _("维护政策参数和工作日历")
    MANAGE_USERS = "manage_users", _("管理用户和角色")
    MANAGE_TOKENS = "manage_tokens", _("签发和吊销接口令牌")
    UNLOCK_ACCOUNTS = "unlock_accounts", _("解除账户锁定")
    READ_AUDIT_LOG = "read_audit_log", _("查阅和校验审计日志")
    USE_ADMIN_SITE = "use_admin_site", _("使用后台管理")
    SUBMIT_RECORDS = "submit_records", _("报送信用信息")
    ANSWER_OBJECTIONS = "answer_objections", _("答复本部门信息的异议和修复")
    QUERY_CREDIT_FILES = "query_credit_files", _("查询个人信用档案")
    RUN_CHECKS = "run_checks", _("联合奖惩核查")
    SCREEN_DUE_PROCESS = "screen_due_process", _("审核异议、修复和举报")
    MANAGE_LISTS = "manage_lists", _("管理名单和奖惩措施")
    MANAGE_CONTENT = "manage_content", _("管理网站内容和宣传活动")
    MANAGE_WORK_PLAN = "manage_work_plan", _("管理工作方案任务")
    CONFIRM_CITIZENS = "confirm_citizens", _("窗口核验公众账户身份")
    VIEW_OWN_FILE = "view_own_file", _("查看本人信用档案")
    QUERY_WITH_CONSENT = "query_with_consent", _("经授权查询个人信用信息")
    # Providers draft their department's news and cases, the credit office publishes them
    # (docs/outreach.md).
    DRAFT_CONTENT = "draft_content", _("起草网站内容")
    OPERATE_EXCHANGE = "operate_exchange", _("监看和重试向省级平台的推送")


class TokenHashAlgorithm(models.TextChoices):
    """How an API token is stored; kept per row so a deployment can move to SM3 (SPEC §14)."""

    SHA256 = "sha256", "SHA-256"


class CitizenAccountStatus(models.TextChoices):
    """A citizen account's binding to its person (docs/citizens.md)."""

    PENDING = "pending", _("待核验身份")
    CONFIRMED = "confirmed", _("已核验")
    REFUSED = "refused", _("未通过核验")
    CLOSED = "closed", _("已注销")


# A pending or confirmed account holds its person: at most one per person.
ACTIVE_CITIZEN_STATUSES = (CitizenAccountStatus.PENDING, CitizenAccountStatus.CONFIRMED)


class IdentityProofing(models.TextChoices):
    """How a citizen account was bound to its person (setting ``CHENGXIN_IDENTITY_PROOFING``)."""

    COUNTER = "counter", _("窗口核验身份证件")
    OIDC = "oidc", _("实名身份认证平台")


class NoticeKind(models.TextChoices):
    """What a notice to a person is about (SPEC §8; docs/citizens.md)."""

    RECORD = "record", _("新增信用记录")
    OBJECTION = "objection", _("异议")
    REPAIR = "repair", _("信用修复")
    DEADLINE = "deadline", _("办理期限")
    ACCESS_CHALLENGE = "access_challenge", _("查询记录核实")
    TIP_OFF = "tip_off", _("举报")
    ACCOUNT = "account", _("账户")


class CitizenSignInMethod(models.TextChoices):
    """How a citizen signs in (docs/citizens.md): contact details and password, or the real-name
    identity provider."""

    PASSWORD = "password", _("手机号码或电子邮箱和密码")
    OIDC = "oidc", _("实名身份认证平台")


class NoticeChannel(models.TextChoices):
    SITE = "site", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
