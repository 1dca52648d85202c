"""A batch of a few thousand ID numbers checked in the background by ``chengxin worker``."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.identity.synthetic import synthetic_id_number
from chengxin.measures.checks.models import BatchCheck
from chengxin.measures.checks.tests.factories import CHECKS, PROCUREMENT
from chengxin.measures.tests.factories import TAX_SERIOUS, submit, tax_measure, today

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = 3_000


def _numbers() -> list[str]:
    numbers = [
        synthetic_id_number(
            region_code="230203",
            birth_date=datetime.date(1970, 1, 1) + datetime.timedelta(days=position // 900),
            sequence=position % 900 + 1,
        )
        for position in range(SIZE)
    ]
    numbers[10] = id_number(1)  # the person with a serious tax record
    numbers[20] = "230202198005170000"  # a wrong check character
    return numbers


def test_large_batch_runs_in_the_background_with_progress_and_a_result_file(
    client, items, tax_officer
):
    # given
    _user, headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    body = {"id_numbers": _numbers(), "matter": PROCUREMENT, "case_no": "批-9", "purpose": "审查"}

    # when
    accepted = client.post(f"{CHECKS}/batch", body, content_type="application/json", **headers)
    batch_id = accepted.json()["batch_id"]
    queued = client.get(f"{CHECKS}/batch/{batch_id}", **headers).json()
    call_command("worker", batch=True, stdout=io.StringIO())
    done = client.get(f"{CHECKS}/batch/{batch_id}", **headers).json()
    result = client.get(f"{CHECKS}/batch/{batch_id}/result", **headers)

    # then
    assert accepted.status_code == 202, accepted.content
    assert (queued["status"], queued["progress"], queued["total"]) == ("received", 0, SIZE)
    assert (done["status"], done["progress"], done["processed"]) == ("completed", 100, SIZE)
    assert done["counts"]["checked"] == 1
    assert done["counts"]["invalid"] == 1
    assert done["counts"]["no_records"] == SIZE - 2
    assert done["counts"]["with_measures"] == 1
    lines = result.content.decode("utf-8-sig").splitlines()
    assert len(lines) == SIZE + 1
    assert lines[11].split(",")[2:6] == [
        "checked",
        "",
        "key_supervision;serious_dishonesty",
        "tax-procurement-limit",
    ]
    assert lines[21].split(",")[:4] == ["21", "230202********0000", "invalid", "id_checksum"]
    verify = client.post(
        f"{CHECKS}/verify", {"receipt": done["receipt"]}, content_type="application/json"
    )
    assert verify.json()["valid"] is True
    batch = BatchCheck.objects.get()
    assert bytes(batch.input_ciphertext) == b""
    assert id_number(1).encode() not in bytes(batch.result_ciphertext)
    reads = AuditEvent.objects.filter(object_type="checks.batch", action="personal_data_read")
    assert reads.count() == 1
    assert AuditEvent.objects.filter(object_type="checks.check").count() == 0
