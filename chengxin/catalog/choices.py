"""Vocabulary of the catalog (SPEC §3): categories, severities, domains, professions, lists.

The domains, professions, good-record sources and serious-dishonesty fields are the ones the
city work plan names (齐齐哈尔市个人诚信体系建设工作方案, 2017, tasks (二)2, (五)1 and (五)2).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What kind of information an item describes."""

    BASIC = "basic", _("基础信息")
    POSITIVE = "positive", _("守信信息")
    NEGATIVE = "negative", _("失信信息")
    OTHER = "other", _("其他信息")


class Severity(models.TextChoices):
    """How serious the dishonest conduct of a negative item is; it sets the periods of SPEC §5."""

    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class Domain(models.TextChoices):
    """The 16 key domains of the plan's task (二)2, plus education and credit services."""

    FOOD_DRUG = "food_drug", _("食品药品")
    WORK_SAFETY = "work_safety", _("安全生产")
    FIRE_SAFETY = "fire_safety", _("消防安全")
    TRAFFIC_SAFETY = "traffic_safety", _("交通安全")
    ENVIRONMENT = "environment", _("环境保护")
    BIOSAFETY = "biosafety", _("生物安全")
    PRODUCT_QUALITY = "product_quality", _("产品质量")
    TAX = "tax", _("税收缴纳")
    HEALTH_CARE = "health_care", _("医疗卫生")
    LABOUR = "labour", _("劳动保障")
    CONSTRUCTION = "construction", _("工程建设")
    FINANCIAL_SERVICES = "financial_services", _("金融服务")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("知识产权")
    JUDICIAL = "judicial", _("司法诉讼")
    E_COMMERCE = "e_commerce", _("电子商务")
    VOLUNTEERING = "volunteering", _("志愿服务")
    EDUCATION = "education", _("教育")
    CREDIT_SERVICES = "credit_services", _("信用服务")


class Profession(models.TextChoices):
    """The 14 professional groups the plan's task (二)2 names as main subjects."""

    CIVIL_SERVANT = "civil_servant", _("公务员")
    LEGAL_REPRESENTATIVE = "legal_representative", _("企业法定代表人及相关责任人")
    LAWYER = "lawyer", _("律师")
    TEACHER = "teacher", _("教师")
    PHYSICIAN = "physician", _("医师")
    PHARMACIST = "pharmacist", _("执业药师")
    APPRAISER = "appraiser", _("评估师")
    TAX_AGENT = "tax_agent", _("税务师")
    FIRE_ENGINEER = "fire_engineer", _("注册消防工程师")
    ACCOUNTANT = "accountant", _("会计审计人员")
    REAL_ESTATE_AGENT = "real_estate_agent", _("房地产中介从业人员")
    CERTIFICATION_STAFF = "certification_staff", _("认证人员")
    FINANCE_STAFF = "finance_staff", _("金融从业人员")
    TOUR_GUIDE = "tour_guide", _("导游")


class Disclosure(models.TextChoices):
    """Who may see records of an item (SPEC §3, §7)."""

    PUBLIC = "public", _("社会公开")
    SHARED = "shared", _("政务共享")
    CONSENT = "consent", _("授权查询")


class UpdateFrequency(models.TextChoices):
    """How often the providing department sends an item's records.

    ``days`` is the longest interval a punctual provider may leave between two submissions; the
    timeliness scoreboard (SPEC §4) measures lateness against it. Calendar periods take their
    longest length (31, 92, 366 days) so that no punctual provider is ever counted late.
    """

    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")

    @property
    def days(self) -> int:
        return _UPDATE_FREQUENCY_DAYS[self.value]


_UPDATE_FREQUENCY_DAYS = {
    "realtime": 1,
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "yearly": 366,
}


class ListKind(models.TextChoices):
    """The lists a record of an item puts the person on (SPEC §6)."""

    RED_LIST = "red_list", _("守信红名单")
    SERIOUS_DISHONESTY = "serious_dishonesty", _("严重失信主体名单")
    KEY_SUPERVISION = "key_supervision", _("重点监管对象名单")


class GoodRecordSource(models.TextChoices):
    """The five sources of good-credit records named by the plan's task (五)1."""

    MORAL_MODEL = "moral_model", _("诚信道德模范")
    OUTSTANDING_VOLUNTEER = "outstanding_volunteer", _("优秀志愿者")
    ASSOCIATION_MEMBER = "association_member", _("行业协会商会推荐的诚信会员")
    GOOD_STANDING_COUNTERPART = "good_standing_counterpart", _("信用状况良好的行政相对人")
    MEDIA_FOUND = "media_found", _("新闻媒体挖掘的诚信主体")


class KeyField(models.TextChoices):
    """The six serious-dishonesty fields of the plan's task (五)2: the key supervision list."""

    MALICIOUS_DEBT_EVASION = "malicious_debt_evasion", _("恶意逃废债务")
    ILLEGAL_FUNDRAISING = "illegal_fundraising", _("非法集资")
    TELECOM_FRAUD = "telecom_fraud", _("电信诈骗")
    ONLINE_FRAUD = "online_fraud", _("网络欺诈")
    TRAFFIC_VIOLATION = "traffic_violation", _("交通违法")
    TAX_DISHONESTY = "tax_dishonesty", _("不依法诚信纳税")


class FieldSet(models.TextChoices):
    """A national field set an item's records follow, prepended after the common fields.

    The "double publicity" (双公示) data standard fixes the columns that departments already
    export for administrative penalty and licence decisions; items that carry such decisions use
    it, so those exports load without renaming columns.
    """

    PENALTY = "penalty", _("双公示·行政处罚")
    LICENCE = "licence", _("双公示·行政许可")


class FieldType(models.TextChoices):
    """The Table Schema field types the catalog uses."""

    STRING = "string", _("文本")
    INTEGER = "integer", _("整数")
    NUMBER = "number", _("数值")
    DATE = "date", _("日期")
    BOOLEAN = "boolean", _("是/否")


class ReferenceOutcome(models.TextChoices):
    """What loading the starter catalog did to one item."""

    CREATED = "created", _("新增")
    UPDATED = "updated", _("按新的出厂定义更新")
    REFRESHED = "refreshed", _("公共字段变化，生成新版本")
    UNCHANGED = "unchanged", _("未变")
    KEPT = "kept", _("已在平台上修改，保留本地修改")
