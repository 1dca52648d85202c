"""Factories of the supervision tests: the credit office and the central bank branch, the two
credit-services items of the starter catalog, agencies with practitioners, reviewers."""

from __future__ import annotations

import datetime

from stdnum.cn import uscc as stdnum_uscc

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department
from chengxin.accounts.tests.factories import DepartmentFactory, credit_office, staff_user
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.reference import starter_catalog_definitions
from chengxin.catalog.services import catalog_item_create
from chengxin.collection.tests.factories import id_number
from chengxin.identity.validation import organisation_code_check_character
from chengxin.supervision import services
from chengxin.supervision.choices import LicenceStatus, PractitionerRole, Severity
from chengxin.supervision.services import RESPONSIBLE_ITEM

TODAY = datetime.date(2026, 12, 1)
CREDIT_ITEMS = (RESPONSIBLE_ITEM, "credit-practitioner-violation")


def uscc(sequence: int = 1) -> str:
    """A valid unified social credit code (GB 32100) with a valid organisation code."""
    body = f"MA{sequence:06d}"
    organisation = body + organisation_code_check_character(body)
    without_check = "91230200" + organisation
    return without_check + stdnum_uscc.calc_check_digit(without_check)


def pboc() -> Department:
    return DepartmentFactory(code="pboc", name="中国人民银行齐齐哈尔市分行")


def credit_items() -> None:
    """The starter catalog's two credit-services items (provided by pboc and market)."""
    departments = {"pboc": pboc(), "market": credit_office()}
    for definition in starter_catalog_definitions():
        if definition["code"] not in CREDIT_ITEMS:
            continue
        if CatalogItem.objects.filter(code=definition["code"]).exists():
            continue
        attributes = {key: value for key, value in definition.items() if key != "departments"}
        attributes["departments"] = [departments[code] for code in definition["departments"]]
        catalog_item_create(actor=None, **attributes)


def reviewer(username: str = "reviewer"):
    return staff_user(Role.REVIEWER, username=username)


def agency(actor, *, sequence: int = 1, name: str = "鹤城征信服务有限公司", regulator=None):
    return services.agency_register(
        actor=actor,
        name=name,
        uscc=uscc(sequence),
        licence_no=f"银征字〔2025〕{sequence}号",
        licence_status=LicenceStatus.LICENSED,
        regulator=regulator or pboc(),
        address="齐齐哈尔市龙沙区卜奎大街1号",
        contact="0452-2000000",
    )


def practitioner(actor, agency, *, sequence: int = 11, name: str = "李建国", role=None):
    return services.practitioner_add(
        actor=actor,
        agency=agency,
        name=name,
        id_number=id_number(sequence),
        role=role or PractitionerRole.LEGAL_REPRESENTATIVE,
        certificate_no=f"ZX-{sequence}",
    )


def inspection(actor, *, agency=None, handler=None, on: datetime.date = TODAY):
    return services.inspection_open(
        actor=actor,
        agency=agency,
        handler=handler,
        inspected_on=on,
        inspectors="张检查、王检查",
        scope="个人征信业务合规性",
        findings="未经本人同意采集个人信用信息。",
        today=TODAY,
    )


def serious_violation(actor, inspection, *, responsible=(), until=None):
    return services.violation_record(
        actor=actor,
        inspection=inspection,
        severity=Severity.SERIOUS,
        description="未经本人授权查询并向第三方提供个人信用报告。",
        basis="《征信业管理条例》第四十条",
        decided_on=TODAY,
        decision_document="齐银罚〔2026〕3号",
        responsible=[person.pk for person in responsible],
        listing_reason="违规提供个人信用信息，情节严重。",
        listing_until=until or datetime.date(2029, 12, 1),
        today=TODAY,
    )
