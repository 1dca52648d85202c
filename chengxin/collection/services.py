"""Writes of the collection app: submissions, credit records with their versions, quarantine.

``submission_create`` is the one write path for rows, whatever the channel; the rows themselves
are applied set-based by ``chengxin.collection.ingest.batch`` (see there what remains per row).

Audit: one ``create`` event per submission with the counts per outcome (no personal data). The
per-record trail is the versions themselves: each names its submission, who recorded it and when.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.permissions import can_submit_records
from chengxin.catalog.choices import Category
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import catalog_item_current_version, catalog_item_get
from chengxin.collection import error_codes
from chengxin.collection.choices import (
    Operation,
    RecordStatus,
    SubmissionChannel,
    SubmissionStatus,
)
from chengxin.collection.ingest.batch import (
    Batch,
    SubmissionRowError,
    SubmissionRowResult,
    apply_rows,
    error_dict,
)
from chengxin.collection.lifecycle import policy_periods
from chengxin.collection.limits import IDEMPOTENCY_KEY
from chengxin.collection.models import CreditRecord, RecordVersion, Submission
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.json import canonical, dumps
from chengxin.core.personal_data import redact_id_numbers
from chengxin.core.selectors import policy_value
from chengxin.core.text import text_checked
from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.services import outbox_event_record

__all__ = ["SubmissionAnswer", "SubmissionRowError", "SubmissionRowResult", "submission_create"]

MAX_ROWS_POLICY = "submission.api_max_rows"
# The longest Idempotency-Key kept (the column's length); the API refuses longer keys.
IDEMPOTENCY_KEY_MAX_LENGTH = 200
SUBMISSION_OBJECT_TYPE = "collection.submission"


@dataclass(frozen=True)
class SubmissionAnswer:
    """The answer of ``POST /submissions`` (ARCHITECTURE, API contract)."""

    submission_id: int
    status: str
    received: int
    accepted: int
    rejected: int
    errors: list[SubmissionRowError] = field(default_factory=list)
    results: list[SubmissionRowResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> SubmissionAnswer:
        return cls(
            submission_id=stored["submission_id"],
            status=stored["status"],
            received=stored["received"],
            accepted=stored["accepted"],
            rejected=stored["rejected"],
            errors=[SubmissionRowError(**error) for error in stored["errors"]],
            results=[SubmissionRowResult(**result) for result in stored["results"]],
        )


def submission_create(
    *,
    actor,
    department,
    item_code: str,
    operation: str,
    records: list[dict[str, Any]],
    idempotency_key: str,
    channel: str = SubmissionChannel.API,
    today: datetime.date | None = None,
) -> SubmissionAnswer:
    """Validate and apply ``records`` of ``item_code`` for ``department``; the answer per row.

    Refusals (nothing written): a role other than provider of ``department`` (403
    ``submission_role_required``), an item the department does not provide (403
    ``item_not_provided_by_department``), an unknown operation, no rows or more rows than
    ``submission.api_max_rows`` (422), an idempotency key longer than
    ``limits.IDEMPOTENCY_KEY_MAX_LENGTH`` or holding an ID number (422, it is stored). Idempotency:
    the same key and body answer the stored result; the same key with another body is 422
    ``idempotency_key_reused``; a first request still running is 409 ``submission_in_progress``.
    """
    item = checked_request(actor=actor, department=department, item_code=item_code)
    idempotency_key = text_checked(idempotency_key, IDEMPOTENCY_KEY)
    _check_rows(operation=operation, records=records)
    request_hash = _request_hash(item_code=item_code, operation=operation, records=records)
    submission, replay = _submission_claim(
        actor=actor,
        department=department,
        item=item,
        operation=operation,
        key=idempotency_key,
        request_hash=request_hash,
        channel=channel,
    )
    if replay is not None:
        return replay
    try:
        return _submission_process(submission, records=records, actor=actor, today=today)
    except Exception:
        Submission.objects.filter(pk=submission.pk).update(
            status=SubmissionStatus.FAILED, finished_at=timezone.now()
        )
        raise


def checked_request(*, actor, department, item_code: str) -> CatalogItem:
    """The item ``actor`` may submit for ``department``; 403 with a machine code otherwise."""
    if getattr(actor, "role", "") != Role.PROVIDER or not can_submit_records(actor, department):
        raise PermissionDeniedError(
            code=error_codes.SUBMISSION_ROLE_REQUIRED,
            message=_("只有本部门的数据报送员可以报送信用信息。"),
            message_en="Only a data provider of the department may submit records.",
        )
    item = catalog_item_get(code=item_code, active_only=True)
    if not item.departments.filter(pk=department.pk).exists():
        raise PermissionDeniedError(
            code=error_codes.ITEM_NOT_PROVIDED_BY_DEPARTMENT,
            message=_("本部门不是该目录项的提供单位，不能报送该项信息。"),
            message_en="Your department does not provide this catalog item.",
        )
    return item


def _check_rows(*, operation: str, records: list[dict[str, Any]]) -> None:
    if operation not in Operation.values:
        raise DomainError(
            code=error_codes.OPERATION_UNKNOWN,
            message=_("操作只能是 upsert（新增或更新）或 revoke（撤销）。"),
            message_en="The operation must be upsert or revoke.",
            status=422,
        )
    if not records:
        raise DomainError(
            code=error_codes.SUBMISSION_EMPTY,
            message=_("报送内容中没有任何记录。"),
            message_en="The submission holds no records.",
            status=422,
        )
    limit = int(policy_value(MAX_ROWS_POLICY))
    if len(records) > limit:
        raise DomainError(
            code=error_codes.SUBMISSION_TOO_MANY_ROWS,
            message=_("一次最多报送%(limit)d条记录，请分批报送。") % {"limit": limit},
            message_en=f"At most {limit} records may be submitted at once; split the rows.",
            status=422,
            details={"limit": limit},
        )


def _request_hash(*, item_code: str, operation: str, records: list[dict[str, Any]]) -> str:
    body = {"catalog_item": item_code, "operation": operation, "records": records}
    return hashlib.sha256(canonical(body)).hexdigest()


def _submission_claim(
    *, actor, department, item, operation, key, request_hash, channel
) -> tuple[Submission, SubmissionAnswer | None]:
    """The submission row to process, or the stored answer of an earlier identical request.

    The row is inserted (status ``running``) and committed before the rows are processed, so a
    concurrent request with the same key meets the unique constraint and answers 409.
    """
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                department=department,
                item=item,
                operation=operation,
                channel=channel,
                idempotency_key=key,
                request_hash=request_hash,
                status=SubmissionStatus.RUNNING,
                created_by=actor,
            )
        return submission, None
    except IntegrityError:
        earlier = Submission.objects.get(department=department, idempotency_key=key)
    return earlier, _earlier_answer(earlier, request_hash=request_hash)


def _earlier_answer(earlier: Submission, *, request_hash: str) -> SubmissionAnswer | None:
    if earlier.request_hash != request_hash:
        raise DomainError(
            code=error_codes.IDEMPOTENCY_KEY_REUSED,
            message=_("该幂等键已用于另一份不同的报送内容。"),
            message_en="This idempotency key was already used for a different request body.",
            status=422,
        )
    if earlier.status == SubmissionStatus.COMPLETED:
        return SubmissionAnswer.from_dict(earlier.response)
    if _failed_claimed_again(earlier):
        return None
    raise DomainError(
        code=error_codes.SUBMISSION_IN_PROGRESS,
        message=_("使用该幂等键的报送仍在处理中，请稍后再查询。"),
        message_en="The submission with this idempotency key is still being processed.",
        status=409,
    )


def _failed_claimed_again(earlier: Submission) -> bool:
    """A failed first attempt runs again; the conditional update lets only one retry claim it."""
    claimed = Submission.objects.filter(pk=earlier.pk, status=SubmissionStatus.FAILED).update(
        status=SubmissionStatus.RUNNING
    )
    return claimed == 1


def _submission_process(
    submission: Submission, *, records, actor, today: datetime.date | None
) -> SubmissionAnswer:
    item = submission.item
    version = catalog_item_current_version(item)
    batch = Batch(
        submission=submission,
        item=item,
        version=version,
        actor=actor,
        now=timezone.now(),
        today=today or timezone.localdate(),
        raw=dict(enumerate(records, 1)),
    )
    with transaction.atomic():
        batch.periods = policy_periods()
        apply_rows(batch)
        return _submission_finish(batch)


def _submission_finish(batch: Batch) -> SubmissionAnswer:
    submission = batch.submission
    errors = [
        SubmissionRowError(**error_dict(error))
        for row in sorted(batch.bad)
        for error in batch.bad[row]
    ]
    results = sorted(batch.results, key=lambda result: result.row)
    answer = SubmissionAnswer(
        submission_id=submission.pk,
        status=SubmissionStatus.COMPLETED,
        received=len(batch.raw),
        accepted=len(results),
        rejected=len(batch.bad),
        errors=errors,
        results=results,
    )
    _submission_save(submission, answer=answer, now=batch.now)
    audit_submission(
        actor=batch.actor,
        submission=submission,
        catalog_version=batch.version.number,
        outcomes=Counter(result.outcome for result in answer.results),
    )
    return answer


def _submission_save(submission: Submission, *, answer: SubmissionAnswer, now) -> None:
    submission.status = SubmissionStatus.COMPLETED
    submission.received = answer.received
    submission.accepted = answer.accepted
    submission.rejected = answer.rejected
    submission.response = json.loads(dumps(answer.as_dict()))
    submission.finished_at = now
    submission.save(
        update_fields=["status", "received", "accepted", "rejected", "response", "finished_at"]
    )


def audit_submission(*, actor, submission: Submission, catalog_version: int, outcomes) -> None:
    """One audit event per submission with its counts per outcome (no personal data)."""
    detail = {
        "item": submission.item.code,
        "operation": submission.operation,
        "channel": submission.channel,
        "catalog_version": catalog_version,
        "received": submission.received,
        "accepted": submission.accepted,
        "rejected": submission.rejected,
        "outcomes": {outcome: outcomes[outcome] for outcome in sorted(outcomes)},
    }
    if submission.file_name:
        # Names are checked on arrival; one stored before that may still hold a number.
        detail["file"] = redact_id_numbers(submission.file_name)
    audit_events.change_event(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=SUBMISSION_OBJECT_TYPE,
        object_id=str(submission.pk),
        detail=detail,
    )


def record_disputed_set(*, record: CreditRecord, disputed: bool) -> CreditRecord:
    """Set or clear the ``disputed`` flag of ``record`` (SPEC §5: while an objection is open,
    every view and check shows it). The flag is not part of the record's content, so it makes no
    new version. Called by the objection services inside their transaction, with ``record``
    locked (``select_for_update``); they write the audit event and the outbox event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("The disputed flag is set in the transaction of its objection.")
    if record.disputed != disputed:
        record.disputed = disputed
        record.save(update_fields=["disputed", "updated_at"])
    return record


# --- The person's opt-out of a good-conduct record (SPEC §8, docs/citizens.md) ----------------

RECORD_OBJECT_TYPE = "collection.creditrecord"


def record_withdraw(*, actor, subject_index: str, record_id: int, request=None) -> CreditRecord:
    """The person withdraws (opts out of) one of their good-conduct records: status
    ``withdrawn``. Allowed only for an ``active`` positive record of an item that allows opting
    out (``opt_out_allowed``). The record leaves lists, checks, reports to others and the public
    site at once (they read ``active`` records only) and stays in the person's own file.

    ``subject_index`` is the blind index of the person acting (their confirmed account): a
    record of another person is not found. Refusals write nothing. Writes the next version with
    the new status, one ``update`` audit event and a ``record.withdrawn`` outbox event.
    """
    with transaction.atomic():
        record = _own_record_locked(subject_index=subject_index, record_id=record_id)
        if not record.item.opt_out_allowed or record.category != Category.POSITIVE:
            raise _opt_out_refusal(
                error_codes.RECORD_OPT_OUT_NOT_ALLOWED,
                _("该记录不属于可以申请退出的守信记录。"),
                "This record is not a good-conduct record the person may opt out of.",
            )
        if record.status != RecordStatus.ACTIVE:
            raise _opt_out_refusal(
                error_codes.RECORD_OPT_OUT_NOT_ACTIVE,
                _("只有有效状态的守信记录可以退出；该记录当前为“%(status)s”。")
                % {"status": record.get_status_display()},
                f"Only an active record can be withdrawn; this one is {record.status}.",
            )
        return _record_status_change(
            record,
            status=RecordStatus.WITHDRAWN,
            event_type=OutboxEventType.RECORD_WITHDRAWN,
            actor=actor,
            request=request,
        )


def record_reinstate(
    *, actor, subject_index: str, record_id: int, today: datetime.date | None = None, request=None
) -> CreditRecord:
    """The person reinstates a good-conduct record they withdrew, while it is still valid
    (``valid_until`` after today): status ``active`` again, back in lists, checks, reports and
    the public site. Refusals write nothing: not withdrawn, or no longer valid (the record would
    have ended meanwhile). Writes the next version, one ``update`` audit event and a
    ``record.reinstated`` outbox event."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _own_record_locked(subject_index=subject_index, record_id=record_id)
        if record.status != RecordStatus.WITHDRAWN:
            raise _opt_out_refusal(
                error_codes.RECORD_REINSTATE_NOT_WITHDRAWN,
                _("只有已退出的守信记录可以恢复。"),
                "Only a withdrawn record can be reinstated.",
            )
        if record.valid_until is not None and record.valid_until <= today:
            raise _opt_out_refusal(
                error_codes.RECORD_REINSTATE_NO_LONGER_VALID,
                _("该记录的有效期已于 %(day)s 届满，不能恢复。")
                % {"day": record.valid_until.isoformat()},
                f"The record's validity ended on {record.valid_until.isoformat()}; "
                "it cannot be reinstated.",
            )
        return _record_status_change(
            record,
            status=RecordStatus.ACTIVE,
            event_type=OutboxEventType.RECORD_REINSTATED,
            actor=actor,
            request=request,
        )


def _own_record_locked(*, subject_index: str, record_id: int) -> CreditRecord:
    record = (
        CreditRecord.objects.select_for_update(of=("self",))
        .select_related("item", "department")
        .filter(pk=record_id, subject_index=subject_index)
        .first()
    )
    if record is None or not subject_index:
        raise NotFoundError(
            error_codes.RECORD_NOT_FOUND,
            _("未找到该信用记录。"),
            "The credit record was not found.",
        )
    return record


def _opt_out_refusal(code: str, message: str, message_en: str) -> DomainError:
    return DomainError(code=code, message=message, message_en=message_en, status=409)


def _record_status_change(
    record: CreditRecord,
    *,
    status: str,
    event_type: str,
    actor,
    request=None,
    now: datetime.datetime | None = None,
    detail: Mapping[str, Any] | None = None,
) -> CreditRecord:
    """Move ``record`` (locked) to ``status`` as its next version: the current version is
    superseded and a copy with the new status recorded by ``actor``; then the audit event and
    the outbox event, all in the caller's transaction. ``detail`` (no personal data) names the
    case that made the change, in the audit and the outbox event."""
    now = now or timezone.now()
    current = RecordVersion.objects.filter(record=record, superseded_at__isnull=True).first()
    previous = record.status
    record.status = status
    record.status_changed_at = now
    record.current_version += 1
    record.save(update_fields=["status", "status_changed_at", "current_version", "updated_at"])
    if current is not None:
        RecordVersion.objects.filter(pk=current.pk).update(superseded_at=now)
        RecordVersion.objects.create(
            record=record,
            subject_index=record.subject_index,
            number=record.current_version,
            values=current.values,
            status=status,
            catalog_version_id=current.catalog_version_id,
            content_hash=current.content_hash,
            valid_from=current.valid_from,
            valid_to=current.valid_to,
            recorded_at=now,
            recorded_by=actor,
        )
    audit_events.change_event(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=RECORD_OBJECT_TYPE,
        object_id=str(record.pk),
        subject_index=record.subject_index,
        detail={
            "from": previous,
            "to": status,
            "version": record.current_version,
            **(detail or {}),
        },
        request=request,
    )
    outbox_event_record(event_type=event_type, record=record, detail=dict(detail or {}))
    return record


def record_repair(
    *, actor, record: CreditRecord, now: datetime.datetime, detail: Mapping[str, Any]
) -> CreditRecord:
    """Mark ``record`` repaired (SPEC §5, §8: an approved credit repair): its next version with
    status ``repaired`` and the same values, so an as-of read before ``now`` still shows it
    active; its audit event and its outbox event ``record.repaired``, all in the caller's
    transaction, with ``record`` locked (``select_for_update``). From then on the record is out
    of checks, lists and the public site, and stays in the person's own file with its dates.

    Called by the repair service when the deciding department approves; ``detail`` names the
    application (no personal data). Refused (409) unless the record is active.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A record is repaired in the transaction of its repair decision.")
    if record.status != RecordStatus.ACTIVE:
        raise DomainError(
            code=error_codes.RECORD_NOT_ACTIVE,
            message=_("该记录状态为“%(status)s”，只有有效的记录可以修复。")
            % {"status": RecordStatus(record.status).label},
            message_en="Only an active record can be repaired.",
            status=409,
        )
    return _record_status_change(
        record,
        status=RecordStatus.REPAIRED,
        event_type=OutboxEventType.RECORD_REPAIRED,
        actor=actor,
        now=now,
        detail={"change": "repaired", **detail},
    )
