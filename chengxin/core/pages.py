"""Pages' answers to refusals: a selector's 403 and 404 as Django's (``found_or_404``), and the
HTML answer of a refusal that every page may meet: a rate limit (429), a body too large
(413), a busy database (503). It is a page of the site's own layout (staff pages for ``/staff/``,
the public site everywhere else) that says what happened and, where it applies, when to try
again; the ``Retry-After`` header says the same to a machine."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError

STAFF_PREFIX = "/staff/"


def error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """``error`` as a page of the site, with its status and headers."""
    staff = request.path_info.startswith(STAFF_PREFIX)
    context = {
        "layout": "staff/base.html" if staff else "portal/base.html",
        "heading": _headings().get(error.status, _("无法处理该请求")),
        "message": error.message,
        "back_url": reverse("backoffice:home" if staff else "portal:home"),
    }
    response = render(request, "errors/problem.html", context, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def found_or_404(call: Callable, **kwargs):
    """``call(**kwargs)`` for a page: a selector's refusal becomes Django's 403 and its "not
    found" (another department's object included) Django's 404."""
    try:
        return call(**kwargs)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None


def _headings() -> dict[int, str]:
    return {
        413: _("提交的内容过大"),
        429: _("操作过于频繁"),
        503: _("系统繁忙"),
    }
