"""Reading users, departments and API tokens."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from chengxin.accounts import error_codes
from chengxin.accounts.choices import CitizenAccountStatus, Role
from chengxin.accounts.models import ApiToken, CitizenAccount, Notice, User
from chengxin.accounts.permissions import can_confirm_citizens
from chengxin.accounts.tokens import token_digest, token_is_well_formed
from chengxin.core.bulk import any_of
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError

# The characters of a number an account keeps visible (its owner's mask): the last four.
ID_MASK_VISIBLE = 4


@dataclass(frozen=True)
class TokenRefusal:
    """Why a presented bearer token is not accepted: a machine code and a message."""

    code: str
    message: str
    message_en: str

    def as_error(self) -> DomainError:
        return DomainError(
            code=self.code, message=self.message, message_en=self.message_en, status=401
        )


def user_get_by_username(*, username: str) -> User:
    """The account named ``username``, with its department; ``NotFoundError`` if none."""
    user = User.objects.select_related("department").filter(username=username).first()
    if user is None:
        raise NotFoundError(
            code=error_codes.USER_NOT_FOUND,
            message=_("未找到该用户。"),
            message_en="No such user.",
        )
    return user


def api_token_get_by_prefix(*, prefix: str) -> ApiToken:
    """The token whose visible prefix is ``prefix``; ``NotFoundError`` if none."""
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None:
        raise NotFoundError(
            code=error_codes.TOKEN_NOT_FOUND,
            message=_("未找到前缀为 %(prefix)s 的令牌。") % {"prefix": prefix},
            message_en=f"No token has the prefix {prefix}.",
        )
    return token


def api_token_list_for_user(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


def api_token_authenticate(*, plaintext: str, now) -> ApiToken | TokenRefusal:
    """The usable token for ``plaintext`` (with its user and department) or why it is refused.

    One query: the token is looked up by its digest, never by the plaintext.
    """
    if not token_is_well_formed(plaintext):
        return _refusal_invalid()
    token = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(token_hash=token_digest(plaintext))
        .first()
    )
    if token is None:
        return _refusal_invalid()
    if token.is_revoked:
        return TokenRefusal(
            code=error_codes.TOKEN_REVOKED,
            message=_("访问令牌已被吊销。"),
            message_en="The access token has been revoked.",
        )
    if token.has_expired(now=now):
        return TokenRefusal(
            code=error_codes.TOKEN_EXPIRED,
            message=_("访问令牌已过期，请申请新的令牌。"),
            message_en="The access token has expired; ask for a new one.",
        )
    if not token.user.is_active:
        return TokenRefusal(
            code=error_codes.TOKEN_ACCOUNT_DISABLED,
            message=_("令牌所属账户已停用。"),
            message_en="The account of this token is disabled.",
        )
    return token


def _refusal_invalid() -> TokenRefusal:
    return TokenRefusal(
        code=error_codes.TOKEN_INVALID,
        message=_("访问令牌无效。"),
        message_en="The access token is not valid.",
    )


def confirmed_citizen_account(user) -> CitizenAccount | None:
    """The confirmed citizen account of ``user``: the binding to a person that every citizen page
    and operation reads the person's file through. ``None`` for anyone else, and for a citizen
    whose identity is not proofed yet (a pending account sees nothing of the file)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "role", "") != Role.CITIZEN:
        return None
    return CitizenAccount.objects.filter(user=user, status=CitizenAccountStatus.CONFIRMED).first()


def citizen_account_of(user) -> CitizenAccount | None:
    """``user``'s own citizen account in any status (the account page shows where it stands);
    ``None`` for staff and anonymous visitors."""
    if user is None or not user.is_authenticated or getattr(user, "role", "") != Role.CITIZEN:
        return None
    return CitizenAccount.objects.filter(user=user).first()


def confirmed_accounts_by_subject(subject_indexes: Iterable[str]) -> dict[str, CitizenAccount]:
    """The confirmed accounts of many people, by blind index, in one query (with their users):
    who of a chunk of new records has an account to be told."""
    indexes = sorted(set(subject_indexes))
    if not indexes:
        return {}
    accounts = CitizenAccount.objects.filter(
        any_of("subject_index", indexes), status=CitizenAccountStatus.CONFIRMED
    ).select_related("user")
    return {account.subject_index: account for account in accounts}


def notice_list_for(*, user):
    """``user``'s inbox, newest first."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def notice_unread_count(*, user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def counter_account_list(*, viewer, query: str = ""):
    """The pending accounts for the service counter, oldest first: by the last characters of the
    number (the only ones an account keeps) or by mobile number. Full numbers are never listed:
    an account holds none."""
    _check_counter(viewer)
    accounts = CitizenAccount.objects.filter(status=CitizenAccountStatus.PENDING).select_related(
        "user"
    )
    query = query.strip().upper()
    if query:
        condition = Q(mobile__endswith=query)
        if len(query) <= ID_MASK_VISIBLE:
            condition |= Q(id_masked__endswith=query)
        accounts = accounts.filter(condition)
    return accounts.order_by("created_at", "pk")


def counter_account_get(*, viewer, account_id: int) -> CitizenAccount:
    """One account as the counter sees it (any status); 404 when there is none."""
    _check_counter(viewer)
    account = CitizenAccount.objects.select_related("user").filter(pk=account_id).first()
    if account is None:
        raise NotFoundError(
            code=error_codes.USER_NOT_FOUND,
            message=_("未找到该账户。"),
            message_en="No such account.",
        )
    return account


def _check_counter(viewer) -> None:
    if not can_confirm_citizens(viewer):
        raise PermissionDeniedError(
            code=error_codes.CITIZEN_COUNTER_DENIED,
            message=_("您无权办理公众账户的身份核验。"),
            message_en="You may not proof citizens' accounts.",
        )
