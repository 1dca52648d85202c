"""Rate limits per client address or per account, counted in Django's cache.

A throttle has a scope, whose rate ``COUNT/PERIOD`` is a setting (``CHENGXIN_THROTTLE_RATES``,
docs/deployment.md): at most COUNT events per key in a window of PERIOD seconds. Windows are fixed
(they start at multiples of PERIOD since the epoch), so a refusal can say exactly when the window
ends: that is its ``Retry-After``. The counters live in the ``default`` cache, which the
deployment shares between its processes (a database table or Redis), so a limit holds however
many application processes serve.

Two ways of counting:

- failures (sign-in, bearer tokens, verification codes): ``refuse_when_spent`` before the
  attempt only reads the counter, ``count`` after a failed attempt adds one. Normal traffic only
  reads, so it costs no write.
- requests (public pages): ``hit`` adds one for every request and refuses past the rate.

Keys are hashed before they reach the cache: no user name or address is stored there in clear.

django-ratelimit (a dependency of the platform) is not used for the counting: its check without
counting still writes to the cache (``cache.add``), which on the database cache is a write
transaction for every request, and it cannot tell a caller whether a refusal is the first of its
window (which the audit log records once, not for every refused attempt).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from chengxin.core import error_codes
from chengxin.core.errors import DomainError

logger = logging.getLogger(__name__)

RATE_OFF = "off"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# The cache keeps a counter a little longer than its window, so a read at the window's last
# second still finds it.
_EXPIRY_MARGIN_SECONDS = 5


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` events in ``period`` seconds."""

    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """``"30/15m"`` → Rate(30, 900); ``""`` or ``"off"`` → None (the throttle is off).

        The period is a unit (s, m, h, d), optionally after a number of them. Raises
        ``ImproperlyConfigured`` for anything else, so a typo in a setting is not a silent
        "no limit"."""
        if (text or "").strip().lower() in ("", RATE_OFF):
            return None
        match = _RATE.match(text)
        if match is None:
            raise ImproperlyConfigured(f"A rate is COUNT/PERIOD such as 30/15m, not {text!r}.")
        count, multiple, unit = match.groups()
        return cls(limit=int(count), period=int(multiple or 1) * _PERIOD_SECONDS[unit])


@dataclass(frozen=True)
class Usage:
    """How much of a rate one key has used in the current window."""

    count: int
    rate: Rate
    retry_after: int

    @property
    def is_spent(self) -> bool:
        return self.count >= self.rate.limit

    @property
    def is_exceeded(self) -> bool:
        return self.count > self.rate.limit


class ThrottledError(DomainError):
    """A rate limit refused the request: HTTP 429 with ``Retry-After``.

    ``first_in_window`` is true for the first refusal of a key in its window, so callers record
    a refusal once (audit, log) rather than once per refused attempt."""

    def __init__(
        self, *, message: str, message_en: str, retry_after: int, first_in_window: bool = False
    ) -> None:
        super().__init__(
            code=error_codes.RATE_LIMITED,
            message=message,
            message_en=message_en,
            status=429,
            details={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after
        self.first_in_window = first_in_window


@dataclass(frozen=True)
class Throttle:
    """One rate limit: its scope (a key of ``CHENGXIN_THROTTLE_RATES``) and the refusal's message.

    ``message`` and ``message_en`` contain ``%(wait)s``: how long to wait, in words."""

    scope: str
    message: str
    message_en: str

    def rate(self) -> Rate | None:
        rates = getattr(settings, "CHENGXIN_THROTTLE_RATES", {})
        return Rate.parse(rates.get(self.scope, ""))

    def usage(self, key: str) -> Usage | None:
        """The key's use of the current window (a cache read); ``None`` when the throttle is off."""
        rate = self.rate()
        if rate is None:
            return None
        window, retry_after = _window(rate)
        count = cache.get(self._cache_key(key, window), 0)
        return Usage(count=int(count), rate=rate, retry_after=retry_after)

    def count(self, key: str) -> Usage | None:
        """Add one event of ``key`` to the current window (a failed attempt, a request)."""
        rate = self.rate()
        if rate is None:
            return None
        window, retry_after = _window(rate)
        count = _increment(self._cache_key(key, window), timeout=retry_after)
        return Usage(count=count, rate=rate, retry_after=retry_after)

    def refusal(self, key: str) -> ThrottledError | None:
        """The refusal of a further attempt when ``key`` has spent its rate, else ``None``."""
        usage = self.usage(key)
        if usage is None or not usage.is_spent:
            return None
        return self._refused(key, usage)

    def refuse_when_spent(self, key: str) -> None:
        """Raise ``ThrottledError`` when ``key`` has spent its rate (failure counting)."""
        error = self.refusal(key)
        if error is not None:
            raise error

    def hit(self, key: str) -> ThrottledError | None:
        """Count one request of ``key``; the refusal when that goes past the rate, else ``None``."""
        usage = self.count(key)
        if usage is None or not usage.is_exceeded:
            return None
        return self._refused(key, usage)

    def _refused(self, key: str, usage: Usage) -> ThrottledError:
        window, _retry_after = _window(usage.rate)
        marker = self._cache_key(key, window, suffix="refused")
        first = bool(cache.add(marker, 1, timeout=usage.retry_after + _EXPIRY_MARGIN_SECONDS))
        if first:
            logger.warning(
                "Rate limit %s reached; refused for %d s.", self.scope, usage.retry_after
            )
        wait, wait_en = wait_in_words(usage.retry_after)
        return ThrottledError(
            message=self.message % {"wait": wait},
            message_en=self.message_en % {"wait": wait_en},
            retry_after=usage.retry_after,
            first_in_window=first,
        )

    def _cache_key(self, key: str, window: int, *, suffix: str = "count") -> str:
        digest = hashlib.sha256(f"{self.scope}\x00{key}".encode()).hexdigest()
        return f"throttle:{self.scope}:{suffix}:{window}:{digest}"


def wait_in_words(seconds: int) -> tuple[str, str]:
    """How long to wait, in Chinese and in English: whole minutes from a minute on."""
    if seconds < 60:
        return _("%(count)d 秒") % {"count": seconds}, f"{seconds} s"
    minutes = math.ceil(seconds / 60)
    return _("%(count)d 分钟") % {"count": minutes}, f"{minutes} min"


def _now() -> float:
    """The clock of the windows (tests fix it, so a window never ends during a test)."""
    return time.time()


def _window(rate: Rate) -> tuple[int, int]:
    """The current window's number and the seconds until it ends (at least one)."""
    now = _now()
    window = int(now // rate.period)
    ends_at = (window + 1) * rate.period
    return window, max(1, math.ceil(ends_at - now))


def _increment(cache_key: str, *, timeout: int) -> int:
    """Add one to a counter, creating it for the rest of its window. ``incr`` first: once the
    counter exists (every event but the window's first) that is one cache operation."""
    try:
        return int(cache.incr(cache_key))
    except ValueError:
        if cache.add(cache_key, 1, timeout=timeout + _EXPIRY_MARGIN_SECONDS):
            return 1
        return int(cache.incr(cache_key))
