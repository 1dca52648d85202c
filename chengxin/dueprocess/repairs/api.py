"""Repair endpoints under /api/v1/repairs, for department systems and the credit office
(docs/dueprocess.md, "The API"; docs/api.md for authentication and the error format).

A bearer token of a provider reads and decides its department's applications; one of a
reviewer of the credit office reads every application and applies for a person at the counter
(multipart, with the power of attorney, the proof and the accepted commitment). Another
department's application is not found; the person's ID number travels only in the body.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from chengxin.api.auth import bearer_auth
from chengxin.api.openapi import problem_answers
from chengxin.dueprocess.attachment_views import attachment_response
from chengxin.dueprocess.case_api import (
    attachment_download_answers,
    attachment_id_parsed,
    case_attachments_json,
    case_record_json,
)
from chengxin.dueprocess.objections.forms import incoming
from chengxin.dueprocess.repairs import services
from chengxin.dueprocess.repairs.api_schemas import (
    RepairCommitmentOut,
    RepairDecideIn,
    RepairOut,
    RepairPageOut,
    RepairQueueIn,
)
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.deadlines import is_overdue, working_days_left
from chengxin.dueprocess.repairs.limits import COMMITMENT_VERSION_MAX_LENGTH, TEXT_MAX_LENGTH
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.selectors import (
    QueueFilters,
    repair_attachment_get,
    repair_attachments,
    repair_get_visible_to,
    repair_queue_visible_to,
)
from chengxin.identity.validation import ID_NUMBER_INPUT_MAX_LENGTH

router = Router(tags=["repairs"], auth=bearer_auth)

IdNumber = Annotated[
    str,
    Field(
        max_length=ID_NUMBER_INPUT_MAX_LENGTH,
        description="The person's resident identity number, as on the identity card.",
    ),
]
RepairText = Annotated[
    str,
    Field(max_length=TEXT_MAX_LENGTH, description="How the obligation was met, in words."),
]
CommitmentVersion = Annotated[
    str,
    Field(
        max_length=COMMITMENT_VERSION_MAX_LENGTH,
        description="The version of the commitment the person accepted (`GET /repairs/commitment`).",
    ),
]

_SEEN = {403: "`repair_decision_role_required`: the role sees no repair applications."}
_ONE = {**_SEEN, 404: "`repair_not_found` (also another department's application)."}
_ELIGIBILITY = (
    "`repair_not_negative`, `repair_not_needed` (a minor record), `repair_excluded_by_law`, "
    "`repair_not_yet_repairable` (with `repairable_from`), `repair_record_disputed`, "
    "`repair_already_open`, `repair_commitment_outdated`"
)


@router.post(
    "",
    response={201: RepairOut},
    operation_id="repairs_create",
    summary="Apply for credit repair for a person (counter)",
    openapi_extra=problem_answers(
        {
            403: "`repair_filing_role_required`: only a reviewer of the credit office.",
            404: "`repair_record_not_found`, `repair_record_not_active`.",
            409: _ELIGIBILITY + ".",
            413: "The files are larger than a case may hold.",
            422: (
                "`request_invalid` (the schema), `id_number_invalid`, `repair_person_mismatch`, "
                "`repair_power_of_attorney_required`, `repair_proof_required`, "
                "`repair_text_required`, `repair_commitment_required`, `text_too_long`, "
                "`text_holds_id_number`, `dueprocess.attachment_*` (each file named in "
                "`errors`)."
            ),
        }
    ),
)
def repair_create(
    request: HttpRequest,
    record_id: Form[int],
    id_number: Form[IdNumber],
    text: Form[RepairText],
    commitment_version: Form[CommitmentVersion],
    commitment_accepted: Form[bool],
    power_of_attorney: File[UploadedFile],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    """The credit office's reviewer applies at the service counter for the person with
    ``id_number``, who signed the ``power_of_attorney`` and accepted the commitment;
    ``attachments``: the proof that the obligation was met (one to four files)."""
    repair = services.repair_apply_on_behalf(
        actor=request.user,
        record_id=record_id,
        id_number=id_number,
        text=text,
        commitment_version=commitment_version,
        commitment_accepted=commitment_accepted,
        power_of_attorney=incoming([power_of_attorney])[0],
        files=incoming(attachments),
        request=request,
    )
    return Status(201, repair_json(_reloaded(request, repair.pk)))


@router.get(
    "",
    response=RepairPageOut,
    operation_id="repairs_list",
    summary="Repair applications the caller sees",
    openapi_extra=problem_answers(_SEEN),
)
def repair_list(request: HttpRequest, filters: Query[RepairQueueIn]):
    """One page of the applications of the caller's department (every department for the
    credit office): open ones first, the nearest deadline first, then the newest."""
    queue = repair_queue_visible_to(
        user=request.user,
        filters=QueueFilters(
            status=filters.status.value if filters.status else "",
            item=filters.item,
            overdue=filters.overdue,
        ),
        today=timezone.localdate(),
        page=filters.page,
        page_size=filters.page_size,
    )
    page = queue.page
    return {
        "count": page.paginator.count,
        "page": page.number,
        "page_size": filters.page_size,
        "pages": page.paginator.num_pages,
        "results": [
            _summary(row.repair, left=row.working_days_left, overdue=row.overdue)
            for row in queue.rows
        ],
    }


@router.get(
    "/commitment",
    response=RepairCommitmentOut,
    operation_id="repairs_commitment",
    summary="The credit commitment in force",
)
def repair_commitment(request: HttpRequest):
    """The text of the credit commitment (信用承诺书) the person accepts, its version, hash and
    source: an application names the version accepted."""
    template = current_template()
    return {
        "version": template.version,
        "text": template.text,
        "sha256": template.sha256,
        "source": template.source,
    }


@router.get(
    "/{int:repair_id}",
    response=RepairOut,
    operation_id="repairs_get",
    summary="One repair application",
    openapi_extra=problem_answers(_ONE),
)
def repair_get(request: HttpRequest, repair_id: int):
    """The application with the record, the text, the commitment, the decision and the files
    (an audited read of the person's data)."""
    repair = repair_get_visible_to(user=request.user, repair_id=repair_id)
    services.repair_case_read(actor=request.user, repair=repair, request=request)
    return repair_json(repair)


@router.post(
    "/{int:repair_id}/decision",
    response=RepairOut,
    operation_id="repairs_decide",
    summary="Decide a repair application",
    openapi_extra=problem_answers(
        {
            **_ONE,
            403: "`repair_decision_role_required` (not a provider), `repair_wrong_department`.",
            409: (
                "`repair_already_decided` (a second decision), `repair_state_conflict`, "
                "`repair_record_disputed`, `record_not_active`."
            ),
            422: (
                "`request_invalid` (the schema), `repair_reasons_required` (a rejection), "
                "`text_too_long`, `text_holds_id_number`."
            ),
        }
    ),
)
def repair_decide(request: HttpRequest, repair_id: int, payload: RepairDecideIn):
    """Approved (the record becomes `repaired` at once: out of checks, lists and the public
    site) or rejected, with reasons."""
    repair_get_visible_to(user=request.user, repair_id=repair_id)
    services.repair_decide(
        actor=request.user,
        repair_id=repair_id,
        outcome=payload.outcome.value,
        reasons=payload.reasons,
        request=request,
    )
    return repair_json(_reloaded(request, repair_id))


@router.get(
    "/{int:repair_id}/attachments/{attachment_id}",
    operation_id="repairs_attachments_get",
    summary="One file of a repair application",
    openapi_extra=attachment_download_answers(
        _ONE, not_found="`repair_not_found`, `repair_attachment_not_found`."
    ),
)
def repair_attachment(request: HttpRequest, repair_id: int, attachment_id: str):
    """One file of the application; every download is an audited read of the person's data."""
    repair = repair_get_visible_to(user=request.user, repair_id=repair_id)
    attachment = repair_attachment_get(
        repair=repair, attachment_id=attachment_id_parsed(attachment_id)
    )
    data = services.repair_attachment_open(
        actor=request.user, repair=repair, attachment=attachment, request=request
    )
    return attachment_response(data, attachment)


def _reloaded(request: HttpRequest, repair_id: int) -> Repair:
    return repair_get_visible_to(user=request.user, repair_id=repair_id)


def _summary(repair: Repair, *, left: int | None, overdue: bool) -> dict[str, Any]:
    record = repair.record
    return {
        "repair_id": repair.pk,
        "status": repair.status,
        "status_name": repair.get_status_display(),
        "channel": repair.channel,
        "record": {
            **case_record_json(record, department=repair.department.code),
            "repairable_from": record.repairable_from,
            "disclosure_ends_on": record.disclosure_ends_on,
        },
        "record_version": repair.record_version,
        "applied_at": repair.applied_at,
        "applied_on": repair.applied_on,
        "deadline": repair.deadline,
        "working_days_left": left,
        "overdue": overdue,
    }


def repair_json(repair: Repair) -> dict[str, Any]:
    """One application as ``repairs_get`` answers it."""
    today = timezone.localdate()
    left = working_days_left([repair.deadline], today=today).get(repair.deadline)
    overdue = is_overdue(status=repair.status, deadline=repair.deadline, today=today)
    subject = repair.record.subject
    return {
        **_summary(repair, left=left if repair.is_open else None, overdue=overdue),
        "text": repair.text,
        "person": {"id_masked": subject.id_masked, "name_masked": subject.name_masked},
        "allowed_working_days": repair.allowed_working_days,
        "commitment": {
            "version": repair.commitment_version,
            "text": repair.commitment_text,
            "sha256": repair.commitment_sha256,
            "accepted_at": repair.commitment_accepted_at,
        },
        "decision": None
        if repair.decided_at is None
        else {
            "decided_at": repair.decided_at,
            "outcome": repair.status,
            "reasons": repair.reasons,
            "repaired_version": repair.repaired_version,
        },
        "attachments": case_attachments_json(
            repair_attachments(repair), power_of_attorney_id=repair.power_of_attorney_id
        ),
    }
