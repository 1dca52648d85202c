"""File imports: upload over the API and the worker, ``chengxin import``, chunks and resuming."""

from __future__ import annotations

import datetime
import io
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import override_settings
from openpyxl import load_workbook

from chengxin.catalog.selectors import catalog_item_get
from chengxin.catalog.xlsx import catalog_item_template_xlsx
from chengxin.collection import error_codes
from chengxin.collection.choices import SubmissionChannel, SubmissionStatus
from chengxin.collection.ingest import imports, preparation, row_error_codes, uploads
from chengxin.collection.models import (
    CreditRecord,
    QuarantineEntry,
    RecordVersion,
    Submission,
    SubmissionFile,
)
from chengxin.collection.tests.factories import (
    COLUMNS,
    ITEM_CODE,
    UPLOAD,
    bearer,
    csv_bytes,
    id_number,
    other_department,
    penalty_item,
    provider,
    row,
    upload,
    valid_rows,
)
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_stored_upload_is_encrypted(client, tax_provider):
    # given
    user, headers = tax_provider

    # when
    upload(client, headers, csv_bytes(valid_rows(1)))

    # then
    stored = bytes(SubmissionFile.objects.get().ciphertext)
    assert id_number(1).encode() not in stored
    assert "王小明".encode() not in stored


def test_same_content_for_another_department_is_not_a_duplicate(
    client, tax_provider, django_capture_on_commit_callbacks
):
    # given
    user, headers = tax_provider
    content = csv_bytes(valid_rows(1))
    upload(client, headers, content)
    health = other_department()
    catalog_item_get(code=ITEM_CODE).departments.add(health)
    health_headers = bearer(provider(health))

    # when
    answer = upload(client, health_headers, content)

    # then
    assert answer.status_code == 202


def test_file_missing_a_required_column_is_refused_at_once(client, tax_provider):
    # given
    user, headers = tax_provider
    header = tuple(name for name in COLUMNS if name != "decided_on")

    # when
    answer = upload(client, headers, csv_bytes(valid_rows(2), header=header))

    # then
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == error_codes.FILE_REFUSED
    codes = [problem["code"] for problem in body["file_errors"]]
    assert codes == [row_error_codes.FILE_COLUMNS_MISSING]
    assert "决定日期" in body["detail"]
    assert Submission.objects.count() == 0


def test_file_over_the_upload_limit_is_refused(client, tax_provider, settings):
    # given
    user, headers = tax_provider
    settings.CHENGXIN_UPLOAD_MAX_BYTES = 100

    # when
    answer = upload(client, headers, csv_bytes(valid_rows(5)))

    # then
    assert answer.status_code == 422
    assert answer.json()["file_errors"][0]["code"] == row_error_codes.FILE_TOO_LARGE


def test_shift_jis_file_is_refused_as_an_unreadable_encoding(client, tax_provider):
    # given: a Japanese system's export in Shift-JIS (it decodes as GB18030, into rare hanzi)
    user, headers = tax_provider
    rows = [
        row(
            f"S-{n}",
            sequence=n,
            name=name,
            authority="東京都千代田区役所",
            document_no=f"千代田第{n}号",
            case_no="事件-1",
        )
        for n, name in enumerate(["山田太郎", "佐藤花子", "鈴木一郎"], start=1)
    ]
    content = csv_bytes(rows, encoding="shift_jis")

    # when
    answer = upload(client, headers, content)

    # then
    assert content.decode("gb18030")
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == error_codes.FILE_REFUSED
    assert [problem["code"] for problem in body["file_errors"]] == [
        row_error_codes.FILE_ENCODING_INVALID
    ]
    assert body["file_errors"][0]["message"] == (
        "文件编码无法识别，请保存为UTF-8或GB18030编码的CSV文件。"
    )
    assert Submission.objects.count() == 0


def test_upload_needs_a_file_and_a_provided_item(client, tax_provider):
    # given
    user, headers = tax_provider
    health_headers = bearer(provider(other_department()))

    # when
    no_file = client.post(UPLOAD, {"catalog_item": ITEM_CODE}, **headers)
    not_provided = upload(client, health_headers, csv_bytes(valid_rows(1)))

    # then
    assert no_file.status_code == 422
    assert not_provided.status_code == 403
    assert not_provided.json()["code"] == error_codes.ITEM_NOT_PROVIDED_BY_DEPARTMENT


def test_an_xlsx_written_with_the_template_imports(client, tax_provider, tmp_path):
    # given: the department fills the template it downloaded, as Excel would (a date cell)
    item = catalog_item_get(code=ITEM_CODE)
    workbook = load_workbook(io.BytesIO(catalog_item_template_xlsx(item)))
    sheet = workbook.worksheets[0]
    names = [cell.value for cell in sheet[2]]
    first_empty = sheet.max_row + 1
    for offset, values in enumerate(valid_rows(2)):
        values["decided_on"] = datetime.date(2026, 3, 1 + offset)
        for column, name in enumerate(names, start=1):
            if name in values:
                sheet.cell(row=first_empty + offset, column=column, value=values[name])
    path = tmp_path / "模板.xlsx"
    workbook.save(path)

    # when
    out = io.StringIO()
    call_command("import", str(path), item=ITEM_CODE, department="tax", stdout=out)

    # then
    submission = Submission.objects.get()
    assert (submission.received, submission.accepted, submission.rejected) == (2, 2, 0)
    assert submission.channel == SubmissionChannel.CLI
    decided = sorted(CreditRecord.objects.values_list("decided_on", flat=True))
    assert [str(day) for day in decided] == ["2026-03-01", "2026-03-02"]
    assert "接受 accepted           2" in out.getvalue()


def test_cli_import_summary_and_strict_exit(tax_provider, tmp_path):
    # given
    path = tmp_path / "rows.csv"
    rows = valid_rows(3) + [row("S-bad", sequence=8, id_number="230202198005171234")]
    path.write_bytes(csv_bytes(rows))

    # when
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", str(path), item=ITEM_CODE, department="tax", strict=True, stdout=out)

    # then
    assert exited.value.code == 1
    text = out.getvalue()
    assert "接收 received           4" in text
    assert "拒收 rejected           1" in text
    assert "rows per second" in text
    event = AuditEvent.objects.get(object_type="collection.submission")
    assert event.detail["channel"] == SubmissionChannel.CLI
    assert event.detail["file"] == "rows.csv"


def test_cli_import_of_the_same_file_twice_reports_a_duplicate(tax_provider, tmp_path):
    # given
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(valid_rows(2)))
    call_command("import", str(path), item=ITEM_CODE, department="tax", stdout=io.StringIO())

    # when
    out = io.StringIO()
    call_command("import", str(path), item=ITEM_CODE, department="tax", stdout=out)

    # then
    assert "重复文件" in out.getvalue()
    assert Submission.objects.count() == 1
    assert RecordVersion.objects.count() == 2


def test_cli_import_of_an_unusable_file_exits_2(tax_provider, tmp_path):
    # given
    path = tmp_path / "rows.csv"
    path.write_bytes("姓名,备注\r\n张三,无\r\n".encode())

    # when
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import", str(path), item=ITEM_CODE, department="tax", stdout=io.StringIO(), stderr=err
        )

    # then
    assert exited.value.code == 2
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.REFUSED
    assert submission.file_errors[0]["code"] == row_error_codes.FILE_COLUMNS_MISSING


@pytest.mark.parametrize("background", [False, True], ids=["here", "helper-process"])
def test_chunks_advance_the_position_and_a_repeated_source_id_in_a_later_chunk_is_rejected(
    tax_provider, tmp_path, background
):
    # given: five rows in chunks of two; row 6 repeats S-1 of the first chunk
    user, _headers = tax_provider
    path = tmp_path / "rows.csv"
    rows = valid_rows(4) + [row("S-1", sequence=1, case_no="案-重复")]
    path.write_bytes(csv_bytes(rows))
    start = uploads.file_import_start(
        actor=user, department=user.department, item_code=ITEM_CODE, path=path
    )
    positions = []

    # when
    submission = imports.file_import_run(
        start.submission.pk,
        path=path,
        chunk_rows=2,
        progress=lambda current: positions.append(current.position),
        background=background,
    )

    # then
    assert positions == [3, 5, 6]
    assert (submission.received, submission.accepted, submission.rejected) == (5, 4, 1)
    entry = QuarantineEntry.objects.get()
    assert (entry.row_number, entry.errors[0]["code"]) == (6, error_codes.SOURCE_ID_DUPLICATE)
    assert RecordVersion.objects.count() == 4


@pytest.mark.parametrize("background", [False, True], ids=["here", "helper-process"])
def test_an_interrupted_import_resumes_after_its_last_chunk(tax_provider, tmp_path, background):
    # given: the run dies after its second chunk
    user, _headers = tax_provider
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(valid_rows(7)))
    start = uploads.file_import_start(
        actor=user, department=user.department, item_code=ITEM_CODE, path=path
    )

    def die_after_two_chunks(current):
        if current.position >= 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        imports.file_import_run(
            start.submission.pk,
            path=path,
            chunk_rows=2,
            progress=die_after_two_chunks,
            background=background,
        )
    interrupted = Submission.objects.get()

    # when: the same command again
    out = io.StringIO()
    with override_settings(CHENGXIN_IMPORT_BACKGROUND_MIN_ROWS=1 if background else 0):
        call_command(
            "import", str(path), item=ITEM_CODE, department="tax", stdout=out, chunk_rows=2
        )

    # then
    assert (interrupted.status, interrupted.position, interrupted.received) == (
        SubmissionStatus.RUNNING,
        5,
        4,
    )
    assert "继续导入" in out.getvalue()
    submission = Submission.objects.get()
    assert (submission.status, submission.received, submission.accepted) == (
        SubmissionStatus.COMPLETED,
        7,
        7,
    )
    assert CreditRecord.objects.count() == 7
    assert RecordVersion.objects.count() == 7


def test_a_held_import_is_not_run_twice(tax_provider, tmp_path):
    # given: another process (here a thread with its own connection) holds the import
    user, _headers = tax_provider
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(valid_rows(1)))
    start = uploads.file_import_start(
        actor=user, department=user.department, item_code=ITEM_CODE, path=path
    )
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with imports.run_lock(start.submission.pk):
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(timeout=30)

    # when
    try:
        with pytest.raises(imports.ImportBusy):
            imports.file_import_run(start.submission.pk, path=path)
    finally:
        release.set()
        thread.join()

    # then
    assert Submission.objects.get().status == SubmissionStatus.RECEIVED


def test_estimated_rows_count_lines_without_parsing(tmp_path):
    # given
    penalty_item()
    content = csv_bytes(valid_rows(5))
    path = Path(tmp_path / "rows.csv")
    path.write_bytes(content.rstrip(b"\r\n"))

    # when
    from chengxin.collection.ingest.files import open_table

    estimate = open_table(path, item=catalog_item_get(code=ITEM_CODE)).estimated_rows()

    # then
    assert estimate == 5


def test_rows_prepared_by_the_helper_process_are_written_as_those_prepared_here(
    tax_provider, tmp_path
):
    # given: the same rows, one person twice, one bad row, for two files imported each way
    user, _headers = tax_provider
    rows = valid_rows(4) + [row("S-5", sequence=1), row("S-6", sequence=2, decided_on="不是日期")]
    written = {}
    for background in (False, True):
        path = tmp_path / f"rows-{background}.csv"
        prefixed = [
            {**values, "source_id": f"{background}-{values['source_id']}"} for values in rows
        ]
        path.write_bytes(csv_bytes(prefixed))
        start = uploads.file_import_start(
            actor=user, department=user.department, item_code=ITEM_CODE, path=path
        )

        # when
        submission = imports.file_import_run(
            start.submission.pk, path=path, chunk_rows=2, background=background
        )

        # then
        written[background] = _snapshot(submission, prefix=f"{background}-")
    assert written[True] == written[False]
    assert written[False]["counts"] == (6, 5, 1, {"created": 5})
    assert len(written[False]["versions"]) == 5


def _snapshot(submission: Submission, *, prefix: str) -> dict:
    """What an import wrote, without ids and its own source_id prefix."""
    versions = RecordVersion.objects.filter(submission=submission).select_related("record")
    return {
        "counts": (
            submission.received,
            submission.accepted,
            submission.rejected,
            submission.outcomes,
        ),
        "versions": sorted(
            (
                version.record.source_id.removeprefix(prefix),
                version.record.subject_id,
                version.record.subject_index,
                version.record.status,
                version.record.decided_on,
                version.record.disclosure_ends_on,
                version.number,
                version.values["case_no"],
                version.valid_from,
                version.valid_to,
            )
            for version in versions
        ),
        "quarantined": [
            (entry.row_number, [error["code"] for error in entry.errors])
            for entry in QuarantineEntry.objects.filter(submission=submission)
        ],
    }


def test_a_failing_helper_process_fails_the_import_after_its_last_chunk(
    tax_provider, tmp_path, monkeypatch
):
    # given: a helper that fails (here: on a schema it cannot use)
    user, _headers = tax_provider
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(valid_rows(3)))
    start = uploads.file_import_start(
        actor=user, department=user.department, item_code=ITEM_CODE, path=path
    )
    job_type = imports.PreparationJob

    def unreadable_job(**fields):
        return job_type(**{**fields, "schema": {"fields": [{"name": "x", "type": "unknown"}]}})

    monkeypatch.setattr(imports, "PreparationJob", unreadable_job)

    # when
    with pytest.raises(preparation.PreparationFailed, match="KeyError"):
        imports.file_import_run(start.submission.pk, path=path, chunk_rows=2, background=True)

    # then
    submission = Submission.objects.get()
    assert (submission.status, submission.position) == (SubmissionStatus.FAILED, 0)
    assert CreditRecord.objects.count() == 0


def test_an_uploaded_file_is_prepared_by_the_helper_process_from_its_stored_bytes(tax_provider):
    # given: an upload waiting for the worker
    user, _headers = tax_provider
    submission = uploads.file_upload_create(
        actor=user,
        department=user.department,
        item_code=ITEM_CODE,
        data=csv_bytes(valid_rows(3) + [row("S-4", sequence=4, decided_on="不是日期")]),
        file_name="处罚.csv",
    )

    # when
    done = imports.file_import_run(submission.pk, chunk_rows=2, background=True)

    # then
    assert (done.status, done.received, done.accepted, done.rejected) == (
        SubmissionStatus.COMPLETED,
        4,
        3,
        1,
    )
    assert RecordVersion.objects.filter(submission=done).count() == 3
    assert QuarantineEntry.objects.get(submission=done).row_number == 5
    assert SubmissionFile.objects.get(submission=done).purged_at is not None


def _cli_import_failing_with(failure: Exception, *, tmp_path, monkeypatch) -> tuple[int, str]:
    """Run ``chengxin import`` on a good file while the import raises ``failure``; the exit
    status and what the command wrote on stderr."""
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(valid_rows(2)))

    def failing(*args, **kwargs):
        raise failure

    monkeypatch.setattr("chengxin.collection.management.commands.import.file_import_run", failing)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import", str(path), item=ITEM_CODE, department="tax", stdout=io.StringIO(), stderr=err
        )
    return exited.value.code, err.getvalue()


def test_cli_import_whose_helper_process_dies_says_so_without_the_trace(
    tax_provider, tmp_path, monkeypatch
):
    # given: the helper process fails with a trace that quotes a value of the file
    failure = preparation.PreparationFailed("ValueError: 230202199001011234")

    # when
    code, err = _cli_import_failing_with(failure, tmp_path=tmp_path, monkeypatch=monkeypatch)

    # then
    assert code == 5
    assert "重新运行同一命令即从中断处继续" in err
    assert "230202199001011234" not in err


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (RuntimeError("230202199001011234"), "导入意外中止"),
        (OperationalError("connection to 230202199001011234 lost"), "数据库出错"),
    ],
    ids=["unexpected", "database"],
)
def test_cli_import_that_fails_unexpectedly_says_so_without_the_trace(
    tax_provider, tmp_path, monkeypatch, failure, says
):
    # given: the import fails in a way nobody planned for, with a message quoting a value
    # when
    code, err = _cli_import_failing_with(failure, tmp_path=tmp_path, monkeypatch=monkeypatch)

    # then: a clear message and exit 6, no trace and no value
    assert code == 6
    assert says in err
    assert type(failure).__name__ in err
    assert "重新运行同一命令即从中断处继续" in err
    assert "Traceback" not in err
    assert "230202199001011234" not in err
