"""The upstream push inside ``chengxin worker``: a thread that runs delivery rounds.

Each wake it delivers until nothing is due, then sleeps ``CHENGXIN_UPSTREAM_PUSH_INTERVAL``
seconds; after each push it writes the correction notices of the new outbox events
(``fanout``). A failed round (database unavailable) is logged and tried again at the next wake; the
state is in the database, so a worker killed at any point leaves claims that lapse, and the next
worker sends those events again (the receiver deduplicates them).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from chengxin.exchange.delivery import UpstreamConfig, upstream_config, upstream_push
from chengxin.exchange.fanout import correction_fanout_all

logger = logging.getLogger(__name__)
STOP_SECONDS = 60


class UpstreamPushClock:
    """Runs :func:`upstream_push` in a thread of the worker process."""

    def __init__(self, config: UpstreamConfig, *, interval: float | None = None) -> None:
        self.config = config
        self.interval = settings.CHENGXIN_UPSTREAM_PUSH_INTERVAL if interval is None else interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="upstream-push", daemon=True)

    @classmethod
    def from_settings(cls) -> UpstreamPushClock | None:
        """A clock when a provincial platform is configured, else ``None``."""
        config = upstream_config()
        return None if config is None else cls(config)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the round under way (a request is bounded by its timeouts)."""
        self._stopping.set()
        self._thread.join(STOP_SECONDS)

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                close_old_connections()
                try:
                    upstream_push(config=self.config, max_rounds=100)
                    correction_fanout_all()
                except DatabaseError as error:
                    logger.error("The upstream push round failed: %s", type(error).__name__)
                self._stopping.wait(self.interval)
        finally:
            connection.close()
