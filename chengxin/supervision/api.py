"""Credit agencies' consented queries (SPEC §9): ``POST /agency-queries``.

The operation authenticates its own token (``AgencyTokenBearer``): a token that is linked to an
agency reaches the service even when it has been revoked or has expired, so that the attempt is
logged and answered with ``agency_token_revoked`` or ``agency_blacklisted``; any other refused
token is the API's usual 401. The middleware that checks ``Authorization`` headers leaves this
path to the operation (``chengxin.api.middleware.SELF_AUTHENTICATING``).
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from ninja.security import HttpBearer
from pydantic import Field

from chengxin.accounts.models import ApiToken
from chengxin.accounts.selectors import TokenRefusal, api_token_authenticate
from chengxin.accounts.services import api_token_mark_used
from chengxin.accounts.tokens import token_digest, token_is_well_formed
from chengxin.api.auth import TOKEN_FAILURES
from chengxin.api.openapi import problem_answers
from chengxin.catalog.validation import CODE_MAX_LENGTH
from chengxin.core.network import client_limit_key
from chengxin.core.throttle import Throttle
from chengxin.identity.validation import ID_NUMBER_INPUT_MAX_LENGTH
from chengxin.supervision.agency_queries import ITEMS_MAX, agency_query

router = Router(tags=["agencies"])

AGENCY_QUERIES = Throttle(
    scope="agency_query",
    message=gettext_lazy("该访问令牌的查询次数已达上限，请在 %(wait)s后再试。"),
    message_en="This token has made too many queries; try again in %(wait)s.",
)


class AgencyTokenBearer(HttpBearer):
    """A usable bearer token, or a refused one that belongs to an agency (the service refuses
    and logs it); any other refused token is a 401 counted against the client's address."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        address = client_limit_key(request)
        TOKEN_FAILURES.refuse_when_spent(address)
        now = timezone.now()
        found = api_token_authenticate(plaintext=token, now=now)
        if isinstance(found, TokenRefusal):
            linked = _refused_agency_token(token)
            if linked is None:
                TOKEN_FAILURES.count(address)
                raise found.as_error()
            found = linked
        else:
            api_token_mark_used(token=found, now=now)
        refusal = AGENCY_QUERIES.hit(str(found.pk))
        if refusal is not None:
            raise refusal
        request.user = found.user
        return found


def _refused_agency_token(plaintext: str) -> ApiToken | None:
    if not token_is_well_formed(plaintext):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(plaintext), agency_link__isnull=False)
        .first()
    )


agency_auth = AgencyTokenBearer()

ItemCode = Annotated[str, Field(max_length=CODE_MAX_LENGTH)]


class AgencyQueryIn(Schema):
    id_number: Annotated[str, Field(max_length=ID_NUMBER_INPUT_MAX_LENGTH)]
    purpose: Annotated[
        str,
        Field(max_length=CODE_MAX_LENGTH, description="A purpose whose roles include `agency`."),
    ]
    items: list[ItemCode] = Field(
        default_factory=list,
        max_length=ITEMS_MAX,
        description="Catalog item codes; empty: every item the consent covers.",
    )


class AgencyRecordOut(Schema):
    record_id: int
    item_code: str
    item_name: str
    category: str
    severity: str
    disclosure: str
    legal_basis: str
    provider: str
    authority: str
    document_no: str
    decided_on: datetime.date
    status: str
    disputed: bool
    statement: str
    repairable_from: datetime.date | None
    disclosure_ends_on: datetime.date | None
    valid_until: datetime.date | None


class AgencyQueryOut(Schema):
    query_id: int
    created_at: datetime.datetime
    purpose: str
    purpose_name: str
    consent_ids: list[int]
    subject_known: bool
    id_masked: str
    counts: dict[str, int]
    records: list[AgencyRecordOut]


@router.post(
    "/agency-queries",
    response=AgencyQueryOut,
    auth=agency_auth,
    url_name="agency_query_create",
    operation_id="agency_queries_create",
    summary="A credit agency's query of a person's records, with the person's consent",
    openapi_extra=problem_answers(
        {
            401: "`token_invalid` and the other token refusals; `agency_token_revoked` (a token "
            "of an agency that was revoked or has expired; the attempt is logged).",
            403: "`agency_role_required`, `agency_token_not_linked` (not logged); "
            "`agency_blacklisted`, `agency_licence_inactive`, `agency_purpose_not_allowed`, "
            "`agency_no_consent`, `agency_consent_expired`, `agency_consent_revoked`, "
            "`agency_consent_not_yet_valid`, `agency_item_not_disclosable`, "
            "`agency_item_out_of_scope` (logged; `query_id` in the answer).",
            422: "`request_invalid` (the schema: `id_number` at most 40 characters, `purpose` and "
            f"each item at most {CODE_MAX_LENGTH}, at most {ITEMS_MAX} items); "
            "`agency_id_number_invalid`, `agency_item_unknown` (logged).",
            429: "`throttled`: the token's `agency_query` rate "
            "(`CHENGXIN_RATE_AGENCY_QUERY`, default 600 an hour) or the address's refused tokens.",
        }
    ),
)
def agency_query_create(request: HttpRequest, body: AgencyQueryIn):
    """Answer only with a consent in force, only items disclosed to agencies and within the
    consent's scope; every query, answered or refused, is logged and shown to the person."""
    answer = agency_query(
        token=request.auth,
        id_number=body.id_number,
        purpose=body.purpose,
        items=body.items,
        request=request,
    )
    return {
        "query_id": answer.query_id,
        "created_at": answer.created_at,
        "purpose": answer.purpose_code,
        "purpose_name": answer.purpose_name,
        "consent_ids": list(answer.consent_ids),
        "subject_known": answer.subject_known,
        "id_masked": answer.id_masked,
        "counts": answer.counts,
        "records": [
            {**record.__dict__, "provider": record.provider_name} for record in answer.records
        ],
    }
