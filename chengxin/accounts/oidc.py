"""Identity proofing by a real-name OpenID Connect provider (``CHENGXIN_IDENTITY_PROOFING = "oidc"``).

The national government service platform's unified identity authentication, and the provincial
ones, offer real-name sign-in over OpenID Connect: the provider has seen the person's identity
(face and card, or the bank's real-name check) and returns the ID number as a claim. The client
is Authlib's (discovery from the issuer, the authorization code flow with ``state`` and
``nonce``, the ID token's signature checked against the provider's published keys, its issuer,
audience and expiry); this module only reads the claims and hands them to the services:

- a signed-in pending account is confirmed when the verified number gives its blind index
  (``citizen_oidc.citizen_oidc_proof``);
- otherwise the person signs in: their confirmed account, or a new one confirmed at once
  (``citizen_oidc.citizen_oidc_sign_in``).

Settings (docs/citizens.md, docs/deployment.md): ``CHENGXIN_OIDC_ISSUER``,
``CHENGXIN_OIDC_CLIENT_ID``, ``CHENGXIN_OIDC_CLIENT_SECRET`` (environment only),
``CHENGXIN_OIDC_SCOPES``, ``CHENGXIN_OIDC_ID_NUMBER_CLAIM``, ``CHENGXIN_OIDC_NAME_CLAIM``,
``CHENGXIN_OIDC_VERIFIED_CLAIM`` and ``CHENGXIN_OIDC_TIMEOUT``. The claims are read in memory
and never stored or logged: the account keeps the number's blind index and mask only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from requests import RequestException

from chengxin.accounts import error_codes
from chengxin.accounts.choices import IdentityProofing
from chengxin.core.errors import DomainError

CLIENT_NAME = "realname"
NO_VERIFIED_CLAIM = "none"
EMAIL_CLAIM = "email"
PHONE_CLAIM = "phone_number"
# What the flow may raise when the provider is unreachable, answers an error or sends a token
# that does not check out (Authlib's own errors, including a bad ``state``; the key set's and
# the token's from joserfc; the HTTP client's; metadata without a key set).
FLOW_ERRORS = (AuthlibBaseError, JoseError, RequestException, RuntimeError, KeyError, ValueError)


@dataclass(frozen=True)
class ClaimedIdentity:
    """The person as the provider verified them: number, name, and the contact claims it sent."""

    id_number: str
    name: str
    email: str
    mobile: str


def oidc_enabled() -> bool:
    return settings.CHENGXIN_IDENTITY_PROOFING == IdentityProofing.OIDC


def oidc_client():
    """The Authlib client of the configured provider (its metadata fetched once per process)."""
    return _client(
        settings.CHENGXIN_OIDC_ISSUER.rstrip("/"),
        settings.CHENGXIN_OIDC_CLIENT_ID,
        settings.CHENGXIN_OIDC_CLIENT_SECRET,
        settings.CHENGXIN_OIDC_SCOPES,
        settings.CHENGXIN_OIDC_TIMEOUT,
    )


@functools.lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str, timeout: int):
    return OAuth().register(
        name=CLIENT_NAME,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "default_timeout": timeout},
    )


def claimed_identity(request) -> ClaimedIdentity:
    """Finish the authorization code flow of ``request`` (the provider's redirect back) and
    return the verified identity; ``DomainError`` when the flow fails, the number is missing or
    the provider does not say it is verified."""
    client = oidc_client()
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if client.load_server_metadata().get("userinfo_endpoint"):
            claims.update(dict(client.userinfo(token=token)))
    except FLOW_ERRORS as error:
        raise flow_failed(error) from error
    return _identity(claims)


def _identity(claims: dict[str, Any]) -> ClaimedIdentity:
    number = str(claims.get(settings.CHENGXIN_OIDC_ID_NUMBER_CLAIM) or "").strip()
    if not number:
        raise DomainError(
            code=error_codes.CITIZEN_OIDC_CLAIM_MISSING,
            message=_("实名认证平台没有返回身份证号码，无法核验身份。"),
            message_en="The real-name provider returned no ID number.",
            status=502,
        )
    verified = settings.CHENGXIN_OIDC_VERIFIED_CLAIM
    if verified != NO_VERIFIED_CLAIM and claims.get(verified) is not True:
        raise DomainError(
            code=error_codes.CITIZEN_OIDC_NOT_VERIFIED,
            message=_("实名认证平台尚未核验您的身份证件，请先在该平台完成实名认证。"),
            message_en="The real-name provider has not verified this identity.",
            status=403,
        )
    return ClaimedIdentity(
        id_number=number,
        name=str(claims.get(settings.CHENGXIN_OIDC_NAME_CLAIM) or ""),
        email=str(claims.get(EMAIL_CLAIM) or ""),
        mobile=str(claims.get(PHONE_CLAIM) or ""),
    )


def flow_failed(error: Exception) -> DomainError:
    """The refusal shown when the sign-in at the provider did not complete (the error's kind is
    logged by the view; its text may carry what the provider sent)."""
    return DomainError(
        code=error_codes.CITIZEN_OIDC_FAILED,
        message=_("实名认证未完成，请返回重新认证；如多次失败，可携带身份证到服务窗口核验。"),
        message_en="The real-name sign-in did not complete; try again or visit the counter.",
        status=400,
        details={"reason": type(error).__name__},
    )
