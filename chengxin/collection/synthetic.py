"""Synthetic rows of any catalog item, valid against its Table Schema, for demonstrations and
benchmarks.

``synthetic_rows`` reads the item's full schema once into a plan (one small function per field)
and then only draws values: no database access and no schema parsing per row, so it can feed a
million-row file as well as the demo set-up. Values are plausible for a Chinese prefecture-level
city: document numbers such as ``齐税罚〔2025〕123号``, amounts, organisations and facts. Every
constraint of the schema is honoured (type, ``enum``, ``pattern``, ``minimum``/``maximum``,
``maxLength``); ``decided_on`` lies 0 to 6 years back, never in the future and never before the
person was 18. The same ``rng`` state gives the same rows.
"""

from __future__ import annotations

import random
import re
import re._parser as sre_parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from chengxin.catalog.fields import IDENTITY_NUMBER_PATTERN, USCC_PATTERN
from chengxin.collection.synthetic_patterns import from_regex, uscc
from chengxin.identity.synthetic import SyntheticPerson

DEFAULT_AUTHORITY = "齐齐哈尔市人民政府"
DEFAULT_DOCUMENT_PREFIX = "齐政"
OPTIONAL_FIELD_SHARE = 0.6
ADULT_AGE = 18
MAX_YEARS_BACK = 6
PATTERN_ATTEMPTS = 20


BODY_USCC_FIELDS = frozenset({"authority_uscc", "data_source_uscc"})
ALWAYS_FILLED = frozenset({"data_source", "party_category", "id_type"})


@dataclass
class _Row:
    """What the fields of one row share: the person, the decision date, an amount, a number."""

    index: int
    person: SyntheticPerson
    decided_on: date
    amount: int
    serial: int


_Draw = Callable[[random.Random, _Row], Any]


def synthetic_rows(
    *,
    item_schema: dict[str, Any],
    people: Sequence[SyntheticPerson],
    rng: random.Random,
    today: date,
    source_prefix: str,
    authority: str = DEFAULT_AUTHORITY,
    document_prefix: str = DEFAULT_DOCUMENT_PREFIX,
    decided_on: date | None = None,
) -> Iterator[dict[str, Any]]:
    """One valid row per entry of ``people`` (a person may appear more than once), for the item
    whose full Table Schema is ``item_schema``.

    ``source_id`` is ``source_prefix`` followed by the row's position (from 1), so the same
    prefix and people give the same record keys. Optional fields are filled about 60% of the
    time and left out otherwise. ``authority`` and ``document_prefix`` (``齐税罚`` …) name the
    deciding body; values are JSON- and CSV-ready (text, whole numbers, ISO dates).
    ``decided_on`` fixes every row's decision date (the demo citizen's records need known ages);
    by default it is drawn.
    """
    plan = _plan(item_schema, authority=authority, document_prefix=document_prefix)
    for index, person in enumerate(people, start=1):
        row = _Row(
            index=index,
            person=person,
            decided_on=decided_on or _decided_on(rng, person=person, today=today),
            amount=_amount(rng),
            serial=rng.randrange(1, 1000),
        )
        values: dict[str, Any] = {"source_id": f"{source_prefix}{index:06d}"}
        for name, required, draw in plan:
            if required or rng.random() < OPTIONAL_FIELD_SHARE:
                values[name] = draw(rng, row)
        yield values


# --- the plan -------------------------------------------------------------------------------


def _plan(
    schema: dict[str, Any], *, authority: str, document_prefix: str
) -> list[tuple[str, bool, _Draw]]:
    """(field name, always filled, draw) for every field but ``source_id``."""
    plan = []
    for descriptor in schema["fields"]:
        name = descriptor["name"]
        if name == "source_id":
            continue
        constraints = descriptor.get("constraints", {})
        draw = _field_draw(descriptor, authority=authority, document_prefix=document_prefix)
        plan.append((name, bool(constraints.get("required")) or name in ALWAYS_FILLED, draw))
    return plan


def _field_draw(descriptor: dict[str, Any], *, authority: str, document_prefix: str) -> _Draw:
    name = descriptor["name"]
    constraints = descriptor.get("constraints", {})
    field_type = descriptor.get("type", "string")
    if name == "id_number":
        return lambda rng, row: row.person.id_number
    if name == "name":
        return lambda rng, row: row.person.name
    if name == "decided_on":
        return lambda rng, row: row.decided_on.isoformat()
    if "enum" in constraints:
        return _enum_draw(name, constraints["enum"])
    if field_type == "date":
        return _date_draw(descriptor)
    if field_type == "integer":
        return _integer_draw(descriptor)
    if field_type == "number":
        return _number_draw(descriptor)
    if field_type == "boolean":
        return lambda rng, row: "是" if rng.random() < 0.3 else "否"
    if name in BODY_USCC_FIELDS and constraints.get("pattern") == USCC_PATTERN:
        # The deciding body's code is the same on every row: one per authority.
        code = uscc(random.Random(authority))  # noqa: S311 - demo data, not a secret
        return lambda rng, row: code
    if "pattern" in constraints:
        return _pattern_draw(constraints["pattern"], constraints.get("maxLength"))
    draw = _text_draw(descriptor, authority=authority, document_prefix=document_prefix)
    return _limited(draw, constraints.get("maxLength"))


def _limited(draw: _Draw, max_length: int | None) -> _Draw:
    if max_length is None:
        return draw
    return lambda rng, row: draw(rng, row)[:max_length]


def _enum_draw(name: str, options: list[Any]) -> _Draw:
    options = list(options)
    if name == "id_type" and "身份证" in options:
        return lambda rng, row: "身份证"
    # The first option is usually the common case (自然人, 正常执业, ...): give it half the rows.
    first, rest = options[0], options[1:]
    if not rest:
        return lambda rng, row: first
    return lambda rng, row: first if rng.random() < 0.5 else rng.choice(rest)


# --- row-level values -----------------------------------------------------------------------


def _decided_on(rng: random.Random, *, person: SyntheticPerson, today: date) -> date:
    """Half within the last year, a quarter one to three years back, a quarter three to six;
    never before the person's 18th birthday."""
    draw = rng.random()
    if draw < 0.5:
        days = rng.randrange(0, 366)
    elif draw < 0.75:
        days = rng.randrange(366, 3 * 365)
    else:
        days = rng.randrange(3 * 365, MAX_YEARS_BACK * 365)
    decided = today - timedelta(days=days)
    adult = _add_years(person.birth_date, ADULT_AGE)
    if decided < adult:
        decided = adult + timedelta(days=rng.randrange(max((today - adult).days, 0) + 1))
    return min(decided, today)


def _amount(rng: random.Random) -> int:
    """An amount in yuan, mostly small, sometimes large."""
    draw = rng.random()
    if draw < 0.6:
        return rng.randrange(2, 100) * 100
    if draw < 0.9:
        return rng.randrange(10, 500) * 1000
    return rng.randrange(50, 2000) * 10000


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- typed fields ---------------------------------------------------------------------------

_AFTER_DECISION = ("_until", "_to")
_AFTER_DECISION_TITLES = ("截止", "有效期至", "有效期")


def _date_draw(descriptor: dict[str, Any]) -> _Draw:
    """Dates after the decision for end dates (``*_until``, ``*_to``, 截止…), the decision date
    itself for ``valid_from``, shortly before it otherwise; kept within minimum/maximum."""
    name = descriptor["name"]
    title = descriptor.get("title", "")
    constraints = descriptor.get("constraints", {})
    low = _bound_date(constraints.get("minimum"))
    high = _bound_date(constraints.get("maximum"))
    if name == "valid_from":

        def pick(rng: random.Random, row: _Row) -> date:
            return row.decided_on

    elif name.endswith(_AFTER_DECISION) or any(word in title for word in _AFTER_DECISION_TITLES):

        def pick(rng: random.Random, row: _Row) -> date:
            return row.decided_on + timedelta(days=rng.randrange(180, 5 * 365))

    else:

        def pick(rng: random.Random, row: _Row) -> date:
            return row.decided_on - timedelta(days=rng.randrange(0, 181))

    def draw(rng: random.Random, row: _Row) -> str:
        value = pick(rng, row)
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        return value.isoformat()

    return draw


def _bound_date(bound: Any) -> date | None:
    return None if bound is None else date.fromisoformat(str(bound))


def _integer_draw(descriptor: dict[str, Any]) -> _Draw:
    constraints = descriptor.get("constraints", {})
    low = constraints.get("minimum")
    high = constraints.get("maximum")
    low = int(low) if low is not None else None
    high = int(high) if high is not None else None
    is_year = "year" in descriptor["name"] or "年度" in descriptor.get("title", "")

    def clamp(value: int) -> int:
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        return value

    if is_year:
        return lambda rng, row: clamp(row.decided_on.year - 1)
    start = low if low is not None else 0
    stop = high if high is not None else start + 60
    return lambda rng, row: clamp(rng.randint(start, max(start, stop)))


def _number_draw(descriptor: dict[str, Any]) -> _Draw:
    """Amounts from the row's amount (万元 or 元 by the title), hours, or a value in range."""
    constraints = descriptor.get("constraints", {})
    title = descriptor.get("title", "")
    low = Decimal(str(constraints["minimum"])) if "minimum" in constraints else None
    high = Decimal(str(constraints["maximum"])) if "maximum" in constraints else None

    def clamp(value: Decimal) -> str:
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        return str(value)

    if "万元" in title:
        return lambda rng, row: clamp(Decimal(row.amount).scaleb(-4))
    if "元" in title:
        return lambda rng, row: clamp(Decimal(row.amount))
    if "小时" in title:
        return lambda rng, row: clamp(Decimal(rng.randrange(4, 12000)).scaleb(-1))
    start = int(low) if low is not None else 0
    stop = int(high) if high is not None else start + 1000
    return lambda rng, row: clamp(Decimal(rng.randint(start, max(start, stop))))


# --- patterns -------------------------------------------------------------------------------


def _pattern_draw(pattern: str, max_length: int | None) -> _Draw:
    if pattern == USCC_PATTERN:
        return lambda rng, row: uscc(rng)
    if pattern == IDENTITY_NUMBER_PATTERN:
        return lambda rng, row: row.person.id_number
    if pattern.startswith("^https?://"):
        return lambda rng, row: (
            f"https://news.example.cn/{row.decided_on:%Y%m}/{row.serial:04d}{row.index}.html"
        )
    compiled = re.compile(pattern)
    parsed = sre_parse.parse(pattern)

    def draw(rng: random.Random, row: _Row) -> str:
        value = ""
        for _attempt in range(PATTERN_ATTEMPTS):
            value = "".join(from_regex(parsed, rng))
            fits = max_length is None or len(value) <= max_length
            if fits and compiled.fullmatch(value):
                return value
        return value

    return draw


_WORDS = (
    "鹤城", "龙沙", "嫩江", "卜奎", "扎龙", "明月", "金泰", "华信", "宏达", "恒丰", "瑞祥",
    "鑫源", "广源", "北方", "黑土", "丰泽", "天成", "利民", "顺通", "安泰",
)  # fmt: skip
_COMPANY_KINDS = (
    "商贸有限公司", "建筑工程有限公司", "食品有限公司", "物流有限公司", "科技有限公司",
    "农业发展有限公司", "餐饮管理有限公司", "机械制造有限公司",
)  # fmt: skip
_SCHOOLS = (
    "齐齐哈尔市实验中学", "齐齐哈尔市第一中学", "齐齐哈尔市第八中学", "龙沙区育英小学",
    "建华区文化小学", "齐齐哈尔大学", "齐齐哈尔医学院", "齐齐哈尔工程学院",
    "讷河市第一中学", "依安县实验小学",
)  # fmt: skip
_HOSPITALS = (
    "齐齐哈尔市第一医院", "齐齐哈尔医学院附属第三医院", "齐齐哈尔市中医医院",
    "讷河市人民医院", "龙江县人民医院", "泰来县人民医院", "建华区社区卫生服务中心",
)  # fmt: skip
_PUBLIC_BODIES = (
    "齐齐哈尔市财政局", "齐齐哈尔市民政局", "龙沙区人民政府办公室", "讷河市自然资源局",
    "齐齐哈尔市统计局", "建华区市场监督管理局",
)  # fmt: skip
_MEDIA = ("齐齐哈尔日报", "齐齐哈尔广播电视台", "黑龙江日报", "鹤城晚报", "东北网")
_PLATFORMS = ("淘宝网", "京东商城", "拼多多", "抖音电商", "美团", "闲鱼")
_COURTS = (
    "齐齐哈尔市龙沙区人民法院", "齐齐哈尔市建华区人民法院", "齐齐哈尔市铁锋区人民法院",
    "讷河市人民法院", "龙江县人民法院", "齐齐哈尔市中级人民法院",
)  # fmt: skip
_HONOURS = (
    "齐齐哈尔市道德模范", "诚实守信模范", "齐齐哈尔市优秀志愿者", "五星级志愿者",
    "全国无偿献血奉献奖金奖", "无偿献血先进个人", "见义勇为先进个人", "齐齐哈尔好人",
    "优秀教师", "三好学生", "优秀学生干部",
)  # fmt: skip
_VIOLATIONS = (
    "未按规定期限办理纳税申报", "销售不符合食品安全标准的食品", "未取得许可从事经营活动",
    "发布虚假广告", "未按规定履行安全生产管理职责", "超出核准范围执业",
    "伪造、变造证明材料", "消防设施未保持完好有效", "违规收取费用", "未如实记录和报告",
)  # fmt: skip
_FACTS = (
    "经查，当事人于{year}年{month}月间{violation}，违法事实清楚，证据确凿。",
    "当事人{violation}，经立案调查，认定违法所得{amount}元。",
    "经群众举报并现场检查，发现当事人{violation}，当事人对违法事实无异议。",
)
_LAWS = (
    "《中华人民共和国行政处罚法》第二十八条",
    "《中华人民共和国税收征收管理法》第六十二条",
    "《中华人民共和国食品安全法》第一百二十四条",
    "《中华人民共和国安全生产法》第九十四条",
    "《中华人民共和国消防法》第六十条",
    "《中华人民共和国广告法》第五十五条",
    "《中华人民共和国药品管理法》第一百一十七条",
)
_PENALTY_CATEGORIES = ("警告", "罚款", "罚款；没收违法所得", "通报批评", "警告；罚款")
_PENALTY_TEXTS = {
    "警告": "给予警告",
    "罚款": "罚款人民币{amount}元",
    "没收违法所得": "没收违法所得",
    "通报批评": "予以通报批评",
}
_OBLIGATIONS = (
    "偿还借款本金{amount}元及相应利息",
    "支付货款{amount}元及逾期付款利息",
    "给付劳动报酬{amount}元",
    "赔偿经济损失{amount}元",
)
_TEXT_BY_NAME: dict[str, tuple[str, ...]] = {
    "penalty_basis": _LAWS,
    "licence_document_name": ("准予行政许可决定书", "行政许可决定书"),
    "certificate_name": ("执业证书", "资格证书", "注册证书", "从业资格证"),
    "licence_content": ("准予执业注册", "准予变更执业注册", "准予延续注册", "准予首次注册"),
    "position": ("行长", "副行长", "总经理", "副总经理", "董事长", "财务负责人"),
    "supervision_area": ("市场监管", "纳税信用", "道路运输", "建筑市场", "住房租赁"),
    "classification": ("A级", "诚信", "守信", "优秀"),
    "languages": ("英语", "俄语", "日语", "韩语", "英语、俄语"),
    "teaching_subject": ("语文", "数学", "英语", "物理", "化学", "历史", "体育"),
    "practice_scope": ("内科专业", "外科专业", "妇产科专业", "儿科专业", "全科医学专业"),
    "industry": ("餐饮", "批发零售", "建筑", "交通运输", "家政服务"),
    "service_field": ("社区服务", "扶老助残", "应急救援", "环境保护", "文化宣传", "无偿献血"),
    "certification_field": ("质量管理体系", "食品安全管理体系", "环境管理体系"),
    "registration_kind": ("一级建造师", "二级建造师", "注册监理工程师", "注册造价工程师"),
    "ban_term": ("三年", "五年", "十年", "终身"),
    "handling": ("给予警告处分", "给予记过处分", "取消评优评先资格", "撤销教师资格"),
    "conduct": ("出具虚假涉税鉴证报告", "违规代理骗取出口退税", "未按规定履行涉税服务职责"),
    "matter": (
        "依法诚信经营，不制售假冒伪劣商品",
        "所提交的申请材料真实有效",
        "按期补齐容缺材料",
        "按期履行行政处罚决定",
    ),
    "restriction_scope": (
        "乘坐飞机、列车软卧；在星级以上宾馆消费；购买不动产",
        "乘坐G字头动车组列车",
    ),
    "remarks": ("无", "已履行完毕", "当事人已缴纳罚款"),
    "deeds": (
        "多年如一日照顾孤寡老人",
        "累计无偿献血四十余次",
        "拾金不昧，归还失主现金",
        "长期参与社区志愿服务",
    ),
}


def _text_draw(descriptor: dict[str, Any], *, authority: str, document_prefix: str) -> _Draw:
    """A plausible value by the field's name, then by words of its title; a generic phrase
    otherwise."""
    name = descriptor["name"]
    title = descriptor.get("title", "")
    special = _special_text(name, title, authority=authority, document_prefix=document_prefix)
    if special is not None:
        return special
    options = _TEXT_BY_NAME.get(name)
    if options:
        return lambda rng, row: rng.choice(options)
    return _text_by_title(name, title)


def _special_text(name: str, title: str, *, authority: str, document_prefix: str) -> _Draw | None:
    def document_no(rng: random.Random, row: _Row) -> str:
        return f"{document_prefix}〔{row.decided_on.year}〕{row.serial}号"

    def case_no(rng: random.Random, row: _Row) -> str:
        kind = "执" if "执行" in title else rng.choice(("民初", "民终", "执"))
        return f"（{row.decided_on.year}）黑02{kind}{row.serial}号"

    def basis_no(rng: random.Random, row: _Row) -> str:
        return f"（{row.decided_on.year - 1}）黑02{rng.choice(('民初', '民终'))}{row.serial}号"

    def number_code(rng: random.Random, row: _Row) -> str:
        return f"{row.decided_on.year}{row.person.region_code[2:]}{rng.randrange(10**6):06d}"

    def facts(rng: random.Random, row: _Row) -> str:
        return rng.choice(_FACTS).format(
            year=row.decided_on.year,
            month=row.decided_on.month,
            violation=_violation(row),
            amount=row.amount,
        )

    def penalty_category(rng: random.Random, row: _Row) -> str:
        return _PENALTY_CATEGORIES[row.serial % len(_PENALTY_CATEGORIES)]

    def penalty_content(rng: random.Random, row: _Row) -> str:
        category = _PENALTY_CATEGORIES[row.serial % len(_PENALTY_CATEGORIES)]
        parts = [_PENALTY_TEXTS[kind].format(amount=row.amount) for kind in category.split("；")]
        return "；".join(parts)

    def obligation(rng: random.Random, row: _Row) -> str:
        return rng.choice(_OBLIGATIONS).format(amount=row.amount)

    def academic_year(rng: random.Random, row: _Row) -> str:
        year = row.decided_on.year
        return f"{year - 1}-{year}学年"

    def exam(rng: random.Random, row: _Row) -> str:
        kinds = (
            "普通高等学校招生全国统一考试",
            "全国硕士研究生招生考试",
            "黑龙江省公务员考试录用笔试",
        )
        return f"{row.decided_on.year}年{rng.choice(kinds)}"

    def report_title(rng: random.Random, row: _Row) -> str:
        return f"身边好人{row.person.name}：{rng.choice(_TEXT_BY_NAME['deeds'])}"

    def accident(rng: random.Random, row: _Row) -> str:
        day = row.decided_on - timedelta(days=90)
        return f"{day.year}年{day.month}月{day.day}日{_company(rng)}一般生产安全事故"

    by_name: dict[str, _Draw] = {
        "document_no": document_no,
        "authority": lambda rng, row: authority,
        "data_source": lambda rng, row: authority,
        "case_no": case_no,
        "enforcement_basis_no": basis_no,
        "enforcement_basis_unit": lambda rng, row: rng.choice(_COURTS),
        "violation_facts": facts,
        "main_facts": facts,
        "case_summary": facts,
        "penalty_category": penalty_category,
        "violation_type": lambda rng, row: _violation(row),
        "penalty_content": penalty_content,
        "penalty": penalty_content,
        "obligation": obligation,
        "academic_year": academic_year,
        "exam": exam,
        "report_title": report_title,
        "accident": accident,
        "honour": lambda rng, row: rng.choice(_HONOURS),
        "project": lambda rng, row: f"{rng.choice(_WORDS)}小区{row.serial % 30 + 1}号楼工程",
        "shop_name": lambda rng, row: f"{rng.choice(_WORDS)}旗舰店",
        "law_firm": lambda rng, row: f"黑龙江{rng.choice(_WORDS)}律师事务所",
        "agency_name": lambda rng, row: f"{rng.choice(_WORDS)}征信服务有限公司",
    }
    if name in by_name:
        return by_name[name]
    if name.endswith("_no") or "编号" in title or "证号" in title:
        return number_code
    return None


def _violation(row: _Row) -> str:
    """The row's violation, the same in its type and its facts."""
    return _VIOLATIONS[row.serial // 5 % len(_VIOLATIONS)]


def _company(rng: random.Random) -> str:
    return f"齐齐哈尔{rng.choice(_WORDS)}{rng.choice(_COMPANY_KINDS)}"


_ORGANISATIONS_BY_TITLE: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("律师事务所", lambda rng: f"黑龙江{rng.choice(_WORDS)}律师事务所"),
    ("会计师事务所", lambda rng: f"齐齐哈尔{rng.choice(_WORDS)}会计师事务所（普通合伙）"),
    ("评估机构", lambda rng: f"黑龙江{rng.choice(_WORDS)}资产评估有限公司"),
    ("认证机构", lambda rng: f"{rng.choice(_WORDS)}认证有限公司"),
    ("涉税", lambda rng: f"齐齐哈尔{rng.choice(_WORDS)}税务师事务所有限公司"),
    ("执业机构", lambda rng: f"齐齐哈尔{rng.choice(_WORDS)}税务师事务所有限公司"),
    ("经纪机构", lambda rng: f"齐齐哈尔{rng.choice(_WORDS)}房地产经纪有限公司"),
    ("旅行社", lambda rng: f"齐齐哈尔{rng.choice(_WORDS)}国际旅行社有限公司"),
    ("志愿", lambda rng: f"齐齐哈尔市{rng.choice(_WORDS)}志愿服务协会"),
    ("协会", lambda rng: f"齐齐哈尔市{rng.choice(_TEXT_BY_NAME['industry'])}行业协会"),
    ("学校", lambda rng: rng.choice(_SCHOOLS)),
    ("执业单位", lambda rng: f"齐齐哈尔{rng.choice(_WORDS)}大药房连锁有限公司"),
    ("工作单位", lambda rng: rng.choice(_PUBLIC_BODIES)),
    ("媒体", lambda rng: rng.choice(_MEDIA)),
    ("平台", lambda rng: rng.choice(_PLATFORMS)),
    ("网站", lambda rng: rng.choice(_PLATFORMS)),
    ("征信", lambda rng: f"{rng.choice(_WORDS)}征信服务有限公司"),
    (
        "任职机构",
        lambda rng: f"{rng.choice(('中国工商银行', '中国农业银行', '龙江银行'))}齐齐哈尔分行",
    ),
)
_ORGANISATION_WORDS = ("机构", "单位", "企业", "公司", "事务所", "组织", "名称")
_SCHOOL_FIELDS = frozenset({"school"})
_HOSPITAL_FIELDS = frozenset({"practice_institution"})


def _text_by_title(name: str, title: str) -> _Draw:
    if name in _SCHOOL_FIELDS:
        return lambda rng, row: rng.choice(_SCHOOLS)
    if name in _HOSPITAL_FIELDS:
        return lambda rng, row: rng.choice(_HOSPITALS)
    for word, make in _ORGANISATIONS_BY_TITLE:
        if word in title:
            return lambda rng, row, make=make: make(rng)
    if any(word in title for word in _ORGANISATION_WORDS):
        return lambda rng, row: _company(rng)
    if "情形" in title or "内容" in title or "事实" in title or "情况" in title:
        return lambda rng, row: rng.choice(_VIOLATIONS)
    label = title or name
    return lambda rng, row: f"{label}（见原始文书第{row.serial % 9 + 1}项）"
