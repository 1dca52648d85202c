"""Citizens' accounts (公众用户): sign-up, identity proofing, contact details, closing.

An account is bound to one person by the blind index of the person's ID number; the number is
never stored with the account, only its index and its mask for the owner. At most one pending or
confirmed account per person (a database constraint, so two sign-ups at once end with one
account). A pending account sees nothing of the file until its identity is proofed: at the
service counter, where staff type the number from the identity card (it must give the account's
index), or by the real-name OpenID Connect provider (``chengxin.accounts.oidc``, the services in
``chengxin.accounts.citizen_oidc``).

Squatting (someone signing up with another person's number): the real person is told the number
is taken and pointed to the password reset and the counter; counter staff refuse the squatter's
account; a pending account lapses after ``citizen.pending_account_days``; and a verified claim
of the real-name provider replaces a pending account of someone else. Every change writes its
audit event in its transaction; see docs/citizens.md.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts import error_codes
from chengxin.accounts.backends import mobile_normalised
from chengxin.accounts.choices import (
    ACTIVE_CITIZEN_STATUSES,
    STAFF_ROLES,
    CitizenAccountStatus,
    IdentityProofing,
    NoticeKind,
    Role,
)
from chengxin.accounts.limits import (
    CITIZEN_NAME,
    EMAIL,
    MOBILE,
    PASSWORD_MAX_LENGTH,
    REFUSAL_REASON,
)
from chengxin.accounts.models import CitizenAccount, User
from chengxin.accounts.notices import notice_send
from chengxin.accounts.policies import PENDING_ACCOUNT_DAYS
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.selectors import policy_value
from chengxin.core.text import text_errors
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.selectors import subject_by_index, subject_name_matches
from chengxin.identity.validation import validate_id_number

CITIZEN_ACCOUNT_OBJECT_TYPE = "citizen_account"
USERNAME_PREFIX = "c"
USERNAME_RANDOM_BYTES = 6
# A mainland mobile number: 11 digits from 13x to 19x.
MOBILE_PATTERN = re.compile(r"^1[3-9][0-9]{9}$")
ID_NUMBER_FIELD = "id_number"
SIGN_UP_FIELDS = ("id_number", "name", "mobile", "email", "password", "agreed")


@dataclass(frozen=True)
class Contact:
    """Checked contact details: an 11-digit mobile number and a lower-case e-mail address
    (either may be empty, not both)."""

    mobile: str
    email: str


def citizen_sign_up(
    *,
    id_number: str,
    name: str,
    mobile: str,
    email: str,
    password: str,
    agreed: bool,
    request=None,
    username: str | None = None,
) -> User:
    """Open a pending account bound to the person with ``id_number`` and return its user.

    Every field is checked at once, and all problems are refused together (422, ``details
    ["errors"]`` naming each field with the validation's own message). A number that already has
    an open account is 409 ``citizen_already_registered`` (the message points to the password
    reset and the counter; it says nothing of the account). The name is compared with the name on
    file: a difference is kept as a flag for counter staff (``name_differs``), never shown to the
    applicant. ``username`` is generated (never the ID number: usernames are copied into audit
    events) unless the demo set-up names one.
    """
    normalised = _checked_sign_up(
        id_number=id_number,
        name=name,
        mobile=mobile,
        email=email,
        password=password,
        agreed=agreed,
    )
    contact = contact_checked(mobile=mobile, email=email)
    index = crypto.blind_index(normalised)
    citizen_accounts_lapse(subject_index=index)
    user = User(
        username=username or _username_generate(),
        role=Role.CITIZEN,
        display_name=name.strip(),
        email=contact.email,
    )
    user.set_password(password)
    account = CitizenAccount(
        subject_index=index,
        id_masked=mask_id_number(normalised, context=MaskContext.OWNER),
        proofing=settings.CHENGXIN_IDENTITY_PROOFING,
        mobile=contact.mobile,
        name_differs=_name_differs(index, name),
        notify_by_email=bool(contact.email),
        notify_by_sms=bool(contact.mobile),
    )
    _account_insert(user, account)
    _audit(
        account,
        actor=user,
        action=AuditAction.CREATE,
        request=request,
        detail={
            "status": account.status,
            "proofing": account.proofing,
            "name_differs": account.name_differs,
            "contact": _contact_kinds(contact),
        },
    )
    return user


def _checked_sign_up(*, id_number, name, mobile, email, password, agreed) -> str:
    """The normalised number, or one refusal naming every field that is wrong."""
    normalised, errors = sign_up_errors(
        id_number=id_number, name=name, mobile=mobile, email=email, password=password, agreed=agreed
    )
    if errors:
        raise _refusal(errors)
    return normalised


def sign_up_errors(
    *, id_number, name, mobile, email, password, agreed
) -> tuple[str, list[dict[str, str]]]:
    """The normalised number and every problem of a sign-up's fields (nothing is looked up or
    written: a page shows them all beside its own, e.g. two passwords that differ)."""
    errors: list[dict[str, str]] = []
    validation = validate_id_number(id_number or "")
    errors.extend(
        _field_error(ID_NUMBER_FIELD, error.code, str(error.message)) for error in validation.errors
    )
    errors.extend(_name_errors(name))
    errors.extend(contact_errors(mobile=mobile, email=email))
    errors.extend(_password_errors(password, name=name, email=email))
    if not agreed:
        errors.append(
            _field_error(
                "agreed",
                error_codes.CITIZEN_AGREEMENT_REQUIRED,
                _("请阅读并同意个人信息处理规则后再注册。"),
            )
        )
    return validation.normalised, errors


def _name_errors(name: str) -> list[dict[str, str]]:
    cleaned = (name or "").strip()
    if not cleaned:
        return [_field_error("name", error_codes.CITIZEN_NAME_REQUIRED, _("请填写姓名。"))]
    return text_errors(cleaned, CITIZEN_NAME)


def contact_errors(*, mobile: str, email: str) -> list[dict[str, str]]:
    """The problems of a mobile number and an e-mail address given together (at least one)."""
    mobile = mobile_normalised(mobile or "")
    email = (email or "").strip()
    if not mobile and not email:
        return [
            _field_error(
                "mobile",
                error_codes.CITIZEN_CONTACT_REQUIRED,
                _("手机号码和电子邮箱至少填写一项，用于登录和接收通知。"),
            )
        ]
    errors = text_errors(mobile, MOBILE) if mobile else []
    if mobile and not errors and not MOBILE_PATTERN.match(mobile):
        errors.append(
            _field_error(
                "mobile",
                error_codes.CITIZEN_MOBILE_INVALID,
                _("请填写11位中国大陆手机号码（以1开头，如13912345678）。"),
            )
        )
    errors.extend(_email_errors(email))
    return errors


def _email_errors(email: str) -> list[dict[str, str]]:
    if not email:
        return []
    errors = text_errors(email, EMAIL)
    if errors:
        return errors
    try:
        validate_email(email)
    except ValidationError:
        return [
            _field_error(
                "email",
                error_codes.CITIZEN_EMAIL_INVALID,
                _("电子邮箱格式不正确，请填写如 name@example.com 的地址。"),
            )
        ]
    return []


def _password_errors(password: str, *, name: str, email: str) -> list[dict[str, str]]:
    if len(password or "") > PASSWORD_MAX_LENGTH:
        message = _("密码不能超过%(limit)d个字符。") % {"limit": PASSWORD_MAX_LENGTH}
        return [_field_error("password", error_codes.USER_PASSWORD_WEAK, message)]
    try:
        validate_password(password or "", user=User(display_name=name, email=email))
    except ValidationError as error:
        return [
            _field_error("password", error_codes.USER_PASSWORD_WEAK, message)
            for message in error.messages
        ]
    return []


def contact_checked(*, mobile: str, email: str) -> Contact:
    """The contact details in their stored form, or the refusal of ``contact_errors``."""
    errors = contact_errors(mobile=mobile, email=email)
    if errors:
        raise _refusal(errors)
    return Contact(mobile=mobile_normalised(mobile or ""), email=(email or "").strip().lower())


def _name_differs(index: str, name: str) -> bool:
    subject = subject_by_index(index)
    return subject is not None and subject_name_matches(subject=subject, name=name) is False


def _username_generate() -> str:
    return USERNAME_PREFIX + secrets.token_hex(USERNAME_RANDOM_BYTES)


def _account_insert(user: User, account: CitizenAccount) -> None:
    """Insert the user and its account; a taken person, mobile number or e-mail address (also
    one taken by a sign-up running at the same moment) is refused with its own code."""
    try:
        with transaction.atomic():
            user.save(force_insert=True)
            account.user = user
            account.save(force_insert=True)
    except IntegrityError as error:
        raise _taken(account, email=user.email) from error


def _taken(account: CitizenAccount, *, email: str) -> DomainError:
    """Which unique rule a failed insert met: the person's, the mobile number's, the e-mail's."""
    open_accounts = CitizenAccount.objects.filter(status__in=ACTIVE_CITIZEN_STATUSES)
    if open_accounts.filter(subject_index=account.subject_index).exists():
        return already_registered()
    errors = []
    if account.mobile and CitizenAccount.objects.filter(mobile=account.mobile).exists():
        errors.append(_mobile_taken())
    if email and User.objects.filter(role=Role.CITIZEN, email=email).exists():
        errors.append(_email_taken())
    if not errors:
        # A generated username met another one (one chance in 2^48): the same as a busy retry.
        return already_registered()
    return _refusal(errors, status=409)


def already_registered() -> DomainError:
    return DomainError(
        code=error_codes.CITIZEN_ALREADY_REGISTERED,
        message=_(
            "该身份证号码已注册过账户。如果是您本人注册的，请使用手机号码或电子邮箱登录，"
            "忘记密码可通过“找回密码”重新设置；如果您没有注册过，请携带本人身份证到服务窗口办理。"
        ),
        message_en=(
            "This ID number already has an account. If it is yours, sign in with your mobile "
            "number or e-mail address, or reset your password; if you never signed up, bring "
            "your identity card to the service counter."
        ),
        status=409,
        details={"errors": [{"field": ID_NUMBER_FIELD, "code": "already_registered"}]},
    )


def _mobile_taken() -> dict[str, str]:
    return _field_error(
        "mobile", error_codes.CITIZEN_MOBILE_TAKEN, _("该手机号码已被其他账户使用。")
    )


def _email_taken() -> dict[str, str]:
    return _field_error("email", error_codes.CITIZEN_EMAIL_TAKEN, _("该电子邮箱已被其他账户使用。"))


def citizen_account_confirm(
    *, account: CitizenAccount, id_number: str, actor, request=None
) -> CitizenAccount:
    """Confirm a pending account at the service counter: ``id_number`` is what the clerk typed
    from the identity card, and it must give the account's blind index (422
    ``citizen_id_number_mismatch`` otherwise, nothing written). The person is told by a notice."""
    validation = validate_id_number(id_number or "")
    if not validation.is_valid:
        first = validation.errors[0]
        raise _refusal([_field_error(ID_NUMBER_FIELD, first.code, str(first.message))])
    with transaction.atomic():
        locked = _locked_pending(account)
        if crypto.blind_index(validation.normalised) != locked.subject_index:
            raise _refusal(
                [
                    _field_error(
                        ID_NUMBER_FIELD,
                        error_codes.CITIZEN_ID_NUMBER_MISMATCH,
                        _("输入的身份证号码与该账户注册时填写的号码不一致，不能核验。"),
                    )
                ]
            )
        _confirm(locked, actor=actor, proofing=IdentityProofing.COUNTER, request=request)
    return locked


def _confirm(account: CitizenAccount, *, actor, proofing: str, request) -> None:
    account.status = CitizenAccountStatus.CONFIRMED
    account.proofing = proofing
    account.confirmed_at = timezone.now()
    account.confirmed_by = actor if getattr(actor, "role", "") in STAFF_ROLES else None
    account.save(update_fields=["status", "proofing", "confirmed_at", "confirmed_by"])
    _audit(
        account,
        actor=actor,
        action=AuditAction.DECISION,
        request=request,
        detail={"status": account.status, "proofing": proofing},
    )
    notice_send(
        user=account.user,
        kind=NoticeKind.ACCOUNT,
        title=_("您的账户已完成身份核验"),
        body=_(
            "您的账户已与本人身份绑定，现在可以查看本人信用档案、查询记录，办理异议和信用修复。"
        ),
        link="/my/",
    )


def citizen_account_refuse(
    *, account: CitizenAccount, reason: str, actor, request=None
) -> CitizenAccount:
    """Refuse a pending account at the counter (e.g. the person at the counter is not the one
    the number belongs to), with a reason. The account ends: it can no longer sign in, its
    contact details are cleared, and the number is free for the real person's sign-up."""
    reason = (reason or "").strip()
    errors = text_errors(reason, REFUSAL_REASON)
    if not reason:
        errors = [
            _field_error(
                "reason", error_codes.CITIZEN_REFUSAL_REASON_REQUIRED, _("请填写不予核验的原因。")
            )
        ]
    if errors:
        raise _refusal(errors)
    with transaction.atomic():
        locked = _locked_pending(account)
        _refuse(locked, reason=reason, actor=actor, request=request)
    return locked


def _refuse(account: CitizenAccount, *, reason: str, actor, request, lapsed: bool = False) -> None:
    account.status = CitizenAccountStatus.REFUSED
    account.refused_at = timezone.now()
    account.refused_by = actor if getattr(actor, "role", "") in STAFF_ROLES else None
    account.refusal_reason = reason
    account.save(update_fields=["status", "refused_at", "refused_by", "refusal_reason"])
    _contact_clear(account)
    _audit(
        account,
        actor=actor,
        action=AuditAction.DECISION,
        request=request,
        detail={"status": account.status, "lapsed": lapsed},
    )


def citizen_accounts_lapse(*, subject_index: str | None = None, now=None) -> int:
    """End the pending accounts older than ``citizen.pending_account_days`` (all of them, or the
    one of ``subject_index`` when a sign-up for that person comes in); returns how many.
    Idempotent: the daily job (``chengxin expire``) and sign-ups may both run it."""
    now = now or timezone.now()
    days = int(policy_value(PENDING_ACCOUNT_DAYS.name))
    lapsed = CitizenAccount.objects.filter(
        status=CitizenAccountStatus.PENDING, created_at__lt=now - datetime.timedelta(days=days)
    )
    if subject_index is not None:
        lapsed = lapsed.filter(subject_index=subject_index)
    count = 0
    for account_id in lapsed.values_list("pk", flat=True):
        with transaction.atomic():
            account = CitizenAccount.objects.select_for_update().select_related("user")
            locked = account.filter(pk=account_id, status=CitizenAccountStatus.PENDING).first()
            if locked is None:
                continue
            reason = _("注册后%(days)d日内未核验身份，账户已自动失效。") % {"days": days}
            _refuse(locked, reason=reason, actor=None, request=None, lapsed=True)
            count += 1
    return count


def _locked_pending(account: CitizenAccount) -> CitizenAccount:
    locked = CitizenAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
    if locked.status != CitizenAccountStatus.PENDING:
        raise DomainError(
            code=error_codes.CITIZEN_NOT_PENDING,
            message=_("该账户不在待核验状态（%(status)s），不能再核验或不予核验。")
            % {"status": locked.get_status_display()},
            message_en=f"The account is not pending ({locked.status}).",
            status=409,
        )
    return locked


def citizen_contact_update(
    *,
    account: CitizenAccount,
    mobile: str,
    email: str,
    notify_by_email: bool,
    notify_by_sms: bool,
    actor,
    request=None,
) -> CitizenAccount:
    """Change the account's contact details and how it wants notices (e-mail needs an address,
    SMS a mobile number). The audit event names what changed, never the values."""
    contact = contact_checked(mobile=mobile, email=email)
    with transaction.atomic():
        locked = (
            CitizenAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
        )
        user = locked.user
        before = _contact_state(locked)
        locked.mobile = contact.mobile
        locked.notify_by_email = bool(notify_by_email and contact.email)
        locked.notify_by_sms = bool(notify_by_sms and contact.mobile)
        user.email = contact.email
        changed = sorted(
            key for key, value in _contact_state(locked).items() if before[key] != value
        )
        if not changed:
            return locked
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
                locked.save(update_fields=["mobile", "notify_by_email", "notify_by_sms"])
        except IntegrityError as error:
            raise _contact_taken(locked, email=contact.email) from error
        _audit(
            locked,
            actor=actor,
            action=AuditAction.UPDATE,
            request=request,
            detail={"changed": changed},
        )
    return locked


def _contact_state(account: CitizenAccount) -> dict[str, object]:
    return {
        "mobile": account.mobile,
        "email": account.user.email,
        "notify_by_email": account.notify_by_email,
        "notify_by_sms": account.notify_by_sms,
    }


def _contact_taken(account: CitizenAccount, *, email: str) -> DomainError:
    others = CitizenAccount.objects.exclude(pk=account.pk)
    errors = []
    if account.mobile and others.filter(mobile=account.mobile).exists():
        errors.append(_mobile_taken())
    taken = User.objects.filter(role=Role.CITIZEN, email=email).exclude(pk=account.user_id)
    if email and taken.exists():
        errors.append(_email_taken())
    return _refusal(errors or [_mobile_taken()], status=409)


def citizen_account_close(*, account: CitizenAccount, actor, request=None) -> CitizenAccount:
    """Close the account at its owner's request (the password was confirmed by the page). It can
    no longer sign in, its contact details and inbox are cleared, and the person may sign up
    again. The credit file stays: it is the departments', not the account's."""
    with transaction.atomic():
        locked = (
            CitizenAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
        )
        if locked.status not in ACTIVE_CITIZEN_STATUSES:
            raise DomainError(
                code=error_codes.CITIZEN_NOT_CLOSABLE,
                message=_("该账户已注销或未通过核验。"),
                message_en="The account is already closed or was refused.",
                status=409,
            )
        locked.status = CitizenAccountStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        _contact_clear(locked)
        locked.user.notices.all().delete()
        _audit(
            locked,
            actor=actor,
            action=AuditAction.DELETE,
            request=request,
            detail={"status": locked.status},
        )
    return locked


def _contact_clear(account: CitizenAccount) -> None:
    """An account that ended keeps no way to reach or sign in as its person."""
    account.mobile = ""
    account.notify_by_email = False
    account.notify_by_sms = False
    account.save(update_fields=["mobile", "notify_by_email", "notify_by_sms"])
    user = account.user
    user.email = ""
    user.display_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "display_name", "is_active", "password"])


def _contact_kinds(contact: Contact) -> list[str]:
    return [kind for kind, value in (("mobile", contact.mobile), ("email", contact.email)) if value]


def _audit(account: CitizenAccount, *, actor, action: str, request, detail: dict) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=CITIZEN_ACCOUNT_OBJECT_TYPE,
        object_id=str(account.pk),
        subject_index=account.subject_index,
        detail=detail,
        request=request,
    )


def _field_error(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": str(message)}


def _refusal(errors: list[dict[str, str]], *, status: int = 422) -> DomainError:
    first = errors[0]
    return DomainError(
        code=first["code"],
        message=first["message"],
        message_en=first.get("message_en", ""),
        status=status,
        details={"errors": errors},
    )
