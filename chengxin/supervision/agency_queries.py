"""A credit agency's query of a person's records, with that person's consent (SPEC §9,
docs/supervision.md "Agency queries"); ``POST /api/v1/agency-queries`` calls it.

Every query the platform can tie to an agency is logged, answered or refused: one
``AgencyQuery`` row (which the person sees in "who looked") and one audit event, in one
transaction. A refusal returns its machine code and the query id, nothing about the person. The
checks, in order: the agency is not on the violation blacklist, the token is neither revoked nor
expired, the licence is in force, the purpose is one agencies may state, the ID number is valid,
a consent of the person to this agency for this purpose is in force (else: none, revoked,
expired or not yet valid, after the newest one), and every item asked for exists, is disclosed
to agencies (``public`` or ``consent``, never ``shared``) and is within the consent's scope.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.models import ApiToken
from chengxin.catalog.models import CatalogItem
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import TextField, text_errors
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.selectors import subject_by_index
from chengxin.identity.validation import validate_id_number
from chengxin.inquiry.choices import ConsentStatus
from chengxin.inquiry.consents import AGENCY_DISCLOSURES
from chengxin.inquiry.models import Consent, QueryPurpose
from chengxin.inquiry.selectors import (
    ConsentScope,
    RecordView,
    category_counts,
    consent_scope,
    consents_in_force,
    purpose_by_code,
    records_for_agency,
)
from chengxin.supervision import error_codes
from chengxin.supervision.choices import LicenceStatus, ListingStatus
from chengxin.supervision.models import AgencyQuery, AgencyToken, CreditAgency

AGENCY_QUERY_OBJECT = "supervision.agency_query"
ITEMS_MAX = 50
CODE_FIELD = TextField(name="purpose", label="code", max_length=64)
INACTIVE_LICENCES = (LicenceStatus.SUSPENDED, LicenceStatus.REVOKED)


@dataclass(frozen=True)
class AgencyAnswer:
    """What an answered agency query returned: the person's number masked (the agency sent it),
    the records within the consent, and the consents it rests on."""

    query_id: int
    created_at: datetime.datetime
    purpose_code: str
    purpose_name: str
    consent_ids: tuple[int, ...]
    subject_known: bool
    id_masked: str
    records: tuple[RecordView, ...]
    counts: dict[str, int]


@dataclass(frozen=True)
class _Asked:
    agency: CreditAgency
    token: ApiToken
    subject_index: str
    purpose_code: str
    items: tuple[str, ...]
    purpose: QueryPurpose | None = None


class AgencyQueryRefused(DomainError):
    """A refused agency query, logged as ``query_id``."""


def agency_of_token(token: ApiToken) -> CreditAgency:
    """The agency a presented token belongs to; 403 when the account is not an agency's or the
    token is not linked to one (nothing is logged: no agency to log it against)."""
    if token.user.role != Role.AGENCY:
        raise PermissionDeniedError(
            error_codes.AGENCY_ROLE_REQUIRED,
            _("只有征信机构的接口令牌可以发起授权查询。"),
            "Only a credit agency's API token may make consented queries.",
        )
    link = AgencyToken.objects.select_related("agency").filter(token=token).first()
    if link is None:
        raise PermissionDeniedError(
            error_codes.AGENCY_TOKEN_NOT_LINKED,
            _("该接口令牌尚未登记到任何征信机构。"),
            "The token is not registered to a credit agency.",
        )
    return link.agency


def agency_query(
    *, token: ApiToken, id_number: str, purpose: str, items=(), request=None
) -> AgencyAnswer:
    """Answer or refuse one agency query, and log it either way (see the module docstring).

    Raises ``AgencyQueryRefused`` (401 for a revoked or expired token, 403 or 422 otherwise)
    after the refusal is committed, with ``details["query_id"]``."""
    agency = agency_of_token(token)
    validation = validate_id_number(id_number or "")
    asked = _Asked(
        agency=agency,
        token=token,
        subject_index=crypto.blind_index(validation.normalised) if validation.is_valid else "",
        purpose_code=_kept_code(purpose),
        items=tuple(_kept_code(code) for code in (items or ())),
    )
    today = timezone.localdate()
    refusal = _gate_refusal(asked, today=today, id_valid=validation.is_valid)
    if refusal is not None:
        raise _refused(asked, refusal, request=request)
    asked = replace(asked, purpose=purpose_by_code(asked.purpose_code))
    scope = _scope_or_refusal(asked, today=today)
    if isinstance(scope, DomainError):
        raise _refused(asked, scope, request=request)
    return _answered(asked, scope, normalised=validation.normalised, request=request)


# --- refusals ---------------------------------------------------------------------------------


def _gate_refusal(asked: _Asked, *, today, id_valid: bool) -> DomainError | None:
    agency, token = asked.agency, asked.token
    if agency.listings.filter(status=ListingStatus.LISTED).exists():
        return _error(
            error_codes.AGENCY_BLACKLISTED,
            _("该征信机构已被列入违规经营黑名单，不能查询个人信用信息。"),
            "The agency is on the violation blacklist and may not query.",
        )
    if token.is_revoked or token.has_expired(now=timezone.now()) or not token.user.is_active:
        return _error(
            error_codes.AGENCY_TOKEN_REVOKED,
            _("访问令牌已被吊销或已过期。"),
            "The access token has been revoked or has expired.",
            status=401,
        )
    if agency.licence_status in INACTIVE_LICENCES:
        return _error(
            error_codes.AGENCY_LICENCE_INACTIVE,
            _("该征信机构的许可已暂停或吊销，不能查询个人信用信息。"),
            "The agency's licence is suspended or revoked.",
        )
    purpose = purpose_by_code(asked.purpose_code)
    if purpose is None or Role.AGENCY not in purpose.roles:
        return _error(
            error_codes.AGENCY_PURPOSE_NOT_ALLOWED,
            _("该查询用途不在征信机构可使用的用途清单中。"),
            "The purpose is not one a credit agency may state.",
        )
    if not id_valid:
        return _error(
            error_codes.AGENCY_ID_NUMBER_INVALID,
            _("证件号码无效。"),
            "The ID number is not valid.",
            status=422,
        )
    if len(asked.items) > ITEMS_MAX:
        return _error(
            error_codes.AGENCY_ITEM_UNKNOWN,
            _("一次最多查询 %(count)s 个信息项。") % {"count": ITEMS_MAX},
            f"A query names at most {ITEMS_MAX} items.",
            status=422,
        )
    return None


def _scope_or_refusal(asked: _Asked, *, today) -> ConsentScope | DomainError:
    grantee = {"agency_id": asked.agency.pk}
    consents = Consent.objects.filter(
        subject_index=asked.subject_index, purpose=asked.purpose, **grantee
    )
    scope = consent_scope(
        consents_in_force(subject_index=asked.subject_index, on=today, **grantee).filter(
            purpose=asked.purpose
        )
    )
    if scope is None:
        return _consent_refusal(consents.order_by("-created_at", "-pk").first(), today=today)
    return _items_refusal(asked.items, scope) or scope


def _consent_refusal(newest: Consent | None, *, today) -> DomainError:
    status = newest.status_on(today) if newest is not None else ""
    if status == ConsentStatus.REVOKED:
        return _error(
            error_codes.AGENCY_CONSENT_REVOKED,
            _("本人已撤回对该机构的授权。"),
            "The person has revoked the consent.",
        )
    if status == ConsentStatus.EXPIRED:
        return _error(
            error_codes.AGENCY_CONSENT_EXPIRED,
            _("本人对该机构的授权已过期。"),
            "The person's consent has expired.",
        )
    if status == ConsentStatus.PENDING:
        return _error(
            error_codes.AGENCY_CONSENT_NOT_YET_VALID,
            _("本人对该机构的授权尚未生效。"),
            "The person's consent is not in force yet.",
        )
    return _error(
        error_codes.AGENCY_NO_CONSENT,
        _("没有本人对该机构就此用途的查询授权。"),
        "There is no consent of the person to this agency for this purpose.",
    )


def _items_refusal(codes: tuple[str, ...], scope: ConsentScope) -> DomainError | None:
    found = {item.code: item for item in CatalogItem.objects.filter(code__in=codes)}
    for position, code in enumerate(codes):
        item = found.get(code)
        if item is None:
            return _error(
                error_codes.AGENCY_ITEM_UNKNOWN,
                _("信息目录中没有该信息项。"),
                "The catalog has no such item.",
                status=422,
                field=f"items[{position}]",
            )
        if item.disclosure not in AGENCY_DISCLOSURES:
            return _error(
                error_codes.AGENCY_ITEM_NOT_DISCLOSABLE,
                _("该信息项仅在政务部门之间共享，不向征信机构提供。"),
                "The item is shared between government bodies only.",
                field=f"items[{position}]",
            )
        if not scope.covers(item.pk):
            return _error(
                error_codes.AGENCY_ITEM_OUT_OF_SCOPE,
                _("该信息项不在本人授权的范围内。"),
                "The item is outside the scope of the person's consent.",
                field=f"items[{position}]",
            )
    return None


def _error(code: str, message: str, message_en: str, *, status=403, field="") -> DomainError:
    details = {"errors": [{"field": field, "code": code, "message": message}]} if field else {}
    return AgencyQueryRefused(
        code=code, message=message, message_en=message_en, status=status, details=details
    )


def _refused(asked: _Asked, error: DomainError, *, request) -> DomainError:
    """Log the refusal (committed) and return the error to raise, carrying the query id."""
    with transaction.atomic():
        query = _log(asked, refusal=error.code)
        audit_events.record(
            actor=asked.token.user,
            action=AuditAction.CREATE,
            object_type=AGENCY_QUERY_OBJECT,
            object_id=str(query.pk),
            subject_index=asked.subject_index,
            purpose=asked.purpose_code,
            detail={**_audit_detail(asked), "refusal": error.code},
            request=request,
        )
    error.details = {**error.details, "query_id": query.pk}
    return error


# --- the answer -------------------------------------------------------------------------------


def _answered(asked: _Asked, scope: ConsentScope, *, normalised: str, request) -> AgencyAnswer:
    wanted = set(asked.items)
    subject = subject_by_index(asked.subject_index)
    with transaction.atomic():
        records = records_for_agency(subject_index=asked.subject_index, scope=scope)
        if wanted:
            records = [record for record in records if record.item_code in wanted]
        query = _log(asked, records=records, consent_id=scope.consent_ids[-1])
        audit_events.personal_data_read_event(
            actor=asked.token.user,
            subject_index=asked.subject_index,
            object_type=AGENCY_QUERY_OBJECT,
            object_id=str(query.pk),
            purpose=asked.purpose.name,
            detail={
                **_audit_detail(asked),
                "consent_ids": list(scope.consent_ids),
                "record_ids": [record.record_id for record in records],
                "counts": category_counts(records),
            },
            request=request,
        )
    masked = (
        subject.id_masked if subject else mask_id_number(normalised, context=MaskContext.PUBLIC)
    )
    return AgencyAnswer(
        query_id=query.pk,
        created_at=query.created_at,
        purpose_code=asked.purpose.code,
        purpose_name=asked.purpose.name,
        consent_ids=scope.consent_ids,
        subject_known=subject is not None,
        id_masked=masked,
        records=tuple(records),
        counts=category_counts(records),
    )


def _log(asked: _Asked, *, refusal: str = "", records=(), consent_id=None) -> AgencyQuery:
    return AgencyQuery.objects.create(
        agency=asked.agency,
        token=asked.token,
        subject_index=asked.subject_index,
        purpose=asked.purpose or purpose_by_code(asked.purpose_code),
        purpose_code=asked.purpose_code,
        requested_items=list(asked.items),
        consent_id=consent_id,
        answered=not refusal,
        refusal=refusal,
        record_ids=[record.record_id for record in records],
        category_counts=category_counts(list(records)) if not refusal else {},
    )


def _kept_code(value) -> str:
    """A code as the agency sent it, for the log: stripped and at most 64 characters, and empty
    when it is not a code at all (free text that holds an ID number is never kept)."""
    code = str(value or "").strip()[: CODE_FIELD.max_length]
    return "" if text_errors(code, CODE_FIELD) else code


def _audit_detail(asked: _Asked) -> dict[str, object]:
    return {
        "agency_id": asked.agency.pk,
        "token_id": asked.token.pk,
        "purpose_code": asked.purpose_code,
        "items": list(asked.items),
    }
