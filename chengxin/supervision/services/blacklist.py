"""The blacklist: a violation's listing of an agency and its responsible people, the records sent
for them, and delisting (docs/supervision.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.models import ApiToken
from chengxin.accounts.services import api_token_revoke, service_account_get_or_create
from chengxin.collection.choices import Operation, SubmissionChannel
from chengxin.collection.models import Submission
from chengxin.collection.services import submission_create
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.text import field_refusal, text_checked
from chengxin.identity.selectors import subject_id_number, subject_name
from chengxin.identity.services import subject_get_or_create
from chengxin.supervision import error_codes, limits
from chengxin.supervision.choices import (
    RECORD_ROLE,
    DelistingReason,
    ListingStatus,
)
from chengxin.supervision.models import (
    BlacklistListing,
    CreditAgency,
    Practitioner,
    Violation,
)
from chengxin.supervision.services.common import (
    _audit,
    _check_decider,
    _choice,
    _date,
    _required,
    _required_text,
)

RESPONSIBLE_ITEM = "credit-agency-blacklist-responsible"
SERVICE_ACCOUNT_KIND = "supervision"
RECORD_READ_PURPOSE = "违规经营黑名单责任人员信用记录报送"


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
