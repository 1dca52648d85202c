"""A busy or locked database is a reason to come back shortly, not a server error.

SQLite lets one writer at a time hold a database file; a request that waited its busy timeout
for the lock (a file import holds it for each chunk) gets "database is locked". PostgreSQL
refuses a transaction it cannot serialise, breaks a deadlock, gives up on a lock after
``lock_timeout`` or has no connection left. Each time the same request may succeed a moment later,
so the entry points answer 503 with ``Retry-After`` (``database_busy_error``) instead of a 500.
"""

from __future__ import annotations

import logging

from django.db.utils import OperationalError
from django.utils.translation import gettext as _

from chengxin.core import error_codes
from chengxin.core.errors import DomainError

logger = logging.getLogger(__name__)

BUSY_RETRY_AFTER_SECONDS = 5
_SQLITE_BUSY_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
    "database is busy",
)
# serialization_failure, deadlock_detected, lock_not_available, too_many_connections
_POSTGRESQL_BUSY_STATES = frozenset({"40001", "40P01", "55P03", "53300"})


def is_database_busy(error: BaseException | None) -> bool:
    """Whether ``error`` says the database was busy or locked, rather than anything else."""
    if not isinstance(error, OperationalError):
        return False
    state = getattr(error.__cause__, "sqlstate", None)
    if state in _POSTGRESQL_BUSY_STATES:
        return True
    message = str(error).lower()
    return any(text in message for text in _SQLITE_BUSY_MESSAGES)


def database_busy_error() -> DomainError:
    """The 503 answer to a request the database was too busy for (logged once per request)."""
    logger.warning("The database was busy or locked; answered 503.")
    return DomainError(
        code=error_codes.DATABASE_BUSY,
        message=_("系统繁忙，数据库暂时无法处理该请求，请稍后重试。"),
        message_en="The database is busy; send the request again in a few seconds.",
        status=503,
        details={"retry_after": BUSY_RETRY_AFTER_SECONDS},
        headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    )
