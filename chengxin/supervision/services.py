"""Changes to the supervision registers, each in one transaction with its audit event
(docs/supervision.md).

Every refusal raises a ``DomainError`` before anything is written (or inside the transaction,
which then writes nothing): 403 for a role that may not act, 422 naming the field for bad
input, 409 for a state that does not allow the step.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.models import ApiToken, Department
from chengxin.accounts.services import api_token_revoke, service_account_get_or_create
from chengxin.collection.choices import Operation, SubmissionChannel
from chengxin.collection.models import Submission
from chengxin.collection.services import submission_create
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import TextField, field_refusal, text_checked
from chengxin.identity.selectors import subject_id_number, subject_name
from chengxin.identity.services import subject_get_or_create
from chengxin.identity.validation import validate_uscc
from chengxin.supervision import error_codes, limits
from chengxin.supervision.choices import (
    RECORD_ROLE,
    DelistingReason,
    HandlerKind,
    InspectionStatus,
    LicenceStatus,
    ListingStatus,
    PractitionerRole,
    Severity,
)
from chengxin.supervision.models import (
    AgencyToken,
    BlacklistListing,
    CreditAgency,
    DataHandler,
    Inspection,
    Practitioner,
    Violation,
)
from chengxin.supervision.permissions import can_decide, can_keep_registers

RESPONSIBLE_ITEM = "credit-agency-blacklist-responsible"
SERVICE_ACCOUNT_KIND = "supervision"
RECORD_READ_PURPOSE = "违规经营黑名单责任人员信用记录报送"
USCC_FIELD = "uscc"


# --- credit agencies ------------------------------------------------------------------------


def agency_register(
    *,
    actor,
    name: str,
    uscc: str,
    licence_no: str,
    licence_status: str,
    regulator: Department | None,
    address: str = "",
    contact: str = "",
) -> CreditAgency:
    """Register a credit agency. The USCC is validated (GB 32100) and must be new; the regulator
    is the supervising department. Audited ``create``."""
    _check_registers(actor)
    values = _agency_values(
        name=name,
        uscc=uscc,
        licence_no=licence_no,
        licence_status=licence_status,
        regulator=regulator,
        address=address,
        contact=contact,
    )
    with transaction.atomic():
        _check_uscc_free(CreditAgency, values["uscc"])
        agency = CreditAgency.objects.create(**values)
        _audit(actor, AuditAction.CREATE, "credit_agency", agency.pk, _agency_detail(agency))
    return agency


def agency_update(
    *,
    actor,
    agency: CreditAgency,
    name: str,
    uscc: str,
    licence_no: str,
    licence_status: str,
    regulator: Department | None,
    address: str = "",
    contact: str = "",
) -> CreditAgency:
    """Change an agency's register entry (same rules as ``agency_register``); audited
    ``update`` with the fields that changed."""
    _check_registers(actor)
    values = _agency_values(
        name=name,
        uscc=uscc,
        licence_no=licence_no,
        licence_status=licence_status,
        regulator=regulator,
        address=address,
        contact=contact,
    )
    with transaction.atomic():
        locked = CreditAgency.objects.select_for_update().get(pk=agency.pk)
        if values["uscc"] != locked.uscc:
            _check_uscc_free(CreditAgency, values["uscc"])
        changed = _apply(locked, values)
        if changed:
            locked.save()
            _audit(actor, AuditAction.UPDATE, "credit_agency", locked.pk, {"changed": changed})
    return locked


def practitioner_add(
    *,
    actor,
    agency: CreditAgency,
    name: str,
    id_number: str,
    role: str,
    certificate_no: str = "",
) -> Practitioner:
    """Register a practitioner of ``agency``. The person becomes (or is) an identity subject,
    whose number and name are kept encrypted with their blind index; the audit event names the
    subject by its blind index only."""
    _check_registers(actor)
    name = _required_text(name, limits.PERSON_NAME)
    role = _choice(role, PractitionerRole, field="role", label=_("职务"))
    certificate_no = text_checked(certificate_no, limits.CERTIFICATE_NO)
    if not (id_number or "").strip():
        raise _required(TextField(name="id_number", label=_("身份证号码"), max_length=18))
    with transaction.atomic():
        subject = _subject(id_number=id_number, name=name, actor=actor)
        if Practitioner.objects.filter(agency=agency, subject=subject).exists():
            raise DomainError(
                code=error_codes.SUPERVISION_PRACTITIONER_EXISTS,
                message=_("该人员已登记为本机构的从业人员。"),
                message_en="This person is already a registered practitioner of the agency.",
                status=409,
            )
        practitioner = Practitioner.objects.create(
            agency=agency, subject=subject, role=role, certificate_no=certificate_no
        )
        audit_events.change_event(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="credit_practitioner",
            object_id=str(practitioner.pk),
            subject_index=subject.blind_index,
            detail={"agency_id": agency.pk, "role": role},
        )
    return practitioner


def agency_token_link(*, actor, agency: CreditAgency, token_prefix: str) -> AgencyToken:
    """Record that the API token with ``token_prefix`` belongs to ``agency``, so that it stops
    working when the agency is blacklisted. The token must be usable, held by an agency
    account, and not linked yet; a listed agency gets no token."""
    _check_registers(actor)
    token = ApiToken.objects.filter(prefix=(token_prefix or "").strip()).select_related("user")
    found = token.first()
    if found is None:
        raise DomainError(
            code=error_codes.SUPERVISION_TOKEN_NOT_FOUND,
            message=_("没有这个前缀的接口令牌。"),
            message_en="No API token has this prefix.",
            status=422,
            details={"errors": [{"field": "token_prefix"}]},
        )
    _check_linkable(found)
    with transaction.atomic():
        locked = CreditAgency.objects.select_for_update().get(pk=agency.pk)
        if _listing_in_force(locked) is not None:
            raise _agency_listed()
        try:
            with transaction.atomic():
                link = AgencyToken.objects.create(
                    agency=locked, token=found, linked_by=_user_or_none(actor)
                )
        except IntegrityError:
            raise _token_linked() from None
        _audit(
            actor,
            AuditAction.UPDATE,
            "credit_agency",
            locked.pk,
            {"token_linked": found.prefix, "token_id": found.pk},
        )
    return link


# --- monitored data handlers ----------------------------------------------------------------


def handler_register(
    *, actor, name: str, uscc: str, kind: str, collects: Sequence[dict[str, str]], contact: str = ""
) -> DataHandler:
    """Register a monitored data handler with what personal information it collects and on
    what legal basis (each entry both, at most ``COLLECTS_MAX_ENTRIES``). Audited ``create``."""
    _check_registers(actor)
    values = {
        "name": _required_text(name, limits.NAME),
        "uscc": _uscc(uscc),
        "kind": _choice(kind, HandlerKind, field="kind", label=_("类别")),
        "collects": _collects(collects),
        "contact": text_checked(contact, limits.CONTACT),
    }
    with transaction.atomic():
        _check_uscc_free(DataHandler, values["uscc"])
        handler = DataHandler.objects.create(**values)
        _audit(
            actor,
            AuditAction.CREATE,
            "data_handler",
            handler.pk,
            {"uscc": handler.uscc, "kind": handler.kind, "entries": len(handler.collects)},
        )
    return handler


# --- inspections ----------------------------------------------------------------------------


def inspection_open(
    *,
    actor,
    agency: CreditAgency | None = None,
    handler: DataHandler | None = None,
    inspected_on: datetime.date | None,
    inspectors: str,
    scope: str,
    findings: str,
    today: datetime.date | None = None,
) -> Inspection:
    """Record an inspection of one agency or one data handler (exactly one), not dated in the
    future. It starts open. Audited ``create``."""
    _check_registers(actor)
    if (agency is None) == (handler is None):
        raise DomainError(
            code=error_codes.SUPERVISION_TARGET_INVALID,
            message=_("请选择被检查的一家征信机构或一家数据处理者。"),
            message_en="Choose one agency or one data handler to inspect.",
            status=422,
            details={"errors": [{"field": "target"}]},
        )
    today = today or timezone.localdate()
    inspected_on = _date(inspected_on, field="inspected_on", label=_("检查日期"), latest=today)
    values = {
        "inspectors": _required_text(inspectors, limits.INSPECTORS),
        "scope": _required_text(scope, limits.SCOPE),
        "findings": _required_text(findings, limits.FINDINGS),
    }
    with transaction.atomic():
        inspection = Inspection.objects.create(
            agency=agency,
            handler=handler,
            inspected_on=inspected_on,
            created_by=_user_or_none(actor),
            **values,
        )
        _audit(actor, AuditAction.CREATE, "inspection", inspection.pk, _target_detail(inspection))
    return inspection


def inspection_follow_up_require(
    *, actor, inspection: Inspection, follow_up: str, due: datetime.date | None
) -> Inspection:
    """Ask the inspected party to put things right by ``due`` (not before the inspection):
    open → follow_up_due. Audited ``update``."""
    _check_registers(actor)
    follow_up = _required_text(follow_up, limits.FOLLOW_UP)
    due = _date(due, field="follow_up_due", label=_("整改期限"), earliest=inspection.inspected_on)
    with transaction.atomic():
        locked = _inspection_locked(inspection, allowed=(InspectionStatus.OPEN,))
        locked.follow_up, locked.follow_up_due = follow_up, due
        locked.status = InspectionStatus.FOLLOW_UP_DUE
        locked.save(update_fields=["follow_up", "follow_up_due", "status"])
        _audit(
            actor,
            AuditAction.UPDATE,
            "inspection",
            locked.pk,
            {"status": locked.status, "follow_up_due": due.isoformat()},
        )
    return locked


def inspection_close(
    *, actor, inspection: Inspection, note: str, today: datetime.date | None = None
) -> Inspection:
    """Close an open inspection or one whose follow-up was checked, with a closing note.
    Audited ``decision``."""
    _check_registers(actor)
    note = _required_text(note, limits.CLOSING_NOTE)
    with transaction.atomic():
        locked = _inspection_locked(
            inspection, allowed=(InspectionStatus.OPEN, InspectionStatus.FOLLOW_UP_DUE)
        )
        locked.status = InspectionStatus.CLOSED
        locked.closing_note = note
        locked.closed_on = today or timezone.localdate()
        locked.save(update_fields=["status", "closing_note", "closed_on"])
        _audit(actor, AuditAction.DECISION, "inspection", locked.pk, {"status": locked.status})
    return locked


# --- violations and the blacklist -----------------------------------------------------------


def violation_record(
    *,
    actor,
    inspection: Inspection,
    severity: str,
    description: str,
    basis: str,
    decided_on: datetime.date | None,
    decision_document: str = "",
    responsible: Iterable[int] = (),
    listing_reason: str = "",
    listing_until: datetime.date | None = None,
    today: datetime.date | None = None,
    request=None,
) -> Violation:
    """Record a violation found by ``inspection`` (not closed).

    A serious violation of an agency also puts the agency on the violation blacklist, in the
    same transaction (``_agency_blacklist``): its listing, the revocation of every token of the
    agency, and the responsible persons' records sent through the submission service. Any
    refusal along the way writes nothing at all.
    """
    _check_decider(actor)
    today = today or timezone.localdate()
    severity = _choice(severity, Severity, field="severity", label=_("严重程度"))
    values = {
        "description": _required_text(description, limits.DESCRIPTION),
        "basis": _required_text(basis, limits.BASIS),
        "decided_on": _date(decided_on, field="decided_on", label=_("认定日期"), latest=today),
        "decision_document": text_checked(decision_document, limits.DOCUMENT),
    }
    listing = severity == Severity.SERIOUS and inspection.agency_id is not None
    if listing:
        listing_reason, listing_until = _listing_terms(
            values, reason=listing_reason, until=listing_until, today=today
        )
    with transaction.atomic():
        locked = _inspection_locked(
            inspection, allowed=(InspectionStatus.OPEN, InspectionStatus.FOLLOW_UP_DUE)
        )
        people = _responsible(locked, responsible)
        violation = Violation.objects.create(
            inspection=locked, severity=severity, created_by=_user_or_none(actor), **values
        )
        violation.responsible.set(people)
        _audit(
            actor,
            AuditAction.CREATE,
            "violation",
            violation.pk,
            {"inspection_id": locked.pk, "severity": severity, "responsible": len(people)},
        )
        if listing:
            _agency_blacklist(
                actor=actor,
                violation=violation,
                people=people,
                reason=listing_reason,
                until=listing_until,
                request=request,
            )
    return violation


def listing_delist(
    *,
    actor,
    listing: BlacklistListing,
    reason: str,
    note: str = "",
    today: datetime.date | None = None,
) -> BlacklistListing:
    """Take an agency off the blacklist: at the end of its period (``expired``, only once
    ``until`` has passed) or by a decision (``decision``, with a note). Tokens revoked by the
    listing stay revoked; the agency is issued new ones. Audited ``decision``."""
    _check_decider(actor)
    return _delist(actor=actor, listing=listing, reason=reason, note=note, today=today)


def listings_delist_expired(*, today: datetime.date | None = None) -> int:
    """Delist every listing whose period ended before ``today`` (the platform acts, actor
    ``None``); the number delisted. Idempotent: run daily."""
    today = today or timezone.localdate()
    expired = BlacklistListing.objects.filter(status=ListingStatus.LISTED, until__lt=today)
    count = 0
    for listing in expired:
        _delist(actor=None, listing=listing, reason=DelistingReason.EXPIRED, note="", today=today)
        count += 1
    return count


def _agency_blacklist(*, actor, violation: Violation, people, reason, until, request) -> None:
    """The listing, its audit event, the revocation of the agency's tokens and the responsible
    persons' records; called inside ``violation_record``'s transaction."""
    agency = CreditAgency.objects.select_for_update().get(pk=violation.inspection.agency_id)
    if _listing_in_force(agency) is not None:
        raise _agency_listed()
    listing = BlacklistListing.objects.create(
        agency=agency,
        violation=violation,
        reason=reason,
        basis=violation.basis,
        decision_document=violation.decision_document,
        listed_on=violation.decided_on,
        until=until,
    )
    revoked = _agency_tokens_revoke(agency, actor=actor)
    listing.submission = _responsible_records_send(listing, people, actor=actor, request=request)
    listing.save(update_fields=["submission"])
    _audit(
        actor,
        AuditAction.DECISION,
        "blacklist_listing",
        listing.pk,
        {
            "agency_id": agency.pk,
            "uscc": agency.uscc,
            "listed_on": listing.listed_on.isoformat(),
            "until": until.isoformat(),
            "tokens_revoked": revoked,
            "submission_id": listing.submission_id,
        },
    )


def _agency_tokens_revoke(agency: CreditAgency, *, actor) -> int:
    """Revoke every usable token linked to ``agency`` and every other usable token of the
    accounts that hold one (a token issued to the agency's account but not linked yet)."""
    accounts = ApiToken.objects.filter(agency_link__agency=agency).values("user_id")
    tokens = ApiToken.objects.filter(
        Q(agency_link__agency=agency) | Q(user_id__in=accounts), revoked_at__isnull=True
    ).order_by("pk")
    count = 0
    for token in tokens:
        api_token_revoke(token=token, actor=actor)
        count += 1
    return count


def _responsible_records_send(
    listing: BlacklistListing, people: list[Practitioner], *, actor, request
) -> Submission | None:
    """One submission of the responsible persons' records, as the regulator's provider; every
    row must be accepted, or the whole listing is refused."""
    if not people:
        return None
    agency = listing.agency
    department = agency.regulator
    provider = service_account_get_or_create(
        department=department,
        kind=SERVICE_ACCOUNT_KIND,
        display_name=_("征信机构监管（%(name)s）")
        % {"name": department.short_name or department.name},
    )
    records = [
        _responsible_record(listing, person, actor=actor, request=request) for person in people
    ]
    answer = submission_create(
        actor=provider,
        department=department,
        item_code=RESPONSIBLE_ITEM,
        operation=Operation.UPSERT,
        records=records,
        idempotency_key=f"supervision-listing-{listing.pk}",
        channel=SubmissionChannel.API,
    )
    if answer.rejected:
        raise DomainError(
            code=error_codes.SUPERVISION_RECORDS_REFUSED,
            message=_("责任人员的信用记录未能报送（%(first)s），本次列入未生效。")
            % {"first": answer.errors[0].message},
            message_en="The responsible persons' records were refused; the listing was not made.",
            status=422,
            details={"errors": [{"field": "responsible", "code": e.code} for e in answer.errors]},
        )
    return Submission.objects.get(pk=answer.submission_id)


def _responsible_record(listing, person: Practitioner, *, actor, request) -> dict[str, Any]:
    agency = listing.agency
    return {
        "source_id": f"supervision-listing-{listing.pk}-{person.pk}",
        "id_number": subject_id_number(
            subject=person.subject, viewer=actor, purpose=RECORD_READ_PURPOSE, request=request
        ),
        "name": subject_name(
            subject=person.subject, viewer=actor, purpose=RECORD_READ_PURPOSE, request=request
        ),
        "decided_on": listing.listed_on.isoformat(),
        "authority": agency.regulator.name,
        "document_no": listing.decision_document,
        "agency_name": agency.name,
        "agency_uscc": agency.uscc,
        "role": RECORD_ROLE[person.role],
    }


def _delist(*, actor, listing, reason: str, note: str, today) -> BlacklistListing:
    today = today or timezone.localdate()
    reason = _choice(reason, DelistingReason, field="reason", label=_("移出原因"))
    note = text_checked(note, limits.DELISTING_NOTE)
    if reason == DelistingReason.DECISION and not note:
        raise _required(limits.DELISTING_NOTE)
    with transaction.atomic():
        locked = BlacklistListing.objects.select_for_update().get(pk=listing.pk)
        if locked.status != ListingStatus.LISTED:
            raise DomainError(
                code=error_codes.SUPERVISION_LISTING_STATE,
                message=_("该机构已移出黑名单。"),
                message_en="The agency has already been delisted.",
                status=409,
            )
        if reason == DelistingReason.EXPIRED and locked.until >= today:
            raise DomainError(
                code=error_codes.SUPERVISION_LISTING_NOT_EXPIRED,
                message=_("列入期限尚未届满，不能期满移出；如需提前移出，请按决定移出。"),
                message_en="The listing period has not ended; delist by decision instead.",
                status=409,
            )
        locked.status = ListingStatus.DELISTED
        locked.delisted_on, locked.delisting_reason, locked.delisting_note = today, reason, note
        locked.save(update_fields=["status", "delisted_on", "delisting_reason", "delisting_note"])
        _audit(
            actor,
            AuditAction.DECISION,
            "blacklist_listing",
            locked.pk,
            {"status": locked.status, "reason": reason, "agency_id": locked.agency_id},
        )
    return locked


# --- checks ---------------------------------------------------------------------------------


def _check_registers(actor) -> None:
    if not can_keep_registers(actor):
        raise PermissionDeniedError(
            error_codes.SUPERVISION_ROLE_REQUIRED,
            _("只有信用办审核员和系统管理员可以维护监管登记。"),
            "Only credit-office reviewers and the system admin keep the supervision registers.",
        )


def _check_decider(actor) -> None:
    if not can_decide(actor):
        raise PermissionDeniedError(
            error_codes.SUPERVISION_LISTING_ROLE_REQUIRED,
            _("只有信用办审核员可以认定违规行为和列入、移出黑名单。"),
            "Only credit-office reviewers record violations and list or delist agencies.",
        )


def _agency_values(*, name, uscc, licence_no, licence_status, regulator, address, contact):
    if regulator is None:
        raise _required(TextField(name="regulator", label=_("监管部门"), max_length=32))
    return {
        "name": _required_text(name, limits.NAME),
        "uscc": _uscc(uscc),
        "licence_no": _required_text(licence_no, limits.LICENCE_NO),
        "licence_status": _choice(
            licence_status, LicenceStatus, field="licence_status", label=_("许可状态")
        ),
        "regulator": regulator,
        "address": text_checked(address, limits.ADDRESS),
        "contact": text_checked(contact, limits.CONTACT),
    }


def _uscc(raw: str) -> str:
    """The normalised code, or 422 naming the field with the validator's first reason."""
    validation = validate_uscc(raw)
    if not validation.is_valid:
        first = validation.errors[0]
        raise field_refusal(
            [
                {
                    "field": USCC_FIELD,
                    "code": first.code,
                    "message": first.message,
                    "message_en": first.message_en,
                }
            ]
        )
    return validation.normalised


def _check_uscc_free(model, uscc: str) -> None:
    if model.objects.filter(uscc=uscc).exists():
        raise DomainError(
            code=error_codes.SUPERVISION_USCC_TAKEN,
            message=_("该统一社会信用代码已经登记。"),
            message_en="This unified social credit code is already registered.",
            status=409,
            details={"errors": [{"field": USCC_FIELD}]},
        )


def _required_text(value: str | None, field: TextField) -> str:
    cleaned = text_checked(value, field)
    if not cleaned:
        raise _required(field)
    return cleaned


def _required(field: TextField) -> DomainError:
    return field_refusal(
        [
            {
                "field": field.name,
                "code": error_codes.SUPERVISION_FIELD_REQUIRED,
                "message": _("请填写“%(label)s”。") % {"label": field.label},
                "message_en": f"{field.name} is required.",
            }
        ]
    )


def _choice(value: str, choices, *, field: str, label) -> str:
    if value not in choices.values:
        raise field_refusal(
            [
                {
                    "field": field,
                    "code": error_codes.SUPERVISION_CHOICE_INVALID,
                    "message": _("“%(label)s”的取值无效，请从列表中选择。") % {"label": label},
                    "message_en": f"{field} is not one of the allowed values.",
                }
            ]
        )
    return value


def _date(value, *, field: str, label, earliest=None, latest=None) -> datetime.date:
    if not isinstance(value, datetime.date):
        message = _("请填写“%(label)s”。") % {"label": label}
    elif latest is not None and value > latest:
        message = _("“%(label)s”不能晚于%(date)s。") % {"label": label, "date": latest.isoformat()}
    elif earliest is not None and value < earliest:
        message = _("“%(label)s”不能早于%(date)s。") % {
            "label": label,
            "date": earliest.isoformat(),
        }
    else:
        return value
    raise field_refusal(
        [
            {
                "field": field,
                "code": error_codes.SUPERVISION_DATE_INVALID,
                "message": message,
                "message_en": f"{field} is missing or out of range.",
            }
        ]
    )


def _collects(entries: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for entry in entries:
        information = _required_text(entry.get("information"), limits.INFORMATION)
        basis = _required_text(entry.get("basis"), limits.COLLECTION_BASIS)
        cleaned.append({"information": information, "basis": basis})
    if not cleaned or len(cleaned) > limits.COLLECTS_MAX_ENTRIES:
        raise field_refusal(
            [
                {
                    "field": "collects",
                    "code": error_codes.SUPERVISION_FIELD_REQUIRED,
                    "message": _("请列出收集的个人信息及其法律依据（1至%(max)d项）。")
                    % {"max": limits.COLLECTS_MAX_ENTRIES},
                    "message_en": "List 1 to 50 kinds of information with their legal basis.",
                }
            ]
        )
    return cleaned


def _check_linkable(token: ApiToken) -> None:
    if token.user.role != Role.AGENCY:
        raise DomainError(
            code=error_codes.SUPERVISION_TOKEN_NOT_AGENCY,
            message=_("该令牌不属于征信机构账户。"),
            message_en="The token is not held by an agency account.",
            status=422,
            details={"errors": [{"field": "token_prefix"}]},
        )
    if token.is_revoked or token.has_expired(now=timezone.now()):
        raise DomainError(
            code=error_codes.SUPERVISION_TOKEN_REVOKED,
            message=_("该令牌已被吊销或已过期。"),
            message_en="The token has been revoked or has expired.",
            status=422,
            details={"errors": [{"field": "token_prefix"}]},
        )
    if AgencyToken.objects.filter(token=token).exists():
        raise _token_linked()


def _token_linked() -> DomainError:
    return DomainError(
        code=error_codes.SUPERVISION_TOKEN_LINKED,
        message=_("该令牌已关联到一家征信机构。"),
        message_en="The token already belongs to an agency.",
        status=409,
        details={"errors": [{"field": "token_prefix"}]},
    )


def _agency_listed() -> DomainError:
    return DomainError(
        code=error_codes.SUPERVISION_AGENCY_LISTED,
        message=_("该机构已在违规经营黑名单中。"),
        message_en="The agency is already on the violation blacklist.",
        status=409,
    )


def _listing_terms(values, *, reason: str, until, today) -> tuple[str, datetime.date]:
    reason = _required_text(reason, limits.REASON)
    if not values["decision_document"]:
        raise _required(limits.DOCUMENT)
    until = _date(
        until,
        field="listing_until",
        label=_("列入期限至"),
        earliest=max(values["decided_on"], today) + datetime.timedelta(days=1),
    )
    return reason, until


def _responsible(inspection: Inspection, ids: Iterable[int]) -> list[Practitioner]:
    wanted = {int(pk) for pk in ids}
    if not wanted:
        return []
    found = list(
        Practitioner.objects.filter(pk__in=wanted, agency_id=inspection.agency_id)
        .exclude(agency_id__isnull=True)
        .select_related("subject")
        .order_by("pk")
    )
    if len(found) != len(wanted) or inspection.agency_id is None:
        raise field_refusal(
            [
                {
                    "field": "responsible",
                    "code": error_codes.SUPERVISION_RESPONSIBLE_INVALID,
                    "message": _("责任人员须为被检查机构登记的从业人员。"),
                    "message_en": "Responsible persons must be practitioners of the agency.",
                }
            ]
        )
    return found


def _inspection_locked(inspection: Inspection, *, allowed) -> Inspection:
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status not in allowed:
        raise DomainError(
            code=error_codes.SUPERVISION_INSPECTION_STATE,
            message=_("该检查当前状态为“%(status)s”，不能进行此操作。")
            % {"status": locked.get_status_display()},
            message_en=f"The inspection is {locked.status}; this step is not allowed.",
            status=409,
        )
    return locked


def _listing_in_force(agency: CreditAgency) -> BlacklistListing | None:
    return BlacklistListing.objects.filter(agency=agency, status=ListingStatus.LISTED).first()


def _subject(*, id_number: str, name: str, actor):
    try:
        return subject_get_or_create(id_number=id_number, name=name, actor=actor)
    except DomainError as error:
        raise field_refusal(
            [
                {
                    "field": "id_number",
                    "code": error.code,
                    "message": error.message,
                    "message_en": error.message_en,
                }
            ]
        ) from None


def _apply(instance, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _agency_detail(agency: CreditAgency) -> dict[str, Any]:
    return {
        "uscc": agency.uscc,
        "licence_status": agency.licence_status,
        "regulator": agency.regulator.code,
    }


def _target_detail(inspection: Inspection) -> dict[str, Any]:
    if inspection.agency_id:
        return {"agency_id": inspection.agency_id}
    return {"handler_id": inspection.handler_id}


def _audit(actor, action: str, object_type: str, object_id, detail: dict[str, Any]) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
