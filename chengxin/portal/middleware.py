"""The public website's middleware: its language (Chinese first) and a rate limit per client
address.

The rate limit:

Every page of the ``portal`` namespace (home, report verification, and each public page added
there) counts one request of the client's address in the ``public_address`` rate of
``CHENGXIN_THROTTLE_RATES``; past it the answer is a 429 page of the site with ``Retry-After``.
Static files and the staff pages are not counted.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy

from chengxin.api.middleware import api_prefix
from chengxin.core.network import client_limit_key
from chengxin.core.pages import error_page
from chengxin.core.throttle import Throttle

PORTAL_NAMESPACE = "portal"
PUBLIC_PAGES = Throttle(
    scope="public_address",
    message=gettext_lazy("您访问得太频繁了，请在 %(wait)s后再试。"),
    message_en="Too many page requests from this address; try again in %(wait)s.",
)


class PublicPageThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.resolver_match is None or request.resolver_match.namespace != PORTAL_NAMESPACE:
            return None
        refusal = PUBLIC_PAGES.hit(client_limit_key(request))
        return error_page(request, refusal) if refusal is not None else None


# --- Language: Chinese first on the public site ---------------------------------------------

STAFF_PATH_PREFIXES = ("/staff/",)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """The language of a page: on the public site and the citizens' pages Chinese (zh-Hans) for
    every visitor whatever the browser's ``Accept-Language`` says, unless the visitor chose
    another language with the switch (``set_language``, remembered in the language cookie).

    Staff pages and the API keep Django's negotiation (cookie, then ``Accept-Language``).
    """

    def process_request(self, request: HttpRequest) -> None:
        if _negotiates(request.path_info):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in _language_codes() else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if _negotiates(request.path_info):
            return super().process_response(request, response)
        # The language does not depend on Accept-Language here: the answer varies by cookie only.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _negotiates(path: str) -> bool:
    return path.startswith(STAFF_PATH_PREFIXES) or path.startswith(api_prefix())


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}
