"""Uploads run by ``chengxin worker`` (real commits: the worker reads what the request wrote)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chengxin.collection import error_codes
from chengxin.collection.choices import Outcome, RecordStatus, SubmissionChannel, SubmissionStatus
from chengxin.collection.models import (
    CreditRecord,
    QuarantineEntry,
    RecordVersion,
    Submission,
    SubmissionFile,
)
from chengxin.collection.tests.factories import COLUMNS, csv_bytes, row, upload, valid_rows

pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command("worker", batch=True, stdout=io.StringIO())


def test_uploaded_file_is_imported_by_the_worker_with_progress_and_counts(client, tax_provider):
    # given: a GB18030 file with three good rows and a bad one between them
    user, headers = tax_provider
    rows = valid_rows(3)
    rows.insert(1, row("S-bad", sequence=9, decided_on="2026-13-45"))

    # when
    answer = upload(client, headers, csv_bytes(rows, encoding="gb18030"))
    queued = client.get(f"/api/v1/submissions/{answer.json()['submission_id']}", **headers)
    _run_worker()
    done = client.get(f"/api/v1/submissions/{answer.json()['submission_id']}", **headers)

    # then
    assert answer.status_code == 202, answer.content
    assert queued.json()["status"] == SubmissionStatus.RECEIVED
    assert queued.json()["total_rows"] == 4
    assert queued.json()["progress"] == 0
    body = done.json()
    assert body["status"] == SubmissionStatus.COMPLETED
    assert (body["received"], body["accepted"], body["rejected"]) == (4, 3, 1)
    assert body["outcomes"] == {Outcome.CREATED: 3}
    assert body["progress"] == 100
    assert body["channel"] == SubmissionChannel.FILE
    assert body["file_name"] == "处罚.csv"
    assert CreditRecord.objects.filter(status=RecordStatus.ACTIVE).count() == 3
    entry = QuarantineEntry.objects.get()
    assert entry.row_number == 3  # the header is row 1, the bad row is the file's row 3
    assert [error["field"] for error in entry.errors] == ["decided_on"]
    errors = client.get(f"/api/v1/submissions/{body['submission_id']}/errors", **headers).json()
    assert [bad["row"] for bad in errors["rows"]] == [3]
    stored = SubmissionFile.objects.get()
    assert stored.purged_at is not None
    assert bytes(stored.ciphertext) == b""


def test_unicode_text_from_excel_is_imported(client, tax_provider):
    # given: Excel's "Unicode text" export: UTF-16 LE with a byte-order mark, tab-separated
    user, headers = tax_provider
    rows = valid_rows(2)
    rows[1]["authority"] = "齐齐哈尔市税务局稽查局"
    lines = ["\t".join(COLUMNS)] + ["\t".join(str(r[name]) for name in COLUMNS) for r in rows]
    content = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le")

    # when
    answer = upload(client, headers, content, name="处罚.txt")
    queued = client.get(f"/api/v1/submissions/{answer.json()['submission_id']}", **headers)
    _run_worker()

    # then
    assert content[:2] == b"\xff\xfe"
    assert answer.status_code == 202, answer.content
    assert queued.json()["total_rows"] == 2
    submission = Submission.objects.get()
    assert (submission.status, submission.accepted, submission.rejected) == (
        SubmissionStatus.COMPLETED,
        2,
        0,
    )
    authorities = sorted(version.values["authority"] for version in RecordVersion.objects.all())
    assert authorities == ["国家税务总局齐齐哈尔市税务局", "齐齐哈尔市税务局稽查局"]


def test_same_file_uploaded_again_is_a_duplicate(client, tax_provider):
    # given
    user, headers = tax_provider
    content = csv_bytes(valid_rows(2))
    first = upload(client, headers, content)
    _run_worker()

    # when
    again = upload(client, headers, content, name="另一个名字.csv")

    # then
    assert again.status_code == 409
    assert again.json()["code"] == error_codes.FILE_DUPLICATE
    assert again.json()["submission_id"] == first.json()["submission_id"]
    assert Submission.objects.count() == 1


def test_worker_start_requeues_an_upload_left_running(client, tax_provider):
    # given: an upload whose worker was killed mid-way (status running, nothing holds it)
    user, headers = tax_provider
    answer = upload(client, headers, csv_bytes(valid_rows(3)))
    Submission.objects.filter(pk=answer.json()["submission_id"]).update(
        status=SubmissionStatus.RUNNING
    )

    # when
    _run_worker()

    # then
    submission = Submission.objects.get()
    assert (submission.status, submission.accepted) == (SubmissionStatus.COMPLETED, 3)


def test_an_import_stopped_by_an_unexpected_error_leaves_no_value_in_the_log_or_result(
    client, tax_provider, monkeypatch, caplog
):
    # given: an upload whose import fails with an error quoting a value of the file
    from django_tasks_db.models import DBTaskResult

    user, headers = tax_provider
    answer = upload(client, headers, csv_bytes(valid_rows(2)))

    def failing(submission_id):
        raise ValueError("230202199001011234 is not a number")

    monkeypatch.setattr("chengxin.collection.tasks.file_import_run", failing)

    # when
    _run_worker()

    # then: the worker says which submission stopped and the kind of error, nothing more
    results = DBTaskResult.objects.filter(task_path__endswith="file_import_task")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    stored = "\n".join(f"{result.exception_class_path}\n{result.traceback}" for result in results)
    assert "230202199001011234" not in logged + stored
    assert results and all(
        result.exception_class_path.endswith("ImportStopped") for result in results
    )
    assert f"submission {answer.json()['submission_id']}" in logged
    assert "ValueError" in logged


def test_a_failed_upload_is_retried_through_the_api_and_the_worker_goes_on(
    client, tax_provider, monkeypatch
):
    # given: the worker commits a chunk of 2 rows, then every further chunk fails
    from chengxin.collection.tests.factories import imports_stopping_after

    user, headers = tax_provider
    answer = upload(client, headers, csv_bytes(valid_rows(5)))
    submission_id = answer.json()["submission_id"]
    with imports_stopping_after(monkeypatch, 1, chunk_rows=2):
        _run_worker()
    failed = client.get(f"/api/v1/submissions/{submission_id}", **headers).json()

    # when
    retried = client.post(f"/api/v1/submissions/{submission_id}/retry", **headers)
    again = client.post(f"/api/v1/submissions/{submission_id}/retry", **headers)
    _run_worker()
    done = client.get(f"/api/v1/submissions/{submission_id}", **headers).json()

    # then: every row once, the first two from the first run
    assert (failed["status"], failed["position"], failed["accepted"]) == ("failed", 3, 2)
    assert retried.status_code == 202, retried.content
    assert retried.json()["status"] == SubmissionStatus.RECEIVED
    assert again.status_code == 409
    assert again.json()["code"] == "import_not_retryable"
    assert (done["status"], done["received"], done["accepted"]) == ("completed", 5, 5)
    assert CreditRecord.objects.count() == 5
    assert SubmissionFile.objects.get().purged_at is not None


def test_a_finished_or_foreign_upload_cannot_be_retried(client, tax_provider):
    # given: a completed upload of the tax department, and a provider of another department
    from chengxin.collection.tests.factories import bearer, other_department, provider

    user, headers = tax_provider
    answer = upload(client, headers, csv_bytes(valid_rows(1)))
    _run_worker()
    stranger = provider(department=other_department())
    url = f"/api/v1/submissions/{answer.json()['submission_id']}/retry"

    # when
    finished = client.post(url, **headers)
    foreign = client.post(url, **bearer(stranger))

    # then
    assert finished.status_code == 409
    assert finished.json()["code"] == "import_not_retryable"
    assert foreign.status_code == 404
