"""Session timeouts of SPEC §14: idle 30 minutes, absolute 12 hours."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED_KEY = "chengxin_session_started"
SESSION_SEEN_KEY = "chengxin_session_seen"


class SessionTimeoutMiddleware:
    """Ends a signed-in session after the idle or the absolute timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._enforce(request)
        return self.get_response(request)

    def _enforce(self, request) -> None:
        now = int(time.time())
        session = request.session
        started = session.setdefault(SESSION_STARTED_KEY, now)
        seen = session.get(SESSION_SEEN_KEY, now)
        idle_limit = settings.SESSION_IDLE_TIMEOUT_SECONDS
        absolute_limit = settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
        if now - seen > idle_limit or now - started > absolute_limit:
            logout(request)
            return
        session[SESSION_SEEN_KEY] = now
