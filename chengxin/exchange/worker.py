"""The upstream push inside ``chengxin worker``: a thread that runs delivery rounds.

Each wake it delivers until nothing is due, then sleeps ``CHENGXIN_UPSTREAM_PUSH_INTERVAL``
seconds; after each push it writes the correction notices of the new outbox events
(``fanout``). A failed round (database unavailable) is logged and tried again at the next wake; the
state is in the database, so a worker killed at any point leaves claims that lapse, and the next
worker sends those events again (the receiver deduplicates them).
"""

from __future__ import annotations

import logging

from django.conf import settings

from chengxin.core.periodic import Periodic
from chengxin.exchange.delivery import UpstreamConfig, upstream_config, upstream_push
from chengxin.exchange.fanout import correction_fanout_all

logger = logging.getLogger(__name__)
STOP_SECONDS = 60


class UpstreamPushClock(Periodic):
    """Runs :func:`upstream_push` in a thread of the worker process."""

    name = "upstream-push"
    stop_seconds = STOP_SECONDS

    def __init__(self, config: UpstreamConfig, *, interval: float | None = None) -> None:
        self.config = config
        super().__init__(
            period=settings.CHENGXIN_UPSTREAM_PUSH_INTERVAL if interval is None else interval
        )

    @classmethod
    def from_settings(cls) -> UpstreamPushClock | None:
        """A clock when a provincial platform is configured, else ``None``."""
        config = upstream_config()
        return None if config is None else cls(config)

    def step(self) -> None:
        upstream_push(config=self.config, max_rounds=100)
        correction_fanout_all()
