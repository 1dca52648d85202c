"""A rate limit on the public website's pages, per client address.

Every page of the ``portal`` namespace (home, report verification, and each public page added
there) counts one request of the client's address in the ``public_address`` rate of
``CHENGXIN_THROTTLE_RATES``; past it the answer is a 429 page of the site with ``Retry-After``.
Static files and the staff pages are not counted.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

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
