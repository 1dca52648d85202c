"""The URLconf the check benchmark serves: the whole platform plus one minimal endpoint to
compare checks with (``bench/check.py``; loaded only by ``bench/check_settings.py``).

``POST /bench/api/lookup`` ``{"id_number"}`` → ``{"known": bool}`` goes through the same server,
middleware and bearer-token authentication as ``POST /api/v1/checks`` and does the least an
authenticated read of one person can do: validate the number, compute its blind index and look
the subject up by that index (one indexed query). ``POST /bench/api/lookup-audited`` does the
same and writes the audit event any real read of personal data must write, so the benchmark can
say what the audit costs. Neither is part of the platform's API.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema

from chengxin.api.auth import bearer_auth
from chengxin.api.errors import install_handlers
from chengxin.config.urls import urlpatterns as platform_urlpatterns
from chengxin.core.audit import events as audit_events
from chengxin.identity.selectors import subject_find

api = NinjaAPI(
    title="Chengxin benchmark",
    version="bench",
    urls_namespace="bench-api",
    docs_url=None,
    openapi_url=None,
)
install_handlers(api)


class LookupIn(Schema):
    id_number: str


class LookupOut(Schema):
    known: bool


@api.post("/lookup", response=LookupOut, auth=bearer_auth)
def lookup(request: HttpRequest, payload: LookupIn):
    """Whether the platform knows the person: one indexed look-up by blind index."""
    return {"known": subject_find(id_number=payload.id_number) is not None}


@api.post("/lookup-audited", response=LookupOut, auth=bearer_auth)
def lookup_audited(request: HttpRequest, payload: LookupIn):
    """The same look-up with the audit event of a read of personal data."""
    subject = subject_find(id_number=payload.id_number)
    with transaction.atomic():
        audit_events.personal_data_read_event(
            actor=request.user,
            subject_index=subject.blind_index if subject else "",
            object_type="bench.lookup",
            object_id=str(subject.pk) if subject else "",
            purpose="benchmark",
            case_no="bench",
            detail={"known": subject is not None},
            request=request,
        )
    return {"known": subject is not None}


urlpatterns = [path("bench/api/", api.urls), *platform_urlpatterns]
