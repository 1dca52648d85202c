"""The catalog API: the exchange specification, one item, the template, the OpenAPI document."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from chengxin.catalog.choices import Category, FieldSet, ListKind, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import catalog_item_current_version
from chengxin.catalog.services import catalog_item_update
from chengxin.catalog.tests.factories import make_item, own_field

pytestmark = pytest.mark.django_db

ITEM_KEYS = {
    "code",
    "name",
    "name_en",
    "category",
    "severity",
    "domain",
    "professions",
    "departments",
    "disclosure",
    "legal_basis",
    "update_frequency",
    "lists",
    "good_record_source",
    "key_field",
    "field_set",
    "disclosure_months",
    "validity_months",
    "push_upstream",
    "repairable",
    "repair_exclusion_basis",
    "opt_out_allowed",
    "version",
    "table_schema",
    "template_url",
}


@pytest.fixture
def client():
    return Client()


def serious_item():
    return make_item(
        code="major-tax-violation",
        name="重大税收违法失信主体",
        name_en="Major tax violator",
        category=Category.NEGATIVE,
        severity=Severity.SERIOUS,
        key_field="tax_dishonesty",
        lists=[ListKind.SERIOUS_DISHONESTY, ListKind.KEY_SUPERVISION],
        professions=["tax_agent"],
        disclosure="public",
        disclosure_months=24,
        field_set=FieldSet.PENALTY,
        schema={"fields": [own_field("case_nature", "案件性质", aliases=["性质"])]},
    )


def test_the_specification_lists_every_active_item_without_authentication(client):
    # given
    item = serious_item()
    make_item(code="inactive-item", is_active=False)

    # when
    response = client.get("/api/v1/catalog")

    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "specification",
        "format_version",
        "city",
        "region_code",
        "vocabularies",
        "items",
    }
    assert (body["specification"], body["format_version"], body["region_code"]) == (
        "chengxin-catalog",
        "1",
        "230200",
    )
    assert body["vocabularies"]["severity"] == {
        "minor": "轻微",
        "general": "一般",
        "serious": "严重",
    }
    assert [entry["code"] for entry in body["items"]] == [item.code]
    entry = body["items"][0]
    assert set(entry) == ITEM_KEYS
    version = catalog_item_current_version(item)
    assert entry["version"]["number"] == 1
    assert entry["version"]["content_hash"] == version.content_hash
    assert entry["departments"] == [{"code": "tax", "name": "国家税务总局齐齐哈尔市税务局"}]
    assert entry["lists"] == ["serious_dishonesty", "key_supervision"]
    assert (entry["disclosure"], entry["disclosure_months"], entry["push_upstream"]) == (
        "public",
        24,
        True,
    )
    assert entry["template_url"] == "/api/v1/catalog/major-tax-violation/template.xlsx"


def test_the_specification_is_built_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    # given
    for number in range(5):
        make_item(code=f"item-{number}")

    # when / then
    with django_assert_num_queries(2):
        response = client.get("/api/v1/catalog")
    assert len(response.json()["items"]) == 5


def test_one_item_carries_its_full_table_schema_with_aliases(client):
    # given
    serious_item()

    # when
    response = client.get("/api/v1/catalog/major-tax-violation")

    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ITEM_KEYS
    schema = body["table_schema"]
    assert set(schema) == {"fields", "primaryKey", "missingValues"}
    assert schema["primaryKey"] == ["source_id"]
    names = [field["name"] for field in schema["fields"]]
    assert names[:6] == ["source_id", "id_number", "name", "decided_on", "authority", "document_no"]
    assert names[-1] == "case_nature"
    id_number = schema["fields"][1]
    assert set(id_number) == {"name", "title", "type", "description", "constraints", "aliases"}
    assert id_number["title"] == "证件号码"
    assert id_number["constraints"] == {"required": True, "pattern": "^[0-9]{17}[0-9X]$"}
    assert "行政相对人代码_5(居民身份证号)" in id_number["aliases"]
    assert schema["fields"][-1]["aliases"] == ["性质"]


def test_the_item_answer_follows_the_current_version(client):
    # given
    item = serious_item()
    catalog_item_update(item=item, changes={"name": "重大税收违法失信主体（修订）"}, actor=None)

    # when
    body = client.get("/api/v1/catalog/major-tax-violation").json()

    # then
    assert (body["name"], body["version"]["number"]) == ("重大税收违法失信主体（修订）", 2)


@pytest.mark.parametrize(
    "path", ["/api/v1/catalog/missing", "/api/v1/catalog/missing/template.xlsx"]
)
def test_an_unknown_item_is_a_problem_json_404(client, path):
    # when
    response = client.get(path)

    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["status"], body["type"]) == (
        "catalog_item_not_found",
        404,
        "urn:chengxin:error:catalog_item_not_found",
    )
    assert body["title"] == "没有该代码的目录项，请核对目录项代码。"
    assert body["message_en"] == "There is no catalog item with this code; please check the code."


def test_an_inactive_item_is_not_published(client):
    # given
    make_item(code="retired", is_active=False)

    # when
    response = client.get("/api/v1/catalog/retired")

    # then
    assert (response.status_code, response.json()["code"]) == (404, "catalog_item_not_found")


def test_the_template_downloads_as_xlsx(client):
    # given
    serious_item()

    # when
    response = client.get("/api/v1/catalog/major-tax-violation/template.xlsx")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="major-tax-violation-template.xlsx"'
    )
    assert response.content[:2] == b"PK"


def test_the_openapi_document_describes_the_three_catalog_paths(client):
    # when
    document = client.get("/api/v1/openapi.json").json()

    # then
    paths = document["paths"]
    assert {
        "/api/v1/catalog",
        "/api/v1/catalog/{code}",
        "/api/v1/catalog/{code}/template.xlsx",
    } <= set(paths)
    template = paths["/api/v1/catalog/{code}/template.xlsx"]["get"]["responses"]
    assert set(template["200"]["content"]) == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    }
    item_responses = paths["/api/v1/catalog/{code}"]["get"]["responses"]
    assert item_responses["404"]["description"] == "`catalog_item_not_found`."
    assert set(item_responses["404"]["content"]) == {"application/problem+json"}


def test_the_seeded_catalog_is_served_whole(client, starter_departments):
    # given
    call_command("seed", stdout=io.StringIO())

    # when
    body = client.get("/api/v1/catalog").json()

    # then
    assert len(body["items"]) == CatalogItem.objects.count() == 67
