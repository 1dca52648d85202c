"""Changes to departments, users, second factors and API tokens, each with its audit event.

Every entry point (the command line, the admin, the sign-in pages, the demo set-up) changes these
objects through the functions here, so the rules (which role goes with which department, who may
hold a token) and the audit trail are the same everywhere.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import NamedTuple

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from chengxin.accounts import error_codes
from chengxin.accounts.choices import ADMINISTRATIVE_ROLES, DEPARTMENT_ROLES, Role
from chengxin.accounts.limits import DEPARTMENT_CODE, DISPLAY_NAME, TOKEN_NAME, USERNAME
from chengxin.accounts.models import ApiToken, Department, User
from chengxin.accounts.tokens import token_digest, token_generate, token_visible_prefix
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.text import field_refusal, text_checked, text_errors

GENERATED_PASSWORD_BYTES = 12
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
TOKEN_LAST_USED_GRANULARITY = timedelta(minutes=1)
TOKENLESS_ROLES = frozenset({Role.CITIZEN})
TOTP_DEVICE_NAME = "authenticator"


class CreatedUser(NamedTuple):
    """A new account and its generated password (``None`` when the caller chose one)."""

    user: User
    password: str | None


def department_create(
    *,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    name_en: str = "",
    succeeds: str = "",
    is_credit_office: bool = False,
    actor,
) -> Department:
    """Create a department (reference data). The code is stable and unique, and is copied into
    audit events and check receipts: it may not hold an ID number (422)."""
    code = text_checked(code, DEPARTMENT_CODE)
    with transaction.atomic():
        department = Department.objects.create(
            code=code,
            name=name,
            kind=kind,
            short_name=short_name,
            name_en=name_en,
            succeeds=succeeds,
            is_credit_office=is_credit_office,
        )
        audit_events.change_event(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="department",
            object_id=str(department.pk),
            detail={"code": code},
        )
    return department


def user_create(
    *,
    username: str,
    department_code: str,
    role: str,
    password: str | None = None,
    display_name: str = "",
    actor,
) -> CreatedUser:
    """Create an account with ``role`` in the department with ``department_code``.

    Providers and officers need a department; reviewers and the administrative roles belong to
    the credit office (reviewers must name it, administrators may); citizens and agencies have
    none. Without ``password``, a random one is generated and returned once. Raises
    ``DomainError`` for an unknown role, a taken or malformed username, a weak password or a
    department that does not fit the role; a username or display name over its limit
    (``limits``) or holding an ID number (the username is copied into audit events and receipts).
    """
    role = _checked_role(role)
    department = _checked_department(role=role, department_code=department_code)
    _check_username(username)
    display_name = text_checked(display_name, DISPLAY_NAME)
    generated = None if password is not None else _password_generate()
    candidate = User(username=username, role=role, department=department, display_name=display_name)
    _check_password(password, user=candidate)
    candidate.set_password(password if password is not None else generated)
    candidate.is_staff = role in ADMINISTRATIVE_ROLES
    with transaction.atomic():
        _save_new_user(candidate)
        audit_events.change_event(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="user",
            object_id=str(candidate.pk),
            detail=_user_detail(candidate),
        )
    return CreatedUser(user=candidate, password=generated)


def user_update(
    *,
    user: User,
    role: str,
    department_code: str,
    display_name: str,
    is_active: bool,
    actor,
) -> User:
    """Change an account's role, department, name or active flag, with the same rules as
    ``user_create``. The audit event names what changed."""
    role = _checked_role(role)
    department = _checked_department(role=role, department_code=department_code)
    display_name = text_checked(display_name, DISPLAY_NAME)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = _user_detail(locked) | {"is_active": locked.is_active}
        locked.role = role
        locked.department = department
        locked.display_name = display_name
        locked.is_active = is_active
        locked.is_staff = role in ADMINISTRATIVE_ROLES
        locked.save(update_fields=["role", "department", "display_name", "is_active", "is_staff"])
        after = _user_detail(locked) | {"is_active": locked.is_active}
        changed = sorted(key for key in after if after[key] != before[key])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="user",
            object_id=str(locked.pk),
            detail={"changed": changed, **{key: after[key] for key in changed}},
        )
    return locked


def user_password_reset(*, user: User, actor) -> str:
    """Give ``user`` a new random password and return it (shown once to the operator)."""
    password = _password_generate()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="user",
            object_id=str(user.pk),
            detail={"changed": ["password"]},
        )
    return password


def user_unlock(*, user: User, actor) -> int:
    """Lift a lockout of ``user`` after repeated failed sign-ins; returns the attempts removed."""
    with transaction.atomic():
        removed = axes_reset(username=user.get_username())
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="user",
            object_id=str(user.pk),
            detail={"changed": ["lockout"], "attempts_removed": removed},
        )
    return removed


def user_second_factor_reset(*, user: User, actor) -> int:
    """Remove ``user``'s TOTP devices (a lost phone); the next sign-in enrols a new one."""
    with transaction.atomic():
        removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
        audit_events.change_event(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="totp_device",
            object_id=str(user.pk),
            detail={"devices_removed": removed},
        )
    return removed


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device ``user`` is enrolling (created with a fresh secret if none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str, request=None) -> bool:
    """Confirm an enrolling device when ``token`` is a current code of it; audited on success."""
    if device.confirmed or not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_events.change_event(
            actor=device.user,
            action=AuditAction.CREATE,
            object_type="totp_device",
            object_id=str(device.pk),
            request=request,
        )
    return True


def api_token_create(
    *, user: User, name: str, expires_in_days: int = TOKEN_DEFAULT_DAYS, actor
) -> tuple[ApiToken, str]:
    """Issue an API token for ``user``; returns the stored row and the plaintext.

    The plaintext is not stored anywhere and cannot be recovered: show it once. Citizens get no
    tokens; the account must be active; the lifetime is 1 to 365 days.
    """
    _check_token_request(user=user, name=name, expires_in_days=expires_in_days)
    plaintext = token_generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            prefix=token_visible_prefix(plaintext),
            token_hash=token_digest(plaintext),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            expires_at=timezone.now() + timedelta(days=expires_in_days),
        )
        audit_events.change_event(
            actor=actor,
            action=AuditAction.TOKEN_ISSUED,
            object_type="api_token",
            object_id=str(token.pk),
            detail={
                "prefix": token.prefix,
                "user_id": user.pk,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return token, plaintext


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke ``token`` now; it is refused from the next request on. Revoking twice is refused."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.is_revoked:
            raise DomainError(
                code=error_codes.TOKEN_ALREADY_REVOKED,
                message=_("该令牌已被吊销。"),
                message_en="The token has already been revoked.",
                status=409,
            )
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.TOKEN_REVOKED,
            object_type="api_token",
            object_id=str(locked.pk),
            detail={"prefix": locked.prefix, "user_id": locked.user_id},
        )
    return locked


def api_token_mark_used(*, token: ApiToken, now) -> None:
    """Record that ``token`` was used. Written at most once a minute per token, so that busy
    clients do not turn every request into a write; not audited (the request itself is)."""
    last_used = token.last_used_at
    if last_used is not None and now - last_used < TOKEN_LAST_USED_GRANULARITY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def _checked_role(role: str) -> str:
    if role not in Role.values:
        raise DomainError(
            code=error_codes.USER_ROLE_UNKNOWN,
            message=_("未知的角色：%(role)s。") % {"role": role},
            message_en=f"Unknown role: {role}.",
        )
    return role


def _checked_department(*, role: str, department_code: str) -> Department | None:
    department = _department_for_code(department_code) if department_code else None
    if department is None:
        _check_role_without_department(role)
        return None
    if role in (Role.CITIZEN, Role.AGENCY):
        raise DomainError(
            code=error_codes.DEPARTMENT_NOT_ALLOWED,
            message=_("公众用户和征信机构不属于任何部门。"),
            message_en="Citizens and credit agencies do not belong to a department.",
        )
    if role not in DEPARTMENT_ROLES and not department.is_credit_office:
        raise DomainError(
            code=error_codes.DEPARTMENT_NOT_CREDIT_OFFICE,
            message=_("审核员和管理员只能属于信用办（牵头单位）。"),
            message_en="Reviewers and administrators belong to the credit office only.",
        )
    return department


def _department_for_code(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFoundError(
            code=error_codes.DEPARTMENT_NOT_FOUND,
            message=_("未找到代码为 %(code)s 的部门。") % {"code": code},
            message_en=f"No department has the code {code}.",
        )
    if not department.is_active:
        raise DomainError(
            code=error_codes.DEPARTMENT_INACTIVE,
            message=_("部门 %(code)s 已停用。") % {"code": code},
            message_en=f"The department {code} is inactive.",
        )
    return department


def _check_role_without_department(role: str) -> None:
    if role in DEPARTMENT_ROLES or role == Role.REVIEWER:
        raise DomainError(
            code=error_codes.DEPARTMENT_REQUIRED,
            message=_("报送员、经办员和审核员必须指定所属部门。"),
            message_en="Providers, officers and reviewers need a department.",
        )


def _check_username(username: str) -> None:
    errors = text_errors(username, USERNAME)
    if errors:
        raise field_refusal(errors)
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise DomainError(
            code=error_codes.USER_USERNAME_INVALID,
            message=_("用户名只能包含字母、数字和 @ . + - _ 字符。"),
            message_en="A username may contain letters, digits and @ . + - _ only.",
        ) from error
    if not username or User.objects.filter(username=username).exists():
        raise _username_taken()


def _username_taken() -> DomainError:
    return DomainError(
        code=error_codes.USER_USERNAME_TAKEN,
        message=_("该用户名已被使用。"),
        message_en="The username is taken.",
        status=409,
    )


def _check_password(password: str | None, *, user: User) -> None:
    if password is None:
        return
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise DomainError(
            code=error_codes.USER_PASSWORD_WEAK,
            message=_("密码不符合要求：%(reasons)s") % {"reasons": " ".join(error.messages)},
            message_en="The password does not meet the password rules.",
        ) from error


def service_account_get_or_create(*, department: Department, kind: str, display_name: str) -> User:
    """The department's provider account for work started on the server (``kind`` e.g.
    ``import``): username ``<kind>-<department code>``, no usable password, so it can act in the
    platform's name but nobody can sign in with it. Created (and audited) on first use."""
    username = f"{kind}-{department.code}"
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    account = User(
        username=username,
        role=Role.PROVIDER,
        department=department,
        display_name=display_name,
    )
    account.set_unusable_password()
    with transaction.atomic():
        _save_new_user(account)
        audit_events.change_event(
            actor=None,
            action=AuditAction.CREATE,
            object_type="user",
            object_id=str(account.pk),
            detail={**_user_detail(account), "service_account": kind},
        )
    return account


def _save_new_user(user: User) -> None:
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:
        raise _username_taken() from error


def _password_generate() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def _user_detail(user: User) -> dict[str, object]:
    department = user.department
    return {"role": user.role, "department": department.code if department else ""}


def _check_token_request(*, user: User, name: str, expires_in_days: int) -> None:
    if user.role in TOKENLESS_ROLES:
        raise DomainError(
            code=error_codes.TOKEN_ROLE_NOT_ALLOWED,
            message=_("公众用户不能持有接口令牌。"),
            message_en="Citizens cannot hold API tokens.",
        )
    if not user.is_active:
        raise DomainError(
            code=error_codes.TOKEN_USER_INACTIVE,
            message=_("账户已停用，不能签发令牌。"),
            message_en="The account is inactive; no token can be issued.",
        )
    if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise DomainError(
            code=error_codes.TOKEN_EXPIRY_OUT_OF_RANGE,
            message=_("令牌有效期须在 1 至 %(max)d 天之间。") % {"max": TOKEN_MAX_DAYS},
            message_en=f"A token lives 1 to {TOKEN_MAX_DAYS} days.",
        )
    if not name.strip() or len(name.strip()) > TOKEN_NAME.max_length:
        raise DomainError(
            code=error_codes.TOKEN_NAME_INVALID,
            message=_("请填写令牌用途（不超过 100 个字符）。"),
            message_en="Give the token a purpose of at most 100 characters.",
        )
    text_checked(name, TOKEN_NAME)


DEPARTMENT_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "name_en",
    "kind",
    "uscc",
    "succeeds",
    "is_credit_office",
    "is_active",
)


def department_update(*, department: Department, changes: dict[str, object], actor) -> Department:
    """Change a department's descriptive fields (never its code); audited with the changed
    field names. Raises ``ValueError`` for a field that is not editable."""
    unknown = set(changes) - set(DEPARTMENT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable on a department: {sorted(unknown)}.")
    with transaction.atomic():
        locked = Department.objects.select_for_update().get(pk=department.pk)
        changed = sorted(key for key, value in changes.items() if getattr(locked, key) != value)
        for key in changed:
            setattr(locked, key, changes[key])
        locked.save(update_fields=[*changed, "updated_at"])
        audit_events.change_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="department",
            object_id=str(locked.pk),
            detail={"code": locked.code, "changed": changed},
        )
    return locked
