"""Writes of consents (授权): given online by the person, recorded by staff from a signed paper
form, revoked by the person (docs/inquiry.md, "Consents"; SPEC §7, §9).

One model for both grantees: a department (its officers' queries read the person's ``consent``
items) and a credit agency (its API queries). Every write is one transaction with its audit
event; a refused request writes nothing. The evidence of a paper consent is kept as an encrypted
attachment (``dueprocess.attachments``) and its SHA-256, taken of the file as uploaded, on the
consent.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability, Role
from chengxin.accounts.permissions import has_capability
from chengxin.catalog.choices import Disclosure
from chengxin.catalog.models import CatalogItem
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.selectors import policy_value
from chengxin.core.text import text_checked
from chengxin.dueprocess.attachments import IncomingFile, attachment_add, attachments_checked
from chengxin.identity.services import valid_id_number
from chengxin.inquiry import error_codes
from chengxin.inquiry.choices import CONSENT_OBJECT, ConsentMethod, ConsentStatus
from chengxin.inquiry.limits import CONSENT_ITEMS_MAX, PURPOSE_CODE
from chengxin.inquiry.models import Consent, QueryPurpose
from chengxin.inquiry.policies import CONSENT_MAX_DAYS
from chengxin.inquiry.selectors import purpose_by_code

# The disclosure levels a consent may cover, per grantee (docs/inquiry.md, "Consents"): a
# department reads public and shared items anyway, so its consent opens ``consent`` items; a
# credit agency is not a government body, so it never reads ``shared`` items (政务共享).
DEPARTMENT_CONSENT_DISCLOSURES = (Disclosure.CONSENT,)
AGENCY_DISCLOSURES = (Disclosure.PUBLIC, Disclosure.CONSENT)
GRANTEE_ROLE = {"department": Role.OFFICER, "agency": Role.AGENCY}


@dataclass(frozen=True)
class ConsentTerms:
    """What a consent says, whoever records it: the grantee (one of ``department`` and
    ``agency``), the purpose code, the item codes (empty: every item the grantee may be
    allowed), and the period."""

    purpose: str
    valid_from: datetime.date
    valid_until: datetime.date
    department: object | None = None
    agency: object | None = None
    item_codes: tuple[str, ...] = ()


def consent_record(
    *, actor, id_number: str, purpose: str, valid_until: datetime.date, request=None
) -> Consent:
    """Record that the person authorised the officer's department to read their ``consent``
    items for ``purpose`` from today until ``valid_until`` (the signed authorisation stays on the
    case file). Only an officer, for their own department; the period must not have ended.
    Audited. Kept as it was before consents had scopes and evidence: every consent item, no
    evidence file."""
    _check_officer(actor)
    today = timezone.localdate()
    terms = ConsentTerms(
        purpose=purpose, valid_from=today, valid_until=valid_until, department=actor.department
    )
    chosen, items = _checked_terms(terms, today=today, limit_period=False)
    index = _index_of(id_number)
    with transaction.atomic():
        return _consent_write(
            actor=actor,
            subject_index=index,
            terms=terms,
            purpose=chosen,
            items=items,
            method=ConsentMethod.PAPER,
            request=request,
        )


def consent_grant_online(*, actor, account, terms: ConsentTerms, request=None) -> Consent:
    """The person gives a consent online from their account pages (``/my/consents/``).

    ``account`` is the actor's confirmed citizen account: the consent is about its person.
    Refusals (422 with the field named, nothing written): no grantee or two, a purpose the
    grantee may not state, an unknown item or one the grantee may not read, a period that starts
    before today, ends before it starts or runs longer than ``consent.max_validity_days``."""
    if getattr(actor, "role", "") != Role.CITIZEN or account is None:
        raise _role_refusal()
    chosen, items = _checked_terms(terms, today=timezone.localdate())
    with transaction.atomic():
        return _consent_write(
            actor=actor,
            subject_index=account.subject_index,
            terms=terms,
            purpose=chosen,
            items=items,
            method=ConsentMethod.ONLINE,
            request=request,
        )


def consent_record_paper(
    *, actor, id_number: str, terms: ConsentTerms, evidence: IncomingFile, request=None
) -> Consent:
    """Staff record a consent the person signed on paper, with the scanned form as evidence.

    The credit office's reviewer records one for any grantee; a department's officer only for
    their own department (403 ``consent_role_required`` otherwise). The form is checked as every
    attachment is (PDF, JPEG or PNG by content, at most ``CHENGXIN_ATTACHMENT_MAX_BYTES``): a
    refused file is a 422 naming ``attachments[0]``. The period rules are those of an online
    consent, except that it may have started before today (the day the person signed)."""
    _check_recorder(actor, terms)
    today = timezone.localdate()
    chosen, items = _checked_terms(terms, today=today, allow_past_start=True)
    index = _index_of(id_number)
    checked = attachments_checked([evidence])[0]
    with transaction.atomic():
        consent = _consent_write(
            actor=actor,
            subject_index=index,
            terms=terms,
            purpose=chosen,
            items=items,
            method=ConsentMethod.PAPER,
            evidence_sha256=hashlib.sha256(evidence.data).hexdigest(),
            request=request,
        )
        attachment_add(
            case_type=CONSENT_OBJECT,
            case_id=str(consent.pk),
            subject_index=index,
            file=checked,
            actor=actor,
        )
    return consent


def consent_revoke(*, actor, account, consent_id: int, request=None) -> Consent:
    """The person revokes one of their consents: from now on it opens nothing. Another person's
    consent is not found (404); a consent already revoked or expired cannot be revoked (409
    ``consent_state``). Queries made before stay as they were, in the person's "who looked"."""
    if getattr(actor, "role", "") != Role.CITIZEN or account is None:
        raise _role_refusal()
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(pk=consent_id, subject_index=account.subject_index)
            .first()
        )
        if consent is None:
            raise consent_not_found()
        if consent.status_on(timezone.localdate()) in (
            ConsentStatus.REVOKED,
            ConsentStatus.EXPIRED,
        ):
            raise DomainError(
                code=error_codes.CONSENT_STATE,
                message=_("该授权已撤回或已过期，无需撤回。"),
                message_en="The consent has already been revoked or has expired.",
                status=409,
            )
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.save(update_fields=["revoked_at", "revoked_by"])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=CONSENT_OBJECT,
            object_id=str(consent.pk),
            subject_index=consent.subject_index,
            detail={"revoked": True, **_grantee_detail(consent)},
            request=request,
        )
    return consent


def consent_not_found() -> NotFoundError:
    return NotFoundError(error_codes.CONSENT_NOT_FOUND, _("未找到该授权。"), "No such consent.")


# --- checks -----------------------------------------------------------------------------------


def _check_officer(actor) -> None:
    if not has_capability(actor, Capability.QUERY_CREDIT_FILES) or actor.department_id is None:
        raise _role_refusal()


def _check_recorder(actor, terms: ConsentTerms) -> None:
    if has_capability(actor, Capability.SCREEN_DUE_PROCESS):
        return
    _check_officer(actor)
    if terms.agency is not None or getattr(terms.department, "pk", None) != actor.department_id:
        raise PermissionDeniedError(
            error_codes.CONSENT_ROLE_REQUIRED,
            _("部门业务经办员只能录入对本部门的授权。"),
            "A department's officer records consents to their own department only.",
        )


def _role_refusal() -> PermissionDeniedError:
    return PermissionDeniedError(
        error_codes.CONSENT_ROLE_REQUIRED,
        _("您无权办理该查询授权。"),
        "You may not record or change this consent.",
    )


def _checked_terms(
    terms: ConsentTerms,
    *,
    today: datetime.date,
    allow_past_start: bool = False,
    limit_period: bool = True,
) -> tuple[QueryPurpose, list[CatalogItem]]:
    kind = _grantee_kind(terms)
    chosen = _checked_purpose(terms.purpose, kind=kind)
    _check_period(terms, today=today, allow_past_start=allow_past_start, limit=limit_period)
    return chosen, _checked_items(terms.item_codes, kind=kind)


def _grantee_kind(terms: ConsentTerms) -> str:
    if (terms.department is None) == (terms.agency is None):
        raise _field_error(
            "grantee",
            error_codes.CONSENT_GRANTEE_INVALID,
            _("请选择一个被授权的部门或征信机构。"),
            "Choose one department or one credit agency to consent to.",
        )
    return "agency" if terms.agency is not None else "department"


def _checked_purpose(code: str, *, kind: str) -> QueryPurpose:
    code = text_checked(code, PURPOSE_CODE)
    purpose = purpose_by_code(code) if code else None
    if purpose is None or GRANTEE_ROLE[kind] not in purpose.roles:
        raise _field_error(
            "purpose",
            error_codes.CONSENT_PURPOSE_INVALID,
            _("请选择被授权方可以使用的查询用途。"),
            "Choose a purpose that the grantee may state.",
        )
    return purpose


def _check_period(terms: ConsentTerms, *, today, allow_past_start: bool, limit: bool) -> None:
    start, end = terms.valid_from, terms.valid_until
    longest = int(policy_value(CONSENT_MAX_DAYS.name))
    problem = ""
    if end < today:
        problem = _("授权有效期不能早于今天。")
    elif start > end:
        problem = _("授权的生效日期不能晚于截止日期。")
    elif start < today and not allow_past_start:
        problem = _("在线授权的生效日期不能早于今天。")
    elif limit and (end - start).days + 1 > longest:
        problem = _("授权期间最长为 %(days)s 天。") % {"days": longest}
    if problem:
        raise _field_error(
            "valid_until",
            error_codes.CONSENT_PERIOD_INVALID,
            problem,
            f"The consent period is invalid: it must end on or after today and after it starts, "
            f"and run at most {longest} days.",
        )


def _checked_items(codes: tuple[str, ...], *, kind: str) -> list[CatalogItem]:
    wanted = [code.strip() for code in codes if code and code.strip()]
    if len(wanted) > CONSENT_ITEMS_MAX:
        raise _field_error(
            "items",
            error_codes.CONSENT_ITEM_INVALID,
            _("一次授权最多选择 %(count)s 个信息项。") % {"count": CONSENT_ITEMS_MAX},
            f"A consent names at most {CONSENT_ITEMS_MAX} items.",
        )
    allowed = AGENCY_DISCLOSURES if kind == "agency" else DEPARTMENT_CONSENT_DISCLOSURES
    found = {
        item.code: item
        for item in CatalogItem.objects.filter(
            code__in=wanted, is_active=True, disclosure__in=allowed
        )
    }
    missing = [position for position, code in enumerate(wanted) if code not in found]
    if missing:
        raise _field_error(
            f"items[{missing[0]}]",
            error_codes.CONSENT_ITEM_INVALID,
            _("所选信息项不存在，或不属于被授权方可以查询的信息。"),
            "The item does not exist or is not one the grantee may be allowed to read.",
        )
    return [found[code] for code in dict.fromkeys(wanted)]


def _field_error(field: str, code: str, message: str, message_en: str) -> DomainError:
    return DomainError(
        code=code,
        message=message,
        message_en=message_en,
        status=422,
        details={"errors": [{"field": field, "code": code, "message": message}]},
    )


def _index_of(id_number: str) -> str:
    return crypto.blind_index(valid_id_number(id_number).normalised)


# --- the write --------------------------------------------------------------------------------


def _consent_write(
    *,
    actor,
    subject_index: str,
    terms: ConsentTerms,
    purpose: QueryPurpose,
    items: list[CatalogItem],
    method: str,
    evidence_sha256: str = "",
    request,
) -> Consent:
    consent = Consent.objects.create(
        subject_index=subject_index,
        department=terms.department,
        agency=terms.agency,
        purpose=purpose,
        scope_all=not items,
        valid_from=terms.valid_from,
        valid_until=terms.valid_until,
        method=method,
        evidence_sha256=evidence_sha256,
        recorded_by=actor,
    )
    if items:
        consent.items.set(items)
    audit_events.change_event(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=CONSENT_OBJECT,
        object_id=str(consent.pk),
        subject_index=subject_index,
        detail={
            "purpose_code": purpose.code,
            "valid_from": terms.valid_from.isoformat(),
            "valid_until": terms.valid_until.isoformat(),
            "method": method,
            "items": [item.code for item in items],
            "evidence_sha256": evidence_sha256,
            **_grantee_detail(consent),
        },
        request=request,
    )
    return consent


def _grantee_detail(consent: Consent) -> dict[str, object]:
    if consent.agency_id is not None:
        return {"agency_id": consent.agency_id}
    return {"department_id": consent.department_id}
