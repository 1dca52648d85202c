"""Staff pages of batch checks: upload, the batch page, the result download."""

from __future__ import annotations

import datetime
import io

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.measures.checks.models import BatchCheck
from chengxin.measures.checks.tests.factories import PROCUREMENT, court_department, officer
from chengxin.measures.tests.factories import TAX_SERIOUS, submit, tax_measure, today

pytestmark = pytest.mark.django_db

FORM = "/staff/checks/batch/"


def _upload(numbers, *, name="名单.csv"):
    content = ("姓名,身份证号码\r\n" + "".join(f"某,{n}\r\n" for n in numbers)).encode("gb18030")
    upload = io.BytesIO(content)
    upload.name = name
    return {"file": upload, "matter": PROCUREMENT, "purpose": "资格审查", "case_no": "批-1"}


def test_an_officer_uploads_a_file_and_downloads_the_masked_result(client, items, tax_officer):
    # given: one of three people has a serious tax record
    user, _headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    sign_in_verified(client, user)

    # when
    response = client.post(FORM, _upload([id_number(1), "not-a-number", id_number(2)]))

    # then: the batch page shows the counts; the result has masked numbers only
    batch = BatchCheck.objects.get()
    assert response.status_code == 302
    assert response.url == f"/staff/checks/batch/{batch.pk}/"
    page = client.get(response.url).content.decode()
    assert "已完成" in page and "名单.csv" in page
    assert "下载结果" in page
    result = client.get(f"/staff/checks/batch/{batch.pk}/result.csv")
    text = result.content.decode("utf-8-sig")
    assert result.status_code == 200
    assert id_number(1) not in text and id_number(2) not in text
    assert "230202********" + id_number(1)[-4:] in text
    rows = [line.split(",") for line in text.splitlines()[1:]]
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("2", "230202********" + id_number(1)[-4:], "checked"),
        ("3", "************", "invalid"),
        ("4", "230202********" + id_number(2)[-4:], "no_records"),
    ]
    assert "tax-procurement-limit" in rows[0][5]
    assert AuditEvent.objects.filter(action="export", object_type="checks.batch").count() == 1
    assert "名单.csv" in client.get(FORM).content.decode()


def test_a_file_without_an_id_column_is_refused_on_the_form(client, items, tax_officer):
    # given
    user, _headers = tax_officer
    sign_in_verified(client, user)
    upload = io.BytesIO("姓名,电话\r\n张三,123\r\n".encode())
    upload.name = "x.csv"

    # when
    response = client.post(
        FORM, {"file": upload, "matter": PROCUREMENT, "purpose": "资格审查", "case_no": "批-3"}
    )

    # then
    assert response.status_code == 422
    assert "身份证号码" in response.content.decode()
    assert not BatchCheck.objects.exists()


def test_a_large_batch_waits_for_the_worker_and_its_page_refreshes(client, items, tax_officer):
    # given
    user, _headers = tax_officer
    sign_in_verified(client, user)

    # when
    response = client.post(FORM, _upload([id_number(n) for n in range(1, 1003)]))

    # then
    batch = BatchCheck.objects.get()
    page = client.get(response.url).content.decode()
    assert batch.status in ("received", "running")
    assert 'http-equiv="refresh"' in page
    assert client.get(f"/staff/checks/batch/{batch.pk}/result.csv").status_code == 302


def test_another_department_and_other_roles_cannot_open_a_batch(client, items, tax_officer):
    # given
    user, _headers = tax_officer
    sign_in_verified(client, user)
    client.post(FORM, _upload([id_number(1)]))
    batch = BatchCheck.objects.get()
    client.logout()

    # when / then: an officer of the court sees no such batch; a provider may not use the page
    sign_in_verified(client, officer(court_department(), username="officer-court"))
    assert client.get(f"/staff/checks/batch/{batch.pk}/").status_code == 404
    assert client.get(f"/staff/checks/batch/{batch.pk}/result.csv").status_code == 404
    client.logout()
    sign_in_verified(client, staff_user(Role.PROVIDER, username="provider-x"))
    assert client.get(FORM).status_code == 403
