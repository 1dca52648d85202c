"""Citizens' accounts and the real-name OpenID Connect provider (``chengxin.accounts.oidc``): a
pending account proofed by the provider's verified claim, and signing in (or signing up) with
it, which replaces a pending account that someone else opened with the same number (see
``chengxin.accounts.citizens`` and docs/citizens.md)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts import error_codes
from chengxin.accounts.backends import mobile_normalised
from chengxin.accounts.choices import (
    CitizenAccountStatus,
    IdentityProofing,
    Role,
)
from chengxin.accounts.citizens import (
    MOBILE_PATTERN,
    Contact,
    _account_insert,
    _audit,
    _confirm,
    _contact_kinds,
    _email_errors,
    _locked_pending,
    _name_differs,
    _refuse,
    _username_generate,
)
from chengxin.accounts.limits import (
    CITIZEN_NAME,
)
from chengxin.accounts.models import CitizenAccount, User
from chengxin.core import crypto
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.validation import validate_id_number


def citizen_oidc_proof(*, user: User, id_number: str, request=None) -> CitizenAccount:
    """A signed-in pending account proofed by the real-name provider: its verified number must
    give the account's index (409 ``citizen_oidc_other_person`` otherwise, nothing written)."""
    normalised = _claimed_number(id_number)
    with transaction.atomic():
        locked = _locked_pending(user.citizen_account)
        if crypto.blind_index(normalised) != locked.subject_index:
            raise DomainError(
                code=error_codes.CITIZEN_OIDC_OTHER_PERSON,
                message=_(
                    "实名认证平台核验的身份与本账户注册时填写的身份证号码不一致，账户未核验。"
                    "如号码填写有误，请注销本账户后重新注册。"
                ),
                message_en=(
                    "The identity the real-name provider verified is not the one this account "
                    "was opened for; the account is not confirmed."
                ),
                status=409,
            )
        _confirm(locked, actor=user, proofing=IdentityProofing.OIDC, request=request)
    return locked


def citizen_oidc_sign_in(
    *, id_number: str, name: str, email: str = "", mobile: str = "", request=None
) -> User:
    """The person the real-name provider verified, signing in: their confirmed account, or a new
    one confirmed at once (without a password: they sign in through the provider). A pending
    account of the same number belongs to someone who could not prove it: it is refused."""
    normalised = _claimed_number(id_number)
    index = crypto.blind_index(normalised)
    confirmed = CitizenAccount.objects.filter(
        subject_index=index, status=CitizenAccountStatus.CONFIRMED
    ).select_related("user")
    existing = confirmed.first()
    if existing is not None:
        return existing.user
    with transaction.atomic():
        _refuse_squatter(index, request=request)
        user = _oidc_account_create(
            normalised, index=index, name=name, email=email, mobile=mobile, request=request
        )
    return user


def _refuse_squatter(index: str, *, request) -> None:
    pending = (
        CitizenAccount.objects.select_for_update()
        .select_related("user")
        .filter(subject_index=index, status=CitizenAccountStatus.PENDING)
        .first()
    )
    if pending is not None:
        reason = _("该身份证号码的本人已通过实名认证平台核验身份，本账户不予核验。")
        _refuse(pending, reason=reason, actor=None, request=request)


def _oidc_account_create(normalised, *, index, name, email, mobile, request) -> User:
    contact = _usable_contact(email=email, mobile=mobile)
    user = User(
        username=_username_generate(),
        role=Role.CITIZEN,
        display_name=(name or "").strip()[: CITIZEN_NAME.max_length],
        email=contact.email,
    )
    user.set_unusable_password()
    account = CitizenAccount(
        subject_index=index,
        id_masked=mask_id_number(normalised, context=MaskContext.OWNER),
        proofing=IdentityProofing.OIDC,
        mobile=contact.mobile,
        status=CitizenAccountStatus.CONFIRMED,
        confirmed_at=timezone.now(),
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


def _usable_contact(*, email: str, mobile: str) -> Contact:
    """The provider's contact claims, each kept only when valid and not taken by another
    account (the person can change them on the account page)."""
    mobile = mobile_normalised(mobile or "")
    email = (email or "").strip().lower()
    if mobile and (
        not MOBILE_PATTERN.match(mobile) or CitizenAccount.objects.filter(mobile=mobile).exists()
    ):
        mobile = ""
    if email and (
        _email_errors(email) or User.objects.filter(role=Role.CITIZEN, email=email).exists()
    ):
        email = ""
    return Contact(mobile=mobile, email=email)


def _claimed_number(id_number: str) -> str:
    validation = validate_id_number(id_number or "")
    if not validation.is_valid:
        raise DomainError(
            code=error_codes.CITIZEN_OIDC_CLAIM_MISSING,
            message=_("实名认证平台没有返回有效的身份证号码，无法核验身份。"),
            message_en="The real-name provider returned no valid ID number.",
            status=502,
        )
    return validation.normalised
