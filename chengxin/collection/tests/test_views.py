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
from chengxin.collection.imports import file_import_run
from chengxin.collection.models import Submission
from chengxin.collection.tests.factories import (
    ITEM_CODE,
    csv_bytes,
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
