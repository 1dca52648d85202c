"""Batch checks: up to 100,000 ID numbers for one matter, as a JSON list or a CSV/XLSX file.

``batch_create`` validates the request, keeps the numbers encrypted (``BatchCheck``) and either
runs the batch at once (up to ``SYNC_LIMIT`` numbers) or enqueues ``tasks.batch_check_task`` for
``chengxin worker``. ``batch_run`` is set-based: one query for the subjects and one per chunk
of 5,000 people for their records (``bulk.people_facts``); applicable measures are asked once per
distinct combination of lists. An invalid number is reported on its row, never fatal. The result
is a CSV (masked numbers) kept encrypted, with a signed receipt; one audit event per batch.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import itertools
import json
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core import crypto, tabular
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import DomainError
from chengxin.core.tabular import TabularRefused
from chengxin.core.text import text_checked
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.selectors import subjects_by_indexes
from chengxin.identity.validation import normalise_id_number, validate_id_number
from chengxin.measures import selectors as measures
from chengxin.measures.checks import error_codes
from chengxin.measures.checks.answers import catalog_fingerprint
from chengxin.measures.checks.bulk import MeasureCodes, people_facts
from chengxin.measures.checks.choices import BatchStatus, RowOutcome
from chengxin.measures.checks.hooks import batch_check_queued
from chengxin.measures.checks.limits import BATCH_FILE_NAME, MAX_IDS
from chengxin.measures.checks.models import BatchCheck, BatchCheckSubject
from chengxin.measures.checks.receipts import receipt_issue
from chengxin.measures.checks.services import check_fields_clean, check_refused_for

SYNC_LIMIT = 1_000
PROGRESS_EVERY = 5_000
# People whose records are read at once (one join on PostgreSQL); progress is saved after each.
FACTS_CHUNK = 50_000
INPUT_PURPOSE = "checks.batch.input"
RESULT_PURPOSE = "checks.batch.result"
BATCH_OBJECT_TYPE = "checks.batch"
# An XLSX of 100,000 numbers with a dozen other columns unpacks to less than this; a larger
# one is refused from its ZIP directory, before anything is unpacked.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
ID_HEADERS = frozenset(
    {"id_number", "idnumber", "身份证号码", "身份证号", "证件号码", "公民身份号码", "身份证件号码"}
)
RESULT_COLUMNS = (
    ("row", "行号"),
    ("id_number_masked", "证件号码（脱敏）"),
    ("outcome", "结果"),
    ("error_code", "错误代码"),
    ("lists", "名单"),
    ("measures", "适用措施"),
    ("green_channel", "绿色通道"),
    ("disputed", "有异议记录"),
)


@dataclass(frozen=True)
class BatchInput:
    """The numbers of a batch with their row numbers (list position, or the file's row)."""

    rows: list[tuple[int, str]]


def input_from_list(id_numbers: list[Any]) -> BatchInput:
    return BatchInput(
        rows=[(position, str(value or "")) for position, value in enumerate(id_numbers, 1)]
    )


def input_from_file(data: bytes) -> BatchInput:
    """The ID-number column of a CSV, tab-separated text or XLSX file, read by the platform's
    bounded reader (``chengxin.core.tabular``); the header is row 1, or the file has no header
    and one column. Reading stops after ``MAX_IDS`` + 1 numbers (``batch_create`` refuses
    them). Refused with 422 ``batch_file_refused`` (the reader's own code in ``file_errors``) or
    ``batch_id_column_missing``."""
    try:
        table = tabular.open_tabular(data, limits=_limits())
        return _id_column(table)
    except TabularRefused as refused:
        raise _file_refused(refused) from None


def _limits() -> tabular.Limits:
    return dataclasses.replace(tabular.upload_limits(), max_unpacked_bytes=MAX_UNPACKED_BYTES)


def _file_refused(refused: TabularRefused) -> DomainError:
    return DomainError(
        code=error_codes.BATCH_FILE_REFUSED,
        message=refused.message,
        message_en=refused.message_en,
        status=422,
        details={
            "file_errors": [
                {"code": refused.code, "message": refused.message, "message_en": refused.message_en}
            ]
        },
    )


def _cell_text(value: Any) -> str:
    return str(value).strip()


def _id_column(table: tabular.TabularFile) -> BatchInput:
    """The numbers of the ID column: a first pass finds the header, a second reads only as
    many columns as the ID column needs."""
    with closing(table.rows()) as rows:
        header = next(rows, None)
    if header is None:
        raise _empty()
    header_number, cells = header
    titles = [normalise_id_number(_cell_text(cell)).lower() for cell in cells]
    column = next((i for i, title in enumerate(titles) if title in ID_HEADERS), None)
    first_data_row = header_number + 1
    if column is None:
        if len(cells) == 1 and validate_id_number(_cell_text(cells[0])).is_valid:
            column, first_data_row = 0, header_number  # no header, one column of numbers
        else:
            raise DomainError(
                code=error_codes.BATCH_ID_COLUMN_MISSING,
                message=_("文件中没有“身份证号码”列。"),
                message_en="The file has no ID-number column (身份证号码 or id_number).",
                status=422,
            )
    rows = (
        (number, _cell_text(cells[column]) if column < len(cells) else "")
        for number, cells in table.rows(max_columns=column + 1)
        if number >= first_data_row
    )
    return BatchInput(rows=list(itertools.islice(rows, MAX_IDS + 1)))


def _empty() -> DomainError:
    return DomainError(
        code=error_codes.BATCH_EMPTY,
        message=_("没有需要核查的身份证号码。"),
        message_en="There are no ID numbers to check.",
        status=422,
    )


def batch_create(
    *,
    actor,
    batch_input: BatchInput,
    matter: str,
    case_no: str,
    purpose: str,
    file_name: str = "",
    request=None,
) -> BatchCheck:
    """Accept a batch: checked at once when small, otherwise queued for the worker. The fields are
    checked as for one check; the file's name is kept, so it has at most
    ``limits.FILE_NAME_MAX_LENGTH`` characters and no ID number (422 otherwise)."""
    check_refused_for(actor)
    matter, case_no, purpose = check_fields_clean(matter=matter, case_no=case_no, purpose=purpose)
    file_name = text_checked(file_name, BATCH_FILE_NAME)
    if not batch_input.rows:
        raise _empty()
    if len(batch_input.rows) > MAX_IDS:
        raise DomainError(
            code=error_codes.BATCH_TOO_LARGE,
            message=_("一次最多核查%(limit)d个身份证号码。") % {"limit": MAX_IDS},
            message_en=f"A batch holds at most {MAX_IDS} ID numbers.",
            status=422,
        )
    sealed = crypto.encrypt_bytes(
        json.dumps(batch_input.rows, separators=(",", ":")).encode("utf-8"), purpose=INPUT_PURPOSE
    )
    with transaction.atomic():
        batch = BatchCheck.objects.create(
            matter=matter,
            case_no=case_no,
            purpose=purpose,
            checked_on=timezone.localdate(),
            actor=actor,
            department=actor.department,
            file_name=file_name,
            total=len(batch_input.rows),
            input_ciphertext=sealed.ciphertext,
            input_key_id=sealed.key_id,
            input_algorithm=sealed.algorithm,
        )
        if batch.total > SYNC_LIMIT:
            transaction.on_commit(lambda: _enqueue(batch.pk))
    if batch.total <= SYNC_LIMIT:
        batch = batch_run(batch.pk, request=request)
    return batch


def _enqueue(batch_id) -> None:
    batch_check_queued.send(sender=BatchCheck, batch_id=str(batch_id))


def batch_run(batch_id, *, request=None) -> BatchCheck:
    """Check every number of a batch (idempotent: a completed batch is left as it is; an
    interrupted one starts again, nothing of a partial run is kept but its progress)."""
    batch = BatchCheck.objects.select_related("actor", "department").get(pk=batch_id)
    if batch.status == BatchStatus.COMPLETED:
        return batch
    now = timezone.now()
    BatchCheck.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, started_at=now, processed=0
    )
    rows = json.loads(
        crypto.decrypt_bytes(
            crypto.Sealed(
                ciphertext=bytes(batch.input_ciphertext),
                key_id=batch.input_key_id,
                algorithm=batch.input_algorithm,
            ),
            purpose=INPUT_PURPOSE,
        )
    )
    result_rows, counts, indexes = _check_rows(batch, rows)
    content = _result_csv(result_rows)
    finished = timezone.now()
    request_json = {
        "batch_id": str(batch.pk),
        "matter": batch.matter,
        "case_no": batch.case_no,
        "purpose": batch.purpose,
        "checked_on": batch.checked_on.isoformat(),
        "actor": batch.actor.get_username() if batch.actor else "",
        "department": batch.department.code if batch.department else "",
        "total": batch.total,
        "subject_indexes_sha256": hashlib.sha256("\n".join(indexes).encode()).hexdigest(),
    }
    answer_json = {
        "batch_id": str(batch.pk),
        "counts": counts,
        "result_sha256": hashlib.sha256(content).hexdigest(),
    }
    receipt = receipt_issue(
        check_id=str(batch.pk),
        issued_at=finished,
        request=request_json,
        answer=answer_json,
        rules=measures.rules_version(),
        catalog_version=catalog_fingerprint(),
    )
    sealed = crypto.encrypt_bytes(content, purpose=RESULT_PURPOSE)
    with transaction.atomic():
        BatchCheck.objects.filter(pk=batch.pk).update(
            status=BatchStatus.COMPLETED,
            processed=batch.total,
            counts=counts,
            result_ciphertext=sealed.ciphertext,
            result_key_id=sealed.key_id,
            result_algorithm=sealed.algorithm,
            receipt=receipt,
            input_ciphertext=b"",
            finished_at=finished,
        )
        _subjects_record(batch, indexes, checked_at=finished)
        audit_events.personal_data_read_event(
            actor=batch.actor,
            subject_index="",
            object_type=BATCH_OBJECT_TYPE,
            object_id=str(batch.pk),
            purpose=batch.purpose,
            case_no=batch.case_no,
            detail={"matter": batch.matter, **counts},
            request=request,
        )
    batch.refresh_from_db()
    return batch


SUBJECTS_CHUNK = 1000


def _subjects_record(batch: BatchCheck, indexes: list[str], *, checked_at) -> None:
    """The people the batch checked, by blind index (the persons' own lists of who looked).
    On PostgreSQL one statement over an array of the indexes: building 100,000 model instances
    took most of a batch's run."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(BatchCheckSubject._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (batch_id, subject_index, checked_at)"  # noqa: S608 - the model's table
                " SELECT %s, wanted.subject_index, %s"
                " FROM unnest(%s::varchar[]) AS wanted(subject_index) ON CONFLICT DO NOTHING",
                [batch.pk, checked_at, indexes],
            )
        return
    BatchCheckSubject.objects.bulk_create(
        (
            BatchCheckSubject(batch=batch, subject_index=index, checked_at=checked_at)
            for index in indexes
        ),
        batch_size=SUBJECTS_CHUNK,
        ignore_conflicts=True,
    )


def _check_rows(batch: BatchCheck, rows: list[list[Any]]):
    """The result rows, the counts, and the sorted blind indexes of the valid numbers."""
    parsed: list[tuple[int, str, str, str]] = []  # row, masked, index or "", error code
    today = timezone.localdate()
    for number, raw in rows:
        validation = validate_id_number(raw, today=today)
        if validation.is_valid:
            normalised = validation.normalised
            parsed.append(
                (
                    number,
                    mask_id_number(normalised, context=MaskContext.STAFF),
                    crypto.blind_index(normalised),
                    "",
                )
            )
        else:
            masked = mask_id_number(validation.normalised, context=MaskContext.STAFF)
            parsed.append((number, masked, "", validation.errors[0].code))
    indexes = sorted({index for _row, _masked, index, _error in parsed if index})
    facts = {}
    for start in range(0, len(indexes), FACTS_CHUNK):
        facts.update(people_facts(indexes[start : start + FACTS_CHUNK], on=batch.checked_on))
        BatchCheck.objects.filter(pk=batch.pk).update(
            processed=min(batch.total, start + FACTS_CHUNK)
        )
    # Anyone with a record is known; only the others are looked up among the subjects.
    without_records = [index for index in indexes if not facts[index].known]
    known_subjects: set[str] = set()
    for start in range(0, len(without_records), PROGRESS_EVERY):
        chunk = set(without_records[start : start + PROGRESS_EVERY])
        known_subjects.update(subjects_by_indexes(chunk))
    codes = MeasureCodes(matter=batch.matter, on=batch.checked_on)
    counts = {
        RowOutcome.CHECKED.value: 0,
        RowOutcome.NO_RECORDS.value: 0,
        RowOutcome.INVALID.value: 0,
        "on_lists": 0,
        "with_measures": 0,
        "green_channel": 0,
        "disputed": 0,
    }
    result = []
    for number, masked, index, error_code in parsed:
        if not index:
            counts[RowOutcome.INVALID] += 1
            result.append(_row(number, masked, RowOutcome.INVALID, error_code))
            continue
        person = facts[index]
        known = person.known or index in known_subjects
        outcome = RowOutcome.CHECKED if known else RowOutcome.NO_RECORDS
        counts[outcome] += 1
        counts["green_channel"] += person.green_channel
        if not person.memberships:
            # On no list: no measures, nothing disputed (most people of a batch).
            result.append(_row(number, masked, outcome, "", green_channel=person.green_channel))
            continue
        measure_codes = codes.codes(person.memberships)
        disputed = any(r.disputed for m in person.memberships for r in m.records)
        counts["on_lists"] += 1
        counts["with_measures"] += bool(measure_codes)
        counts["disputed"] += disputed
        result.append(
            _row(
                number,
                masked,
                outcome,
                "",
                lists=sorted({m.kind for m in person.memberships}),
                measures=list(measure_codes),
                green_channel=person.green_channel,
                disputed=disputed,
            )
        )
    return result, counts, indexes


def _row(number, masked, outcome, error_code, **found) -> dict[str, Any]:
    return {
        "row": number,
        "id_number_masked": masked,
        "outcome": str(outcome),
        "error_code": error_code,
        "lists": found.get("lists", []),
        "measures": found.get("measures", []),
        "green_channel": found.get("green_channel"),
        "disputed": found.get("disputed", False),
    }


def _result_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title for _name, title in RESULT_COLUMNS])
    for row in rows:
        green = row["green_channel"]
        writer.writerow(
            [
                row["row"],
                row["id_number_masked"],
                row["outcome"],
                row["error_code"],
                ";".join(row["lists"]),
                ";".join(row["measures"]),
                "" if green is None else ("是" if green else "否"),
                "是" if row["disputed"] else "否",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def batch_result_bytes(batch: BatchCheck) -> bytes:
    """The result CSV of a completed batch (decrypted)."""
    return crypto.decrypt_bytes(
        crypto.Sealed(
            ciphertext=bytes(batch.result_ciphertext),
            key_id=batch.result_key_id,
            algorithm=batch.result_algorithm,
        ),
        purpose=RESULT_PURPOSE,
    )


def batch_result_rows(batch: BatchCheck) -> list[dict[str, Any]]:
    """The result rows of a completed batch as JSON-ready dicts (the small-batch answer)."""
    text = batch_result_bytes(batch).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    rows = []
    for cells in reader:
        row, masked, outcome, error_code, lists, measure_codes, green, disputed = cells
        rows.append(
            {
                "row": int(row),
                "id_number_masked": masked,
                "outcome": outcome,
                "error_code": error_code,
                "lists": [kind for kind in lists.split(";") if kind],
                "measures": [code for code in measure_codes.split(";") if code],
                "green_channel": None if green == "" else green == "是",
                "disputed": disputed == "是",
            }
        )
    return rows


def batch_result_download(*, user, batch: BatchCheck, request=None) -> bytes:
    """The result file for download; the export is audited."""
    if batch.status != BatchStatus.COMPLETED:
        raise DomainError(
            code=error_codes.BATCH_NOT_FINISHED,
            message=_("批量核查尚未完成。"),
            message_en="The batch check has not finished.",
            status=409,
        )
    content = batch_result_bytes(batch)
    audit_events.export_event(
        actor=user,
        object_type=BATCH_OBJECT_TYPE,
        object_id=str(batch.pk),
        detail={"rows": batch.total, "format": "csv"},
        request=request,
    )
    return content


def batch_progress(batch: BatchCheck) -> int:
    return (
        100
        if batch.status == BatchStatus.COMPLETED
        else int(100 * batch.processed / max(batch.total, 1))
    )
