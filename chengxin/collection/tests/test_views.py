"""Staff pages of submissions: upload, progress, row errors and downloads, department scoping."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.choices import SubmissionStatus
from chengxin.collection.ingest.imports import file_import_run
from chengxin.collection.models import Submission
from chengxin.collection.services import SUBMISSION_OBJECT_TYPE
from chengxin.collection.tests.factories import (
    ITEM_CODE,
    csv_bytes,
    imports_stopping_after,
    other_department,
    provider,
    row,
    valid_rows,
)
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post_file(client, content: bytes, *, name: str = "处罚.csv"):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("collection:upload"), {"catalog_item": ITEM_CODE, "file": upload})


def test_provider_uploads_a_file_and_follows_it_to_its_results(client, tax_provider):
    # given
    user, _headers = tax_provider
    sign_in_verified(client, user)
    rows = valid_rows(2) + [row("S-bad", sequence=7, decided_on="明天")]

    # when
    posted = _post_file(client, csv_bytes(rows))
    submission = Submission.objects.get()
    queued_page = client.get(posted["Location"])
    file_import_run(submission.pk)
    progress = client.get(reverse("collection:submission_progress", args=[submission.pk]))
    done_page = client.get(posted["Location"])

    # then
    assert posted.status_code == 302
    assert posted["Location"] == reverse("collection:submission_detail", args=[submission.pk])
    assert "已接收" in queued_page.content.decode()
    assert "submission-progress.js" in queued_page.content.decode()
    assert progress.json()["status"] == SubmissionStatus.COMPLETED
    assert progress.json()["running"] is False
    assert (progress.json()["accepted"], progress.json()["rejected"]) == (2, 1)
    html = done_page.content.decode()
    assert "submission-progress.js" not in html
    assert "被拒收的行" in html
    assert "<code>decided_on</code>" in html
    assert "明天" not in html  # the page shows errors, never the rejected values


def test_download_of_rejected_rows_is_an_audited_export(client, tax_provider):
    # given
    user, _headers = tax_provider
    sign_in_verified(client, user)
    _post_file(client, csv_bytes([row("S-bad", sequence=7, decided_on="明天")]))
    submission = Submission.objects.get()
    file_import_run(submission.pk)

    # when
    xlsx = client.get(reverse("collection:submission_errors", args=[submission.pk, "xlsx"]))
    other = client.get(reverse("collection:submission_errors", args=[submission.pk, "pdf"]))

    # then
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert "明天" in [cell.value for cell in sheet[2]]
    assert other.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_a_refused_file_is_shown_on_the_form_with_its_problems(client, tax_provider):
    # given
    user, _headers = tax_provider
    sign_in_verified(client, user)

    # when
    answer = _post_file(client, "姓名\r\n张三\r\n".encode())

    # then
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "文件无法导入" in html
    assert "缺少必填列：记录编号" in html  # the missing columns are named by their titles
    assert Submission.objects.count() == 0


def test_a_duplicate_upload_is_refused_on_the_form(client, tax_provider):
    # given
    user, _headers = tax_provider
    sign_in_verified(client, user)
    content = csv_bytes(valid_rows(1))
    _post_file(client, content)

    # when
    answer = _post_file(client, content)

    # then
    assert answer.status_code == 422
    assert "不再重复导入" in answer.content.decode()


def test_another_department_sees_neither_the_submission_nor_its_rows(client, tax_provider):
    # given
    user, _headers = tax_provider
    sign_in_verified(client, user)
    _post_file(client, csv_bytes(valid_rows(1)))
    submission = Submission.objects.get()
    client.logout()
    sign_in_verified(client, provider(other_department()))

    # when
    listing = client.get(reverse("collection:submission_list"))
    detail = client.get(reverse("collection:submission_detail", args=[submission.pk]))
    download = client.get(reverse("collection:submission_errors", args=[submission.pk, "csv"]))

    # then
    assert listing.status_code == 200
    assert "处罚.csv" not in listing.content.decode()
    assert detail.status_code == 404
    assert download.status_code == 404


@pytest.mark.parametrize("role", [Role.SECURITY, Role.AUDITOR, Role.ADMIN])
def test_roles_without_submissions_are_refused(client, tax_provider, role):
    # given
    sign_in_verified(client, staff_user(role))

    # when
    listing = client.get(reverse("collection:submission_list"))
    upload = _post_file(client, csv_bytes(valid_rows(1)))

    # then
    assert listing.status_code == 403
    assert upload.status_code == 403


def test_officer_sees_the_list_without_the_upload_form(client, tax_provider):
    # given
    sign_in_verified(client, staff_user(Role.OFFICER))

    # when
    page = client.get(reverse("collection:submission_list"))

    # then
    assert page.status_code == 200
    assert "上传文件" not in page.content.decode()


def _failed_upload(client, user, monkeypatch, *, rows: int = 4) -> Submission:
    """An upload whose import committed its first chunk of 2 rows and then failed."""
    sign_in_verified(client, user)
    _post_file(client, csv_bytes(valid_rows(rows)))
    submission = Submission.objects.get()
    with imports_stopping_after(monkeypatch, 1), pytest.raises(RuntimeError):
        file_import_run(submission.pk, chunk_rows=2)
    submission.refresh_from_db()
    return submission


def test_a_failed_upload_says_so_and_its_provider_goes_on_from_where_it_stopped(
    client, tax_provider, monkeypatch
):
    # given: an upload that stopped after its first chunk
    user, _headers = tax_provider
    submission = _failed_upload(client, user, monkeypatch)
    detail = reverse("collection:submission_detail", args=[submission.pk])

    # when
    failed_page = client.get(detail).content.decode()
    progress = client.get(reverse("collection:submission_progress", args=[submission.pk])).json()
    retried = client.post(reverse("collection:submission_retry", args=[submission.pk]))
    queued_page = client.get(detail).content.decode()
    file_import_run(submission.pk, chunk_rows=2)
    submission.refresh_from_db()

    # then: the page explains and offers to go on, and does not pretend to be running
    assert submission.position == 5
    assert "处理中断" in failed_page
    assert "已保存至文件第 3 行" in failed_page
    assert reverse("collection:submission_retry", args=[submission.pk]) in failed_page
    assert "正在后台处理" not in failed_page
    assert "submission-progress.js" not in failed_page
    assert progress["running"] is False
    assert retried.status_code == 302
    assert retried["Location"] == detail
    assert "submission-progress.js" in queued_page
    assert (submission.status, submission.received, submission.accepted) == (
        SubmissionStatus.COMPLETED,
        4,
        4,
    )
    event = AuditEvent.objects.filter(
        object_type=SUBMISSION_OBJECT_TYPE, action=AuditAction.UPDATE
    ).get()
    assert event.detail == {"retry": True, "position": 3}


def test_only_a_provider_of_the_department_may_retry_a_failed_upload(
    client, tax_provider, monkeypatch
):
    # given
    user, _headers = tax_provider
    submission = _failed_upload(client, user, monkeypatch)
    reviewer = staff_user(role=Role.REVIEWER, username="reviewer")
    sign_in_verified(client, reviewer)

    # when
    page = client.get(reverse("collection:submission_detail", args=[submission.pk]))
    posted = client.post(reverse("collection:submission_retry", args=[submission.pk]))

    # then: the reviewer sees what happened but may not act for the department
    assert "处理中断" in page.content.decode()
    assert reverse("collection:submission_retry", args=[submission.pk]) not in page.content.decode()
    assert "本部门的数据报送员可以在此页继续处理" in page.content.decode()
    assert posted.status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
