"""Policy values: the periods, deadlines and thresholds that a deployment may change (SPEC preamble).

Each value is declared in code as a ``PolicyDefinition`` (type, default, unit, the legal source
of the default, a description and the allowed range) and added to the registry with
``register`` (both in ``chengxin.core.policy_registry``); the platform's own values, and the
sources and units they cite, are declared here. The value in force is stored in
``core.PolicyValue`` and read with ``chengxin.core.selectors.policy_value(name)``; it is changed
only by ``chengxin.core.services.policy_value_set``, which keeps the history.

Other apps declare their own values in a ``policies`` module of their package
(``chengxin/<app>/policies.py``) with ``register(PolicyDefinition(...))``; the registry imports
those modules the first time it is asked for a definition. See ``docs/policies.md``.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policy_registry import PolicyDefinition, register

# --- Sources cited by the definitions below ---------------------------------------------------

PLATFORM_DEFAULT = _("平台默认值")
REPAIR_MEASURES = _(
    "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展和改革委员会令2023年第58号）"
)
CREDIT_CONSTRAINT_OPINION = _(
    "《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）"
)
PERSONAL_INFORMATION_LAW = _("《中华人民共和国个人信息保护法》")
CITY_PLAN = _("《齐齐哈尔市个人诚信体系建设工作方案》（2017年）")
CREDIT_REPORTING_REGULATION = _("《征信业管理条例》（国务院令第631号）")

MONTHS_UNIT = _("个月")
YEARS_UNIT = _("年")
DAYS_UNIT = _("日")
WORKING_DAYS_UNIT = _("个工作日")
ROWS_UNIT = _("条")


def _source(*parts: str) -> str:
    """Join cited sources with a Chinese semicolon, staying lazy (translated when shown)."""
    return format_lazy("；".join(["{}"] * len(parts)), *parts)


# --- Record lifecycle (SPEC §5) -----------------------------------------------------------------

DISCLOSURE_MINOR = register(
    PolicyDefinition(
        name="disclosure.minor_months",
        type=PolicyType.MONTHS,
        default=3,
        title=_("轻微失信记录的展示期限"),
        unit=MONTHS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("轻微失信记录不向社会公开；自决定日期起经过本期限后自动结束，不再用于核查。"),
        description_en=(
            "Minor negative records are never disclosed publicly; they end automatically this "
            "long after the decision date and no longer count in checks."
        ),
        minimum=1,
        maximum=120,
    )
)

DISCLOSURE_GENERAL = register(
    PolicyDefinition(
        name="disclosure.general_months",
        type=PolicyType.MONTHS,
        default=12,
        title=_("一般失信记录的公示期限"),
        unit=MONTHS_UNIT,
        legal_source=_source(REPAIR_MEASURES, _("一般失信行为的行政处罚信息最长公示期为一年")),
        description=_("一般失信记录自决定日期起公示，经过本期限后自动停止公示。"),
        description_en=(
            "General negative records are disclosed from the decision date and stop being "
            "disclosed automatically after this period."
        ),
        minimum=1,
        maximum=120,
    )
)

DISCLOSURE_SERIOUS = register(
    PolicyDefinition(
        name="disclosure.serious_months",
        type=PolicyType.MONTHS,
        default=36,
        title=_("严重失信记录的公示期限"),
        unit=MONTHS_UNIT,
        legal_source=_source(REPAIR_MEASURES, _("严重失信行为的行政处罚信息最长公示期为三年")),
        description=_("严重失信记录自决定日期起公示，经过本期限后自动停止公示。"),
        description_en=(
            "Serious negative records are disclosed from the decision date and stop being "
            "disclosed automatically after this period."
        ),
        minimum=1,
        maximum=120,
    )
)

REPAIR_EARLIEST_GENERAL = register(
    PolicyDefinition(
        name="repair.general_earliest_months",
        type=PolicyType.MONTHS,
        default=3,
        title=_("一般失信记录最早可申请修复的时间"),
        unit=MONTHS_UNIT,
        legal_source=_source(REPAIR_MEASURES, _("一般失信行为的行政处罚信息最短公示期为三个月")),
        description=_("一般失信记录自决定日期起经过本期限，当事人方可申请信用修复。"),
        description_en=(
            "A person may apply to repair a general negative record once this period has passed "
            "since the decision date."
        ),
        minimum=0,
        maximum=120,
    )
)

REPAIR_EARLIEST_SERIOUS = register(
    PolicyDefinition(
        name="repair.serious_earliest_months",
        type=PolicyType.MONTHS,
        default=12,
        title=_("严重失信记录最早可申请修复的时间"),
        unit=MONTHS_UNIT,
        legal_source=_source(REPAIR_MEASURES, _("严重失信行为的行政处罚信息最短公示期为一年")),
        description=_("严重失信记录自决定日期起经过本期限，当事人方可申请信用修复。"),
        description_en=(
            "A person may apply to repair a serious negative record once this period has passed "
            "since the decision date."
        ),
        minimum=0,
        maximum=120,
    )
)

POSITIVE_VALIDITY = register(
    PolicyDefinition(
        name="positive.validity_years",
        type=PolicyType.YEARS,
        default=3,
        title=_("守信记录的有效期"),
        unit=YEARS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "守信（优良）记录自认定日期起在本期限内有效；信息目录可为单项设定更短的期限。"
        ),
        description_en=(
            "Positive records are valid for this long from the recognition date; a catalog item "
            "may set a shorter period."
        ),
        minimum=1,
        maximum=20,
    )
)

RETENTION_AFTER_END = register(
    PolicyDefinition(
        name="retention.after_end_years",
        type=PolicyType.YEARS,
        default=5,
        title=_("记录结束后的个人信息保存期限"),
        unit=YEARS_UNIT,
        legal_source=_source(
            PLATFORM_DEFAULT,
            format_lazy(
                _("{law}第十九条：保存期限应当为实现处理目的所必要的最短时间"),
                law=PERSONAL_INFORMATION_LAW,
            ),
        ),
        description=_(
            "记录到期、修复或撤销后，经过本期限即删除其中的个人信息，只保留维持审计链可验证所需的记录。"
        ),
        description_en=(
            "After a record has expired, been repaired or been revoked, its personal data is "
            "purged once this period has passed, leaving only what keeps the audit chain "
            "verifiable."
        ),
        minimum=1,
        maximum=30,
    )
)

# --- Joint rewards: green channel (SPEC §6) ---------------------------------------------------

GREEN_CHANNEL_LOOKBACK = register(
    PolicyDefinition(
        name="green_channel.lookback_years",
        type=PolicyType.YEARS,
        default=3,
        title=_("“绿色通道”和“容缺受理”的无不良记录年限"),
        unit=YEARS_UNIT,
        legal_source=_source(CITY_PLAN, _("连续三年以上无不良信用记录的行政相对人")),
        description=_(
            "核查日之前本期限内没有失信记录、且平台最早记录距核查日已满本期限的个人，"
            "可享受“绿色通道”和“容缺受理”。"
        ),
        description_en=(
            "A person with no negative record decided within this many years before the check "
            "date, and known to the platform for at least as long, is eligible for the green "
            "channel and acceptance with missing materials."
        ),
        minimum=1,
        maximum=10,
    )
)

GREEN_CHANNEL_COUNTS_REPAIRED = register(
    PolicyDefinition(
        name="green_channel.counts_repaired",
        type=PolicyType.BOOLEAN,
        default=True,
        title=_("已修复的失信记录是否计入“绿色通道”回溯"),
        unit="",
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "为“是”时，回溯期内已修复的失信记录仍视为不良记录：信用修复终止惩戒和公示，"
            "但不否认失信事实。已撤销的记录在任何情况下都不计入。"
        ),
        description_en=(
            "When true, a repaired negative record decided inside the look-back window still "
            "counts: repair ends punishment and disclosure, not the fact. Revoked records never "
            "count."
        ),
    )
)

# --- Due process: objections and repair (SPEC §8) --------------------------------------------

OBJECTION_FLAG = register(
    PolicyDefinition(
        name="objection.flag_working_days",
        type=PolicyType.WORKING_DAYS,
        default=1,
        title=_("异议记录的标注时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=_source(
            PLATFORM_DEFAULT,
            format_lazy(
                _("参照{regulation}第二十五条：收到异议即对相关信息作存在异议的标注"),
                regulation=CREDIT_REPORTING_REGULATION,
            ),
        ),
        description=_("收到异议申请后，在本时限内对被异议的记录作出“异议中”标注。"),
        description_en=(
            "After an objection is received, the disputed record is flagged within this many "
            "working days."
        ),
        minimum=0,
        maximum=10,
    )
)

OBJECTION_DECISION = register(
    PolicyDefinition(
        name="objection.decision_working_days",
        type=PolicyType.WORKING_DAYS,
        default=5,
        title=_("异议处理时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=_source(
            PLATFORM_DEFAULT,
            _("请按本省（市）社会信用条例或公共信用信息管理办法核对异议处理时限"),
        ),
        description=_("信息提供单位自收到异议之日起在本时限内作出处理决定。"),
        description_en=(
            "The providing department decides an objection within this many working days of "
            "receiving it."
        ),
        minimum=1,
        maximum=60,
    )
)

OBJECTION_EXTENSION_MAX = register(
    PolicyDefinition(
        name="objection.extension_max_working_days",
        type=PolicyType.WORKING_DAYS,
        default=20,
        title=_("异议处理可延长的最长时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=_source(
            PLATFORM_DEFAULT,
            format_lazy(
                _("参照{regulation}第二十五条：自收到异议之日起二十日内核查和处理"),
                regulation=CREDIT_REPORTING_REGULATION,
            ),
        ),
        description=_("情况复杂的异议，经说明理由可延长处理期限，延长后总时限不超过本值。"),
        description_en=(
            "A complex objection may be extended with a stated reason; the extended deadline "
            "is at most this many working days."
        ),
        minimum=1,
        maximum=60,
    )
)

OBJECTION_REVIEW_REQUEST = register(
    PolicyDefinition(
        name="objection.review_request_working_days",
        type=PolicyType.WORKING_DAYS,
        default=15,
        title=_("申请复核异议决定的期限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "异议不成立的，当事人自决定之日起在本期限内可以请求信用办复核；期限届满未申请的，"
            "异议办结。"
        ),
        description_en=(
            "After an objection is rejected, the person may ask the credit office to review the "
            "decision within this many working days; after that the objection is closed."
        ),
        minimum=1,
        maximum=60,
    )
)

OBJECTION_REVIEW_DECISION = register(
    PolicyDefinition(
        name="objection.review_working_days",
        type=PolicyType.WORKING_DAYS,
        default=10,
        title=_("异议复核的决定时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("信用办自收到复核请求之日起在本时限内作出复核决定。"),
        description_en=(
            "The credit office decides a review of an objection decision within this many "
            "working days of the request."
        ),
        minimum=1,
        maximum=60,
    )
)

OBJECTION_REMINDER = register(
    PolicyDefinition(
        name="objection.reminder_working_days",
        type=PolicyType.WORKING_DAYS,
        default=1,
        title=_("异议期限届满前的提醒时间"),
        unit=WORKING_DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("异议处理期限届满前本时限内，提醒经办人员及时作出决定。"),
        description_en=(
            "Staff are reminded of an objection this many working days before its deadline."
        ),
        minimum=0,
        maximum=10,
    )
)

REPAIR_DECISION = register(
    PolicyDefinition(
        name="repair.decision_working_days",
        type=PolicyType.WORKING_DAYS,
        default=3,
        title=_("信用修复决定时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=_source(
            PLATFORM_DEFAULT,
            format_lazy(
                _("修复遵循{opinion}健全信用修复机制的要求；请按{measures}及本地细则核对时限"),
                opinion=CREDIT_CONSTRAINT_OPINION,
                measures=REPAIR_MEASURES,
            ),
        ),
        description=_("认定单位（谁认定、谁修复）自收到修复申请之日起在本时限内作出决定。"),
        description_en=(
            "The deciding department decides a repair application within this many working "
            "days of receiving it."
        ),
        minimum=1,
        maximum=60,
    )
)

REPAIR_ANSWER = register(
    PolicyDefinition(
        name="repair.answer_working_days",
        type=PolicyType.WORKING_DAYS,
        default=10,
        title=_("信用修复答复申请人的时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=_source(
            PLATFORM_DEFAULT,
            format_lazy(_("请按{measures}及本地细则核对时限"), measures=REPAIR_MEASURES),
        ),
        description=_("申请人自提交修复申请之日起在本时限内得到答复。"),
        description_en=(
            "The applicant receives an answer within this many working days of applying for repair."
        ),
        minimum=1,
        maximum=60,
    )
)

REPAIR_REMINDER = register(
    PolicyDefinition(
        name="repair.reminder_working_days",
        type=PolicyType.WORKING_DAYS,
        default=1,
        title=_("信用修复决定期限届满前的提醒时间"),
        unit=WORKING_DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("信用修复决定期限届满前本时限内，提醒认定单位及时作出决定。"),
        description_en=(
            "The deciding department is reminded of a repair application this many working "
            "days before its deadline."
        ),
        minimum=0,
        maximum=10,
    )
)

# --- Reports, sharing and volumes (SPEC §4, §6, §7, §9) ---------------------------------------

REPORT_QUERY_HISTORY = register(
    PolicyDefinition(
        name="report.query_history_years",
        type=PolicyType.YEARS,
        default=2,
        title=_("信用报告列示查询记录的年限"),
        unit=YEARS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("公共信用信息报告列出本期限内对本人信用档案的全部查询。"),
        description_en=(
            "The credit report lists every query of the person's file made within this many years."
        ),
        minimum=1,
        maximum=10,
    )
)

CORRECTION_FANOUT_WINDOW = register(
    PolicyDefinition(
        name="correction.fanout_query_days",
        type=PolicyType.DAYS,
        default=730,
        title=_("更正通知查询过记录的部门的回溯天数"),
        unit=DAYS_UNIT,
        legal_source=_source(PLATFORM_DEFAULT, _("与信用报告列示查询记录的两年期限一致")),
        description=_(
            "记录被更正、撤销、修复或到期时，通知在本期限内查询过该记录的部门（上级平台和"
            "征信机构等接收方总是通知）。"
        ),
        description_en=(
            "When a record is corrected, revoked, repaired or expires, every department that "
            "queried it within this many days is told (upstream and agencies that received it "
            "always are)."
        ),
        minimum=1,
        maximum=3650,
    )
)

CHECK_BATCH_MAX = register(
    PolicyDefinition(
        name="check.batch_max_size",
        type=PolicyType.INTEGER,
        default=100_000,
        title=_("批量核查的最大条数"),
        unit=ROWS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("一次批量核查最多可提交的身份证号码数量。"),
        description_en="The largest number of ID numbers one batch check may carry.",
        minimum=1,
        maximum=1_000_000,
    )
)

SUBMISSION_API_MAX = register(
    PolicyDefinition(
        name="submission.api_max_rows",
        type=PolicyType.INTEGER,
        default=10_000,
        title=_("接口单次报送的最大条数"),
        unit=ROWS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("通过接口一次报送最多可包含的记录条数；更多的记录请分批或以文件上传。"),
        description_en=(
            "The largest number of records one API submission may carry; send more in several "
            "requests or as a file upload."
        ),
        minimum=1,
        maximum=100_000,
    )
)
