"""Reads of the public site from a PostgreSQL streaming replica, with the primary as fallback.

A deployment names a replica with ``CHENGXIN_REPLICA_URL`` (the ``replica`` database alias;
absent by default, and then nothing here changes anything). Three parts:

- ``ReplicaReadsMiddleware`` marks a request as replica-eligible when it is a GET or HEAD of a
  page that only shows what is public or aggregated (``REPLICA_NAMESPACES``, ``REPLICA_VIEWS``:
  the public site, report verification, the dashboards). Everything else, a person's own pages
  under /my/ and every staff page included, reads the primary, so whoever writes reads what
  they wrote.
- ``ReplicaRouter`` sends the reads of an eligible request to the replica, except the tables
  that must be current (sessions, users, policy values, the audit log, the cache, the task
  queue: ``PRIMARY_ONLY_APPS``) and reads inside a transaction. Every write goes to the primary.
- ``MONITOR`` measures the replica's lag at most every ``CHENGXIN_REPLICA_CHECK_SECONDS``
  (default 5) per process, an unreachable one every 30 seconds. Past the policy value ``replica.max_lag_seconds``, or with the replica
  unreachable, reads go to the primary. A request whose replica fails half-way is answered again
  from the primary (the failure is noticed at once, not at the next check).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import PLATFORM_DEFAULT
from chengxin.core.policy_registry import PolicyDefinition, register

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
DEFAULT_CHECK_SECONDS = 5.0
UNREACHABLE_RETRY_SECONDS = 30.0

# Pages that show only public or aggregated data: their reads may lag the primary a little.
REPLICA_NAMESPACES = frozenset(
    {"portal", "outreach", "statistics", "supervision_public", "dashboards"}
)
REPLICA_VIEWS = frozenset({"api:report_verify"})
# Tables read from the primary even in an eligible request: who is signed in, the rate-limit
# counters, the policy values (the lag bound among them), the audit log, the task queue.
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "auth",
        "accounts",
        "axes",
        "otp_totp",
        "otp_static",
        "django_otp",
        "django_cache",
        "django_tasks_db",
        "core",
        "audit",
    }
)

REPLICA_MAX_LAG = register(
    PolicyDefinition(
        name="replica.max_lag_seconds",
        type=PolicyType.INTEGER,
        default=30,
        title=_("只读副本的最大延迟"),
        unit=_("秒"),
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "公众网站、报告核验和统计分析从只读副本读取数据；副本落后主库超过此秒数"
            "（或无法连接）时，改从主库读取。"
        ),
        description_en=(
            "The public site, report verification and the dashboards read from the read "
            "replica; when it lags the primary by more than this many seconds (or cannot be "
            "reached), they read from the primary."
        ),
        minimum=1,
        maximum=3600,
    )
)

_replica_reads: ContextVar[bool] = ContextVar("chengxin_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA_ALIAS in connections.settings


@contextmanager
def replica_reads(*, allowed: bool = True) -> Iterator[None]:
    """Within the block, reads may go to the replica (``allowed``) or must not."""
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@dataclass(frozen=True)
class ReplicaStatus:
    """What the last check of the replica found."""

    configured: bool
    reachable: bool = False
    lag_seconds: float | None = None
    max_lag_seconds: int = 0
    checked_at: object = None  # an aware datetime, None before the first check
    problem: str = ""  # why reads go to the primary; empty when the replica is in use

    @property
    def in_use(self) -> bool:
        return self.configured and not self.problem


class ReplicaMonitor:
    """The replica's state in this process, checked at most every few seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status: ReplicaStatus | None = None
        self._next_check = 0.0

    def status(self, *, fresh: bool = False) -> ReplicaStatus:
        """The replica's state, checked now when due. While one thread checks, the others go on
        with the last state instead of waiting for it (a replica that does not answer takes the
        connect timeout); an unreachable replica is tried again after
        ``UNREACHABLE_RETRY_SECONDS`` at the earliest."""
        if not replica_configured():
            return ReplicaStatus(configured=False)
        known = self._status
        due = fresh or known is None or time.monotonic() >= self._next_check
        if not due:
            return known
        if not self._lock.acquire(blocking=fresh or known is None):
            return known
        try:
            self._status = status = _probe()
            pause = _check_seconds()
            if not status.reachable:
                pause = max(pause, UNREACHABLE_RETRY_SECONDS)
            self._next_check = time.monotonic() + pause
            return status
        finally:
            self._lock.release()

    def forget(self) -> None:
        with self._lock:
            self._status, self._next_check = None, 0.0


MONITOR = ReplicaMonitor()


def _check_seconds() -> float:
    return float(getattr(settings, "CHENGXIN_REPLICA_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


# The replica is caught up when it has replayed the primary's current WAL position; otherwise
# its lag is the age of the last transaction it replayed.
_REPLICA_SQL = (
    "SELECT pg_is_in_recovery(), "
    "COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false), "
    "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
)


def _probe() -> ReplicaStatus:
    from chengxin.core.selectors import policy_value

    bound = int(policy_value(REPLICA_MAX_LAG.name))
    checked = {"configured": True, "max_lag_seconds": bound, "checked_at": timezone.now()}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_position = cursor.fetchone()[0]
        with connections[REPLICA_ALIAS].cursor() as cursor:
            cursor.execute(_REPLICA_SQL, [primary_position])
            in_recovery, caught_up, age = cursor.fetchone()
    except DatabaseError as error:
        connections[REPLICA_ALIAS].close()
        logger.warning(
            "The read replica cannot be reached (%s); reads go to the primary.",
            type(error).__name__,
        )
        return ReplicaStatus(**checked, problem="unreachable")
    lag = 0.0 if caught_up else (float(age) if age is not None else None)
    status = ReplicaStatus(**checked, reachable=True, lag_seconds=lag)
    if not in_recovery:
        return replace(status, problem="not_a_replica")
    if lag is None or lag > bound:
        return replace(status, problem="lagging")
    return status


class ReplicaRouter:
    """Reads of replica-eligible requests to the replica while it is usable; all else primary."""

    def db_for_read(self, model, **hints):
        if (
            _replica_reads.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and MONITOR.status().in_use
        ):
            return REPLICA_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA_ALIAS} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA_ALIAS else None


def replica_eligible(request) -> bool:
    """Whether ``request`` may read from the replica: a GET or HEAD of a public or aggregate
    page (it has been resolved: this is asked from ``process_view``)."""
    match = getattr(request, "resolver_match", None)
    if request.method not in ("GET", "HEAD") or match is None:
        return False
    return match.namespace in REPLICA_NAMESPACES or match.view_name in REPLICA_VIEWS


class ReplicaReadsMiddleware:
    """Marks replica-eligible requests, and answers one again from the primary when the replica
    failed under it. Last in ``MIDDLEWARE``, so its ``process_exception`` is asked first."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _replica_reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if replica_configured() and replica_eligible(request):
            request._replica_view = (view_func, view_args, view_kwargs)
            request._replica_token = _replica_reads.set(True)
        return None

    def process_exception(self, request, exception):
        view = getattr(request, "_replica_view", None)
        if view is None or not isinstance(exception, DatabaseError):
            return None
        if MONITOR.status(fresh=True).in_use:
            return None  # the replica is fine: the error is the primary's or the view's own
        logger.warning("The read replica failed during a request; answered from the primary.")
        view_func, view_args, view_kwargs = view
        request._replica_view = None
        with replica_reads(allowed=False):
            response = view_func(request, *view_args, **view_kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
        return response
