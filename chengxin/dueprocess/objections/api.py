"""Objection endpoints under /api/v1/objections, for department systems and the credit office
(docs/dueprocess.md, "The API"; docs/api.md for authentication and the error format).

A bearer token of a provider works its department's objections (accept, not admissible,
extension, decision); one of a reviewer of the credit office reads every objection, files one for
a person at the counter (multipart, with the power of attorney) and decides reviews. Another
department's objection is not found; the person's ID number travels only in the filing's body.
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
from chengxin.dueprocess.objections import services
from chengxin.dueprocess.objections.api_schemas import (
    DecideIn,
    ExtendIn,
    ObjectionOut,
    ObjectionPageOut,
    QueueIn,
    RefuseIn,
    ReviewDecisionIn,
)
from chengxin.dueprocess.objections.choices import ObjectionGrounds
from chengxin.dueprocess.objections.deadlines import deadline_owner, is_overdue, working_days_left
from chengxin.dueprocess.objections.forms import incoming
from chengxin.dueprocess.objections.limits import TEXT_MAX_LENGTH
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.selectors import (
    QueueFilters,
    objection_attachment_get,
    objection_attachments,
    objection_get_visible_to,
    objection_queue_visible_to,
    objection_statement,
)
from chengxin.identity.validation import ID_NUMBER_INPUT_MAX_LENGTH

router = Router(tags=["objections"], auth=bearer_auth)

IdNumber = Annotated[
    str,
    Field(
        max_length=ID_NUMBER_INPUT_MAX_LENGTH,
        description="The person's resident identity number, as on the identity card.",
    ),
]
ClaimText = Annotated[
    str,
    Field(max_length=TEXT_MAX_LENGTH, description="What is wrong with the record, in words."),
]

_SEEN = {403: "`objection_decision_role_required`: the role sees no objections."}
_ONE = {**_SEEN, 404: "`objection_not_found` (also another department's objection)."}
_DECISION = {
    **_ONE,
    403: ("`objection_decision_role_required` (not a provider), `objection_wrong_department`."),
    409: "`objection_state_conflict`: the objection is not in a state this step starts from.",
}


@router.post(
    "",
    response={201: ObjectionOut},
    operation_id="objections_create",
    summary="File an objection for a person (counter)",
    openapi_extra=problem_answers(
        {
            403: "`objection_filing_role_required`: only a reviewer of the credit office.",
            404: "`objection_record_not_found`.",
            409: (
                "`objection_already_open`, `objection_record_not_objectionable` (a revoked or "
                "withdrawn record)."
            ),
            413: "The files are larger than a case may hold.",
            422: (
                "`request_invalid` (the schema), `id_number_invalid`, "
                "`objection_person_mismatch`, `objection_power_of_attorney_required`, "
                "`objection_grounds_invalid`, `objection_text_required`, `text_too_long`, "
                "`text_holds_id_number`, `dueprocess.attachment_*` (each file named in "
                "`errors`)."
            ),
        }
    ),
)
def objection_create(
    request: HttpRequest,
    record_id: Form[int],
    id_number: Form[IdNumber],
    grounds: Form[ObjectionGrounds],
    text: Form[ClaimText],
    power_of_attorney: File[UploadedFile],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    """The credit office's reviewer files an objection at the service counter for the person
    with ``id_number``, who signed the ``power_of_attorney`` (PDF, JPEG or PNG); the record is
    flagged ``disputed`` at once. ``attachments``: up to four more files."""
    objection = services.objection_file_on_behalf(
        actor=request.user,
        record_id=record_id,
        id_number=id_number,
        grounds=grounds.value,
        text=text,
        power_of_attorney=incoming([power_of_attorney])[0],
        files=incoming(attachments),
        request=request,
    )
    return Status(201, objection_json(_reloaded(request, objection.pk)))


@router.get(
    "",
    response=ObjectionPageOut,
    operation_id="objections_list",
    summary="Objections the caller sees",
    openapi_extra=problem_answers(_SEEN),
)
def objection_list(request: HttpRequest, filters: Query[QueueIn]):
    """One page of the objections of the caller's department (every department for the credit
    office): open ones first, the nearest deadline first, then the newest."""
    today = timezone.localdate()
    queue = objection_queue_visible_to(
        user=request.user,
        filters=QueueFilters(
            status=filters.status.value if filters.status else "",
            item=filters.item,
            overdue=filters.overdue,
        ),
        today=today,
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
            _summary(row.objection, left=row.working_days_left, overdue=row.overdue)
            for row in queue.rows
        ],
    }


@router.get(
    "/{int:objection_id}",
    response=ObjectionOut,
    operation_id="objections_get",
    summary="One objection",
    openapi_extra=problem_answers(_ONE),
)
def objection_get(request: HttpRequest, objection_id: int):
    """The objection with the record, the grounds, the deadline, the decision, the review, the
    statement and the files (an audited read of the person's data)."""
    objection = objection_get_visible_to(user=request.user, objection_id=objection_id)
    services.objection_case_read(actor=request.user, objection=objection, request=request)
    return objection_json(objection)


@router.post(
    "/{int:objection_id}/accept",
    response=ObjectionOut,
    operation_id="objections_accept",
    summary="Accept an objection",
    openapi_extra=problem_answers(_DECISION),
)
def objection_accept(request: HttpRequest, objection_id: int):
    """The providing department accepts the objection for examination."""
    objection_get_visible_to(user=request.user, objection_id=objection_id)
    services.objection_accept(actor=request.user, objection_id=objection_id, request=request)
    return objection_json(_reloaded(request, objection_id))


@router.post(
    "/{int:objection_id}/not-admissible",
    response=ObjectionOut,
    operation_id="objections_refuse",
    summary="Refuse an objection as not admissible",
    openapi_extra=problem_answers(
        {
            **_DECISION,
            422: "`request_invalid` (the schema), `text_too_long`, `text_holds_id_number`.",
        }
    ),
)
def objection_refuse(request: HttpRequest, objection_id: int, payload: RefuseIn):
    """Not admissible (不予受理), with the reason and its explanation; the flag is cleared."""
    objection_get_visible_to(user=request.user, objection_id=objection_id)
    services.objection_refuse(
        actor=request.user,
        objection_id=objection_id,
        reason=payload.reason.value,
        reasons=payload.reasons,
        request=request,
    )
    return objection_json(_reloaded(request, objection_id))


@router.post(
    "/{int:objection_id}/extension",
    response=ObjectionOut,
    operation_id="objections_extend",
    summary="Extend the deadline once",
    openapi_extra=problem_answers(
        {
            **_DECISION,
            409: "`objection_state_conflict`, `objection_extension_used` (one extension).",
            422: (
                "`request_invalid` (the schema), `objection_extension_invalid`, "
                "`text_too_long`, `text_holds_id_number`."
            ),
        }
    ),
)
def objection_extend(request: HttpRequest, objection_id: int, payload: ExtendIn):
    """Extend the department's deadline once, with a reason, to ``working_days`` in all."""
    objection_get_visible_to(user=request.user, objection_id=objection_id)
    services.objection_extend(
        actor=request.user,
        objection_id=objection_id,
        working_days=payload.working_days,
        reason=payload.reason,
        request=request,
    )
    return objection_json(_reloaded(request, objection_id))


@router.post(
    "/{int:objection_id}/decision",
    response=ObjectionOut,
    operation_id="objections_decide",
    summary="Decide an objection",
    openapi_extra=problem_answers(
        {
            **_DECISION,
            409: ("`objection_already_decided` (a second decision), `objection_state_conflict`."),
            422: (
                "`request_invalid` (the schema), `objection_resolution_required`, "
                "`objection_correction_required`, `objection_correction_field_unknown`, "
                "`objection_correction_invalid` (the item's rules, each field named "
                "`corrections.<field>`), `objection_correction_unchanged`, `text_too_long`, "
                "`text_holds_id_number`."
            ),
        }
    ),
)
def objection_decide(request: HttpRequest, objection_id: int, payload: DecideIn):
    """Upheld (the record corrected with a new version, or revoked) or rejected, with reasons;
    the flag is cleared either way."""
    objection_get_visible_to(user=request.user, objection_id=objection_id)
    services.objection_decide(
        actor=request.user,
        objection_id=objection_id,
        outcome=payload.outcome.value,
        resolution=payload.resolution.value if payload.resolution else "",
        corrections=payload.corrections,
        reasons=payload.reasons,
        request=request,
    )
    return objection_json(_reloaded(request, objection_id))


@router.post(
    "/{int:objection_id}/review-decision",
    response=ObjectionOut,
    operation_id="objections_review_decide",
    summary="Decide a review (credit office)",
    openapi_extra=problem_answers(
        {
            **_ONE,
            403: "`objection_review_role_required`: only a reviewer of the credit office.",
            409: "`objection_state_conflict`: no review was asked for.",
            422: "`request_invalid` (the schema), `text_too_long`, `text_holds_id_number`.",
        }
    ),
)
def objection_review_decide(request: HttpRequest, objection_id: int, payload: ReviewDecisionIn):
    """The credit office confirms the rejection (closed) or overturns it (the department must
    correct or revoke the record)."""
    objection_get_visible_to(user=request.user, objection_id=objection_id)
    services.objection_review_decide(
        actor=request.user,
        objection_id=objection_id,
        outcome=payload.outcome.value,
        reasons=payload.reasons,
        request=request,
    )
    return objection_json(_reloaded(request, objection_id))


@router.get(
    "/{int:objection_id}/attachments/{attachment_id}",
    operation_id="objections_attachments_get",
    summary="One file of an objection",
    openapi_extra=attachment_download_answers(
        _ONE, not_found="`objection_not_found`, `objection_attachment_not_found`."
    ),
)
def objection_attachment(request: HttpRequest, objection_id: int, attachment_id: str):
    """One file of the objection; every download is an audited read of the person's data."""
    objection = objection_get_visible_to(user=request.user, objection_id=objection_id)
    attachment = objection_attachment_get(
        objection=objection, attachment_id=attachment_id_parsed(attachment_id)
    )
    data = services.objection_attachment_open(
        actor=request.user, objection=objection, attachment=attachment, request=request
    )
    return attachment_response(data, attachment)


def _reloaded(request: HttpRequest, objection_id: int) -> Objection:
    return objection_get_visible_to(user=request.user, objection_id=objection_id)


def _summary(objection: Objection, *, left: int | None, overdue: bool) -> dict[str, Any]:
    record = objection.record
    return {
        "objection_id": objection.pk,
        "status": objection.status,
        "status_name": objection.get_status_display(),
        "grounds": objection.grounds,
        "grounds_name": objection.get_grounds_display(),
        "channel": objection.channel,
        "record": case_record_json(record, department=objection.department.code),
        "record_version": objection.record_version,
        "filed_at": objection.filed_at,
        "filed_on": objection.filed_on,
        "deadline": objection.deadline,
        "deadline_owner": deadline_owner(objection.status),
        "working_days_left": left,
        "overdue": overdue,
    }


def objection_json(objection: Objection) -> dict[str, Any]:
    """One objection as ``objections_get`` answers it."""
    today = timezone.localdate()
    left = working_days_left([objection.deadline], today=today).get(objection.deadline)
    overdue = is_overdue(status=objection.status, deadline=objection.deadline, today=today)
    subject = objection.record.subject
    statement = objection_statement(objection)
    return {
        **_summary(objection, left=left if objection.is_open else None, overdue=overdue),
        "text": objection.text,
        "person": {"id_masked": subject.id_masked, "name_masked": subject.name_masked},
        "allowed_working_days": objection.allowed_working_days,
        "accepted_at": objection.accepted_at,
        "extension": _extension(objection),
        "decision": _decision(objection),
        "review": _review(objection),
        "statement": None
        if statement is None
        else {
            "text": statement.text,
            "made_at": statement.made_at,
            "current": statement.superseded_at is None,
        },
        "attachments": case_attachments_json(
            objection_attachments(objection), power_of_attorney_id=objection.power_of_attorney_id
        ),
    }


def _extension(objection: Objection) -> dict[str, Any] | None:
    if objection.extended_at is None:
        return None
    return {"extended_at": objection.extended_at, "reason": objection.extension_reason}


def _decision(objection: Objection) -> dict[str, Any] | None:
    if objection.decided_at is None:
        return None
    outcome = (
        "not_admissible"
        if objection.refusal_reason
        else ("upheld" if objection.resolution else "rejected")
    )
    return {
        "decided_at": objection.decided_at,
        "outcome": outcome,
        "refusal_reason": objection.refusal_reason,
        "resolution": objection.resolution,
        "corrected_version": objection.corrected_version,
        "reasons": objection.reasons,
        "review_request_until": objection.review_request_until,
    }


def _review(objection: Objection) -> dict[str, Any] | None:
    if objection.review_requested_at is None:
        return None
    return {
        "requested_at": objection.review_requested_at,
        "reason": objection.review_reason,
        "decided_at": objection.review_decided_at,
        "outcome": objection.review_outcome,
        "reasons": objection.review_reasons,
    }
