"""The registers: credit agencies, their practitioners and tokens, and data handlers
(docs/supervision.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.models import ApiToken, Department
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.text import TextField, field_refusal, text_checked
from chengxin.identity.validation import validate_uscc
from chengxin.supervision import error_codes, limits
from chengxin.supervision.choices import (
    HandlerKind,
    LicenceStatus,
    PractitionerRole,
)
from chengxin.supervision.models import (
    AgencyToken,
    CreditAgency,
    DataHandler,
    Practitioner,
)
from chengxin.supervision.services.blacklist import _agency_listed, _listing_in_force, _subject
from chengxin.supervision.services.common import (
    USCC_FIELD,
    _apply,
    _audit,
    _check_registers,
    _choice,
    _collects,
    _required,
    _required_text,
    _user_or_none,
)


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


def _agency_detail(agency: CreditAgency) -> dict[str, Any]:
    return {
        "uscc": agency.uscc,
        "licence_status": agency.licence_status,
        "regulator": agency.regulator.code,
    }
