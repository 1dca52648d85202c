"""The display settings every page offers (GB/T 37668, the ageing-friendly rules for government
websites): a larger text size and a high-contrast mode, chosen with plain form buttons, kept in
cookies, applied on the server as classes of the page's root element, so they work without
JavaScript and on every page, public or staff.

``POST /display/`` with ``text_size`` (normal, large, larger) and/or ``contrast`` (normal,
high) sets the cookies and sends the visitor back to ``next``, which must be a path of this
site (anything else goes to the home page). Nothing is stored on the server.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

TEXT_SIZE_COOKIE = "chengxin_text_size"
CONTRAST_COOKIE = "chengxin_contrast"
TEXT_SIZES = ("normal", "large", "larger")
CONTRASTS = ("normal", "high")
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
NEXT_MAX_LENGTH = 2000


def display_settings_of(request: HttpRequest) -> dict[str, str]:
    """The visitor's text size and contrast; anything unknown in the cookies counts as normal."""
    size = request.COOKIES.get(TEXT_SIZE_COOKIE, "normal")
    contrast = request.COOKIES.get(CONTRAST_COOKIE, "normal")
    return {
        "text_size": size if size in TEXT_SIZES else "normal",
        "contrast": contrast if contrast in CONTRASTS else "normal",
    }


def display_classes(request: HttpRequest | None) -> str:
    """The classes of the page's root element for the visitor's settings."""
    if request is None:
        return ""
    chosen = display_settings_of(request)
    classes = []
    if chosen["text_size"] != "normal":
        classes.append(f"text-{chosen['text_size']}")
    if chosen["contrast"] == "high":
        classes.append("contrast-high")
    return " ".join(classes)


def safe_next(request: HttpRequest, target: str) -> str:
    """``target`` when it is a path on this site, otherwise the home page."""
    if (
        target
        and len(target) <= NEXT_MAX_LENGTH
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


@require_POST
def display_settings(request: HttpRequest) -> HttpResponse:
    """Remember the chosen text size and/or contrast and go back to the page."""
    response = HttpResponseRedirect(safe_next(request, request.POST.get("next", "")))
    secure = request.is_secure() or settings.SESSION_COOKIE_SECURE
    choices = (
        (TEXT_SIZE_COOKIE, request.POST.get("text_size", ""), TEXT_SIZES),
        (CONTRAST_COOKIE, request.POST.get("contrast", ""), CONTRASTS),
    )
    for cookie, value, allowed in choices:
        if value in allowed:
            response.set_cookie(
                cookie,
                value,
                max_age=COOKIE_MAX_AGE,
                secure=secure,
                httponly=True,
                samesite="Lax",
            )
    return response
