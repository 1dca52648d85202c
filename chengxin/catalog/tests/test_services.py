"""Creating and changing catalog items: validation, versions, audit events."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from chengxin.catalog import error_codes
from chengxin.catalog.choices import Category, Domain, FieldSet, KeyField, ListKind, Severity
from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.selectors import catalog_item_current_version
from chengxin.catalog.services import catalog_item_update
from chengxin.catalog.snapshots import content_hash
from chengxin.catalog.tests.factories import DepartmentFactory, UserFactory, make_item, own_field
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.core.services import policy_value_set

pytestmark = pytest.mark.django_db


def problem_codes(error: DomainError) -> list[tuple[str, str]]:
    return [(problem["path"], problem["code"]) for problem in error.details["problems"]]


def test_create_writes_version_one_with_the_whole_item_and_an_audit_event():
    # given
    actor = UserFactory()

    # when
    item = make_item(actor=actor)

    # then
    version = catalog_item_current_version(item)
    assert version.number == 1
    assert version.created_by == actor
    assert version.snapshot["code"] == "test-item"
    assert version.snapshot["departments"] == ["tax"]
    assert [field["name"] for field in version.snapshot["table_schema"]["fields"]] == [
        "source_id",
        "id_number",
        "name",
        "decided_on",
        "authority",
        "document_no",
        "case_no",
    ]
    assert version.content_hash == content_hash(version.snapshot)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        AuditAction.CREATE,
        "catalog_item",
        str(item.pk),
        actor.pk,
    )
    assert event.detail == {"code": "test-item", "version": 1, "content_hash": version.content_hash}


def test_push_upstream_defaults_to_true_for_serious_items_only():
    # when
    serious = make_item(code="serious", category=Category.NEGATIVE, severity=Severity.SERIOUS)
    general = make_item(code="general", category=Category.NEGATIVE, severity=Severity.GENERAL)

    # then
    assert (serious.push_upstream, general.push_upstream) == (True, False)


def test_update_writes_a_new_version_and_names_the_changed_attributes():
    # given
    item = make_item()
    actor = UserFactory()
    new_schema = {
        "fields": [own_field(), own_field("amount", "金额", type="number", constraints={})]
    }

    # when
    updated = catalog_item_update(
        item=item, changes={"name": "新名称", "schema": new_schema}, actor=actor
    )

    # then
    assert updated.name == "新名称"
    assert list(item.versions.values_list("number", flat=True)) == [2, 1]
    version = catalog_item_current_version(item)
    assert version.created_by == actor
    assert version.snapshot["name"] == "新名称"
    assert version.snapshot["table_schema"]["fields"][-1]["name"] == "amount"
    assert CatalogVersion.objects.get(item=item, number=1).snapshot["name"] == "测试目录项"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.detail == {
        "code": "test-item",
        "version": 2,
        "content_hash": version.content_hash,
        "changed": ["name", "table_schema"],
    }


def test_update_of_departments_is_versioned():
    # given
    item = make_item()
    court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")

    # when
    catalog_item_update(item=item, changes={"departments": [court]}, actor=None)

    # then
    assert list(item.departments.values_list("code", flat=True)) == ["court"]
    assert catalog_item_current_version(item).snapshot["departments"] == ["court"]


def test_an_update_that_changes_nothing_writes_no_version_and_no_event():
    # given
    item = make_item()

    # when
    catalog_item_update(item=item, changes={"name": item.name}, actor=None)

    # then
    assert item.versions.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == 0


def test_the_code_cannot_be_changed():
    # given
    item = make_item()

    # when
    with pytest.raises(DomainError) as raised:
        catalog_item_update(item=item, changes={"code": "other"}, actor=None)

    # then
    assert raised.value.code == error_codes.CATALOG_CHANGE_UNKNOWN_ATTRIBUTE
    assert CatalogItem.objects.get().code == "test-item"


def test_a_taken_code_is_refused():
    # given
    make_item()

    # when
    with pytest.raises(DomainError) as raised:
        make_item(name="另一个")

    # then
    assert (raised.value.code, raised.value.status) == (error_codes.CATALOG_CODE_TAKEN, 409)
    assert CatalogItem.objects.count() == 1


def test_an_invalid_schema_is_refused_with_every_problem_and_nothing_is_written():
    # given
    schema = {"fields": [own_field(type="datetime"), own_field("x", "", constraints={})]}

    # when
    with pytest.raises(DomainError) as raised:
        make_item(schema=schema)

    # then
    assert raised.value.code == error_codes.CATALOG_ITEM_INVALID
    assert problem_codes(raised.value) == [
        ("schema.fields[0].type", error_codes.SCHEMA_FIELD_TYPE),
        ("schema.fields[1].title", error_codes.SCHEMA_FIELD_TITLE),
    ]
    assert (CatalogItem.objects.count(), CatalogVersion.objects.count()) == (0, 0)
    assert AuditEvent.objects.count() == 0


def test_an_invalid_update_leaves_the_item_and_its_versions_as_they_were():
    # given
    item = make_item()

    # when
    with pytest.raises(DomainError) as raised:
        catalog_item_update(item=item, changes={"schema": {"fields": [{}]}}, actor=None)

    # then
    assert raised.value.code == error_codes.CATALOG_ITEM_INVALID
    assert CatalogItem.objects.get().schema == {"fields": [own_field()]}
    assert item.versions.count() == 1


def test_own_fields_may_not_reuse_a_common_or_field_set_name():
    # when
    with pytest.raises(DomainError) as raised:
        make_item(field_set=FieldSet.PENALTY, schema={"fields": [own_field("fine_amount", "罚款")]})

    # then
    assert problem_codes(raised.value) == [
        ("schema.fields[0].name", error_codes.SCHEMA_FIELD_NAME_TAKEN)
    ]


def test_an_own_title_that_repeats_a_common_alias_is_refused_as_ambiguous():
    # when
    with pytest.raises(DomainError) as raised:
        make_item(schema={"fields": [own_field("other_id", "身份证号")]})

    # then
    assert problem_codes(raised.value) == [
        ("table_schema.fields[6]", error_codes.SCHEMA_HEADER_AMBIGUOUS)
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"code": "Bad Code"}, [("code", error_codes.PROBLEM_CODE_FORMAT)]),
        ({"code": "item-230208197001010013"}, [("code", "text_holds_id_number")]),
        ({"name": " "}, [("name", error_codes.PROBLEM_REQUIRED)]),
        ({"legal_basis": ""}, [("legal_basis", error_codes.PROBLEM_REQUIRED)]),
        ({"departments": []}, [("departments", error_codes.PROBLEM_REQUIRED)]),
        ({"domain": "tourism"}, [("domain", error_codes.PROBLEM_CHOICE)]),
        ({"professions": ["pilot"]}, [("professions", error_codes.PROBLEM_CHOICE)]),
        (
            {"professions": ["lawyer", "lawyer"]},
            [("professions", error_codes.PROBLEM_DUPLICATE_VALUE)],
        ),
        (
            {"category": Category.NEGATIVE},
            [("severity", error_codes.PROBLEM_SEVERITY_REQUIRED)],
        ),
        (
            {"severity": Severity.GENERAL},
            [("severity", error_codes.PROBLEM_SEVERITY_NEGATIVE_ONLY)],
        ),
        ({"lists": [ListKind.RED_LIST]}, [("lists", error_codes.PROBLEM_LIST_MISMATCH)]),
        (
            {
                "category": Category.NEGATIVE,
                "severity": Severity.GENERAL,
                "lists": [ListKind.SERIOUS_DISHONESTY],
            },
            [("lists", error_codes.PROBLEM_LIST_MISMATCH)],
        ),
        (
            {
                "category": Category.NEGATIVE,
                "severity": Severity.SERIOUS,
                "lists": [ListKind.KEY_SUPERVISION],
            },
            [("lists", error_codes.PROBLEM_LIST_MISMATCH)],
        ),
        (
            {"good_record_source": "moral_model"},
            [("good_record_source", error_codes.PROBLEM_GOOD_RECORD_SOURCE_POSITIVE_ONLY)],
        ),
        (
            {
                "category": Category.NEGATIVE,
                "severity": Severity.GENERAL,
                "key_field": KeyField.ONLINE_FRAUD,
            },
            [("key_field", error_codes.PROBLEM_KEY_FIELD_SERIOUS_ONLY)],
        ),
        ({"disclosure_months": 6}, [("disclosure_months", error_codes.PROBLEM_PERIOD_NOT_ALLOWED)]),
        ({"validity_months": 6}, [("validity_months", error_codes.PROBLEM_PERIOD_NOT_ALLOWED)]),
    ],
)
def test_item_rules(overrides, expected):
    # when
    with pytest.raises(DomainError) as raised:
        make_item(**overrides)

    # then
    assert problem_codes(raised.value) == expected


@pytest.mark.parametrize(
    ("severity", "months", "expected"),
    [
        (Severity.MINOR, 3, []),
        (Severity.MINOR, 4, [("disclosure_months", error_codes.PROBLEM_PERIOD_TOO_LONG)]),
        (Severity.GENERAL, 12, []),
        (Severity.GENERAL, 13, [("disclosure_months", error_codes.PROBLEM_PERIOD_TOO_LONG)]),
        (Severity.SERIOUS, 36, []),
        (Severity.SERIOUS, 37, [("disclosure_months", error_codes.PROBLEM_PERIOD_TOO_LONG)]),
        (Severity.SERIOUS, 0, [("disclosure_months", error_codes.PROBLEM_PERIOD_TOO_SHORT)]),
    ],
)
def test_a_disclosure_period_may_only_shorten_the_policy_period(severity, months, expected):
    # when
    try:
        make_item(category=Category.NEGATIVE, severity=severity, disclosure_months=months)
        problems = []
    except DomainError as error:
        problems = problem_codes(error)

    # then
    assert problems == expected


@pytest.mark.parametrize(
    ("months", "expected"),
    [(36, []), (37, [("validity_months", error_codes.PROBLEM_PERIOD_TOO_LONG)])],
)
def test_a_validity_period_may_only_shorten_the_positive_validity_policy(months, expected):
    # when
    try:
        make_item(category=Category.POSITIVE, validity_months=months)
        problems = []
    except DomainError as error:
        problems = problem_codes(error)

    # then
    assert problems == expected


def test_the_period_ceiling_follows_the_policy_value_in_force():
    # given
    policy_value_set(name="disclosure.general_months", value=6, actor=None, reason="地方规定")

    # when
    with pytest.raises(DomainError) as raised:
        make_item(category=Category.NEGATIVE, severity=Severity.GENERAL, disclosure_months=9)

    # then
    assert problem_codes(raised.value) == [
        ("disclosure_months", error_codes.PROBLEM_PERIOD_TOO_LONG)
    ]


@pytest.mark.parametrize(
    "values",
    [
        {"category": Category.BASIC, "severity": Severity.SERIOUS},
        {"category": Category.NEGATIVE, "severity": ""},
        {"category": Category.POSITIVE, "severity": "", "disclosure_months": 3},
        {"category": Category.NEGATIVE, "severity": Severity.GENERAL, "validity_months": 3},
        {"category": Category.BASIC, "severity": "", "good_record_source": "moral_model"},
        {"category": Category.NEGATIVE, "severity": Severity.GENERAL, "key_field": "online_fraud"},
    ],
)
def test_the_database_refuses_inconsistent_rows_written_around_the_service(values):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogItem.objects.create(
            code="raw", name="raw", legal_basis="x", domain=Domain.TAX, **values
        )
