"""Staff pages of the catalog and the admin, which edits items through the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.catalog.choices import Category, Domain, FieldSet, ListKind, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import catalog_item_current_version
from chengxin.catalog.tests.factories import DepartmentFactory, UserFactory, make_item, own_field
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client()
    sign_in_verified(client, UserFactory(username="officer"))
    return client


def court_item():
    court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
    return make_item(
        code="dishonest-judgment-debtor",
        name="失信被执行人",
        category=Category.NEGATIVE,
        severity=Severity.SERIOUS,
        domain=Domain.JUDICIAL,
        key_field="malicious_debt_evasion",
        lists=[ListKind.SERIOUS_DISHONESTY, ListKind.KEY_SUPERVISION],
        departments=[court],
        legal_basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        schema={
            "fields": [
                own_field("case_no", "执行案号", aliases=["案号"]),
                own_field(
                    "performance",
                    "被执行人的履行情况",
                    constraints={"required": True, "enum": ["全部未履行", "部分未履行"]},
                ),
            ]
        },
    )


@pytest.mark.parametrize("path", ["/staff/catalog/", "/staff/catalog/test-item/"])
def test_the_pages_require_sign_in(path):
    # given
    make_item()

    # when
    response = Client().get(path)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/accounts/login/?next=")


def test_the_index_lists_items_and_filters_them(staff_client):
    # given
    court_item()
    make_item(code="tax-item", name="税务目录项")

    # when
    everything = staff_client.get("/staff/catalog/")
    by_domain = staff_client.get("/staff/catalog/", {"domain": Domain.JUDICIAL})
    by_category = staff_client.get("/staff/catalog/", {"category": Category.BASIC})
    by_department = staff_client.get("/staff/catalog/", {"department": "court"})

    # then
    def codes(response):
        return [item.code for item in response.context["page"].object_list]

    assert codes(everything) == ["tax-item", "dishonest-judgment-debtor"]
    assert codes(by_domain) == ["dishonest-judgment-debtor"]
    assert codes(by_category) == ["tax-item"]
    assert codes(by_department) == ["dishonest-judgment-debtor"]
    assert "失信被执行人" in everything.content.decode()


def test_the_index_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    # given
    for number in range(6):
        make_item(code=f"item-{number}")

    # when / then
    with django_assert_max_num_queries(10):  # the page adds its count
        response = staff_client.get("/staff/catalog/")
    assert len(response.context["page"].object_list) == 6


def test_the_detail_page_shows_fields_legal_basis_periods_versions_and_downloads(staff_client):
    # given
    court_item()

    # when
    response = staff_client.get("/staff/catalog/dishonest-judgment-debtor/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    fields = response.context["fields"]
    assert [field.name for field in fields] == [
        "source_id",
        "id_number",
        "name",
        "decided_on",
        "authority",
        "document_no",
        "case_no",
        "performance",
    ]
    assert fields[-1].enum == ["全部未履行", "部分未履行"]
    assert fields[1].aliases[:2] == ["证件号码", "身份证号"]
    assert [(p.months, p.is_override) for p in response.context["periods"]] == [(36, False)]
    assert response.context["list_labels"] == "严重失信主体名单、重点监管对象名单"
    assert "《最高人民法院关于公布失信被执行人名单信息的若干规定》" in page
    assert "全部未履行／部分未履行" in page
    assert 'href="/api/v1/catalog/dishonest-judgment-debtor/template.xlsx"' in page
    assert 'href="/api/v1/catalog/dishonest-judgment-debtor"' in page
    assert [v.number for v in response.context["versions"]] == [1]


def test_an_unknown_item_page_is_404(staff_client):
    # when
    response = staff_client.get("/staff/catalog/missing/")

    # then
    assert response.status_code == 404


def admin_client():
    client = Client()
    sign_in_verified(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def admin_form_data(item, **overrides):
    data = {
        "name": item.name,
        "name_en": item.name_en,
        "category": item.category,
        "severity": item.severity,
        "domain": item.domain,
        "departments": [str(d.pk) for d in item.departments.all()],
        "disclosure": item.disclosure,
        "legal_basis": item.legal_basis,
        "update_frequency": item.update_frequency,
        "good_record_source": item.good_record_source,
        "key_field": item.key_field,
        "field_set": item.field_set,
        "disclosure_months": "",
        "validity_months": "",
        "is_active": "on",
        "repairable": "on",
        "schema": '{"fields": []}',
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_an_admin_edit_goes_through_the_service_and_makes_a_new_version():
    # given
    item = make_item(schema={"fields": []})
    client = admin_client()

    # when
    response = client.post(
        f"/staff/admin/catalog/catalogitem/{item.pk}/change/",
        admin_form_data(item, name="改过的名称", field_set=FieldSet.PENALTY),
    )

    # then
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.field_set) == ("改过的名称", FieldSet.PENALTY)
    version = catalog_item_current_version(item)
    assert version.number == 2
    assert version.created_by.username == "root"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.detail["changed"] == ["field_set", "name", "table_schema"]


def test_an_admin_edit_that_breaks_a_rule_is_shown_on_the_form_and_saves_nothing():
    # given
    item = make_item(schema={"fields": []})
    client = admin_client()

    # when
    response = client.post(
        f"/staff/admin/catalog/catalogitem/{item.pk}/change/",
        admin_form_data(item, severity=Severity.SERIOUS),
    )

    # then
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"severity": ["只有失信信息才有失信程度。"]}
    assert CatalogItem.objects.get().severity == ""
    assert item.versions.count() == 1


def test_the_admin_can_add_an_item_through_the_service():
    # given
    tax = DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")
    client = admin_client()
    data = {
        "code": "new-item",
        "name": "新目录项",
        "category": Category.BASIC,
        "departments": [str(tax.pk)],
        "disclosure": "shared",
        "legal_basis": "《中华人民共和国税收征收管理法》",
        "update_frequency": "monthly",
        "professions": ["tax_agent"],
        "is_active": "on",
        "repairable": "on",
        "schema": '{"fields": []}',
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }

    # when
    response = client.post("/staff/admin/catalog/catalogitem/add/", data)

    # then
    assert response.status_code == 302
    item = CatalogItem.objects.get(code="new-item")
    assert item.professions == ["tax_agent"]
    assert list(item.departments.all()) == [tax]
    assert catalog_item_current_version(item).number == 1
    assert AuditEvent.objects.filter(action=AuditAction.CREATE).count() == 1


def test_the_admin_cannot_delete_items():
    # given
    item = make_item()

    # when
    response = admin_client().post(
        f"/staff/admin/catalog/catalogitem/{item.pk}/delete/", {"post": "yes"}
    )

    # then
    assert response.status_code == 403
    assert CatalogItem.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "expected_status"),
    [("admin", 200), ("security", 403), ("auditor", 403), ("reviewer", 403)],
)
def test_only_the_system_admin_role_maintains_the_catalog_in_the_admin(role, expected_status):
    # given: a plain account of the role, not a superuser
    client = Client()
    sign_in_verified(client, UserFactory(username=f"{role}-user", role=role, is_staff=True))

    # when
    response = client.get(reverse("admin:catalog_catalogitem_changelist"))

    # then
    assert response.status_code == expected_status
