"""A client generated from the OpenAPI document, used as a department's developer would: a check,
a submission and a batch check against a running server, with typed answers and a typed 422."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from chengxin.api.tests.contract import (
    CASE_NO,
    ITEM_CODE,
    MATTER,
    PURPOSE,
    contract_world,
    item_rows,
)
from chengxin.identity.synthetic import demo_people

PACKAGE = "chengxin_client"
CONFIG = Path(settings.BASE_DIR) / "docs" / "openapi-python-client.yaml"


@pytest.fixture
def generated_client(tmp_path, live_server):
    """The client package generated into a temporary directory and imported from there."""
    document = tmp_path / "openapi.json"
    document.write_bytes(httpx.get(f"{live_server.url}/api/v1/openapi.json").content)
    generator = Path(sys.executable).parent / "openapi-python-client"
    subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(CONFIG),
        ],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _client(package, live_server, token):
    return package.AuthenticatedClient(base_url=live_server.url, token=token)


def _modules(package, *names):
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_checks_submits_and_reads_typed_answers(generated_client, live_server):
    # given
    world = contract_world()
    models, checks_create, checks_batch_create, submissions_create = _modules(
        generated_client,
        "models",
        "api.checks.checks_create",
        "api.checks.checks_batch_create",
        "api.submissions.submissions_create",
    )
    officer = _client(generated_client, live_server, world.tokens["officer"])
    provider = _client(generated_client, live_server, world.tokens["provider"])
    good, bad = item_rows(demo_people(count=5, seed=5)[3:], source_prefix="client-")
    bad["decided_on"] = "不是日期"
    check = models.CheckIn(
        id_number=world.id_numbers[0],
        matter=models.Matter(MATTER),
        case_no=CASE_NO,
        purpose=PURPOSE,
    )

    # when
    checked = checks_create.sync(client=officer, body=check)
    refused = checks_create.sync_detailed(
        client=officer,
        body=models.CheckIn(
            id_number="230202198005170000", matter=models.Matter(MATTER), case_no="C", purpose="P"
        ),
    )
    batch = checks_batch_create.sync(
        client=officer,
        body=models.BatchIn(
            id_numbers=[*world.id_numbers, "12345"],
            matter=models.Matter(MATTER),
            case_no=CASE_NO,
            purpose=PURPOSE,
        ),
    )
    submitted = submissions_create.sync(
        client=provider,
        idempotency_key="client-1",
        body=models.SubmissionIn(
            catalog_item=ITEM_CODE,
            operation=models.Operation.UPSERT,
            records=[models.SubmissionInRecordsItem.from_dict(row) for row in (good, bad)],
        ),
    )

    # then
    assert isinstance(checked, models.CheckOut)
    assert isinstance(checked.answer, models.CheckAnswerOut)
    assert checked.answer.known is True
    assert [type(membership) for membership in checked.answer.lists] == [
        models.ListMembershipOut
    ] * len(checked.answer.lists)
    assert isinstance(checked.answer.green_channel, models.GreenChannelOut)
    assert checked.answer.green_channel.eligible is False
    assert checked.request.case_no == CASE_NO
    assert checked.receipt.check_id == checked.check_id
    assert len(checked.receipt.signature) == 128

    assert refused.status_code == 422
    assert isinstance(refused.parsed, models.Problem)
    assert refused.parsed.code == "id_number_invalid"
    assert [(error.field, error.code) for error in refused.parsed.errors] == [
        ("id_number", "id_checksum")
    ]

    assert isinstance(batch, models.BatchOut)
    assert (batch.status, batch.total) == ("completed", 4)
    assert isinstance(batch.counts, models.BatchCountsOut)
    assert (batch.counts.checked, batch.counts.invalid) == (1, 1)
    assert [(row.row, row.outcome) for row in batch.rows] == [
        (1, "checked"),
        (2, "no_records"),
        (3, "no_records"),
        (4, "invalid"),
    ]

    assert isinstance(submitted, models.SubmissionAnswerOut)
    assert (submitted.received, submitted.accepted, submitted.rejected) == (2, 1, 1)
    assert [(result.row, result.outcome) for result in submitted.results] == [(1, "created")]
    assert [(error.row, error.field) for error in submitted.errors] == [(2, "decided_on")]


@pytest.mark.django_db(transaction=True)
def test_generated_functions_are_named_by_their_operation_ids(generated_client):
    # when
    names = sorted(
        path.stem
        for path in (Path(generated_client.__file__).parent / "api").glob("*/*.py")
        if path.stem != "__init__"
    )

    # then
    assert names[:4] == [
        "agency_queries_create",
        "catalog_get",
        "catalog_list",
        "catalog_template_get",
    ]
    assert not [name for name in names if name.startswith("chengxin_")]
