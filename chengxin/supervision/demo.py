"""The supervision part of ``chengxin demo``: three agencies (one with an API token, one on the
violation blacklist with its responsible persons' records), a monitored data handler and an
inspection of it, all made through the services as the demo reviewer."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department, User
from chengxin.accounts.services import api_token_create, user_create
from chengxin.identity.synthetic import synthetic_id_number
from chengxin.supervision import services
from chengxin.supervision.choices import HandlerKind, LicenceStatus, PractitionerRole, Severity
from chengxin.supervision.models import CreditAgency

DEMO_REVIEWER = "demo-reviewer"
DEMO_AGENCY_ACCOUNT = "demo-agency"
REGULATOR = "pboc"
DEMO_AGENCIES = (
    # name, USCC (valid, with a valid organisation code), licence number, status
    (
        "鹤城个人征信服务有限公司",
        "91230200MA1B2C3D8T",
        "银征字〔2024〕12号",
        LicenceStatus.LICENSED,
    ),
    ("嫩江信用评估有限公司", "91230200MA1C4D5E31", "齐信备〔2025〕3号", LicenceStatus.FILED),
    ("卜奎数据征信有限公司", "91230200MA1D6E7F99", "银征字〔2023〕7号", LicenceStatus.LICENSED),
)


def demo_supervision_ensure(*, stdout) -> None:
    """Create the demo registers once (nothing when an agency exists or the demo reviewer or
    the regulator is missing)."""
    reviewer = User.objects.filter(username=DEMO_REVIEWER, role=Role.REVIEWER).first()
    regulator = Department.objects.filter(code=REGULATOR).first()
    if CreditAgency.objects.exists() or reviewer is None or regulator is None:
        return
    today = timezone.localdate()
    agencies = [_agency(reviewer, regulator, *row) for row in DEMO_AGENCIES]
    _agency_client(reviewer, agencies[0])
    _handler_with_inspection(reviewer, today)
    _blacklisted(reviewer, agencies[2], today)
    stdout.write(
        _("征信机构监管演示数据：3家征信机构（1家列入违规经营黑名单）、1家数据处理者、2次检查。")
        + "\n"
    )


def _agency(reviewer, regulator, name, uscc, licence_no, status):
    return services.agency_register(
        actor=reviewer,
        name=name,
        uscc=uscc,
        licence_no=licence_no,
        licence_status=status,
        regulator=regulator,
        address="黑龙江省齐齐哈尔市龙沙区",
        contact="0452-2400000",
    )


def _agency_client(reviewer, agency) -> None:
    """The agency's API account (no department, as agencies have none) and its linked token;
    the account's generated password is not shown: it calls the API with its token only."""
    account = User.objects.filter(username=DEMO_AGENCY_ACCOUNT).first()
    if account is None:
        account = user_create(
            username=DEMO_AGENCY_ACCOUNT,
            department_code="",
            role=Role.AGENCY,
            display_name="鹤城征信接口",
            actor=None,
        ).user
    token, _plaintext = api_token_create(user=account, name="征信查询接口", actor=None)
    services.agency_token_link(actor=reviewer, agency=agency, token_prefix=token.prefix)


def _handler_with_inspection(reviewer, today) -> None:
    handler = services.handler_register(
        actor=reviewer,
        name="鹤城移动应用科技有限公司",
        uscc="91230200MA1E8F9G4F",
        kind=HandlerKind.APP_DEVELOPER,
        collects=[
            {
                "information": "手机号码",
                "basis": "个人同意（《个人信息保护法》第十三条第一款第一项）",
            },
            {"information": "位置信息", "basis": "个人单独同意（《个人信息保护法》第二十九条）"},
        ],
        contact="0452-2411111",
    )
    inspection = services.inspection_open(
        actor=reviewer,
        handler=handler,
        inspected_on=today - datetime.timedelta(days=20),
        inspectors="市信用办、市网信办联合检查组",
        scope="移动应用收集使用个人信息情况",
        findings="隐私政策未列明位置信息的使用目的。",
    )
    services.inspection_follow_up_require(
        actor=reviewer,
        inspection=inspection,
        follow_up="三十日内修订隐私政策并报送整改报告。",
        due=today + datetime.timedelta(days=10),
    )


def _blacklisted(reviewer, agency, today) -> None:
    person = services.practitioner_add(
        actor=reviewer,
        agency=agency,
        name="韩立新",
        id_number=synthetic_id_number(
            region_code="230202", birth_date=datetime.date(1975, 3, 8), sequence=517
        ),
        role=PractitionerRole.LEGAL_REPRESENTATIVE,
        certificate_no="ZX-2019-0031",
    )
    inspection = services.inspection_open(
        actor=reviewer,
        agency=agency,
        inspected_on=today - datetime.timedelta(days=40),
        inspectors="人民银行齐齐哈尔市分行征信管理科",
        scope="个人征信业务合规检查",
        findings="未经本人授权查询个人信用报告并向第三方出售。",
    )
    services.violation_record(
        actor=reviewer,
        inspection=inspection,
        severity=Severity.SERIOUS,
        description="未经本人授权查询个人信用报告并向第三方出售，涉及信息主体300余人。",
        basis="《征信业管理条例》第四十条",
        decided_on=today - datetime.timedelta(days=30),
        decision_document="齐银罚〔2026〕5号",
        responsible=[person.pk],
        listing_reason="违规出售个人信用信息，情节严重。",
        listing_until=today + datetime.timedelta(days=3 * 365),
    )
