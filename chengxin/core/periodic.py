"""A step run every few seconds in a thread of a long-lived process (``chengxin worker``).

The worker keeps several such clocks beside its task loop: the audit sealer, the audit
checkpoints, the upstream push, the dashboards' refresh. Each one subclasses :class:`Periodic`
and says what one step does; the thread runs the first step at once, then one every ``period``
seconds, and a final step (``final_step``, by default none) when it is stopped. A step that
fails with a database error is logged by its kind only (never its text, which may quote values)
and tried again at the next wake: the state is in the database.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod

from django.db import DatabaseError, close_old_connections, connection

logger = logging.getLogger(__name__)


class Periodic(ABC):
    """Runs :meth:`step` every ``period`` seconds in a daemon thread named ``name``."""

    name = "periodic"
    stop_seconds = 60.0

    def __init__(self, *, period: float) -> None:
        self.period = period
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    @abstractmethod
    def step(self) -> None:
        """One step of the clock's work."""

    def final_step(self) -> None:  # noqa: B027 - optional: most clocks need no last step
        """What to do once more when stopped (nothing unless a subclass says so)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the step under way (waiting for it at most ``stop_seconds``)."""
        self._stopping.set()
        self._thread.join(self.stop_seconds)

    def run_forever(self) -> None:
        """Run in the calling thread until interrupted."""
        self._run()

    def _run(self) -> None:
        try:
            while True:
                self._guarded(self.step)
                if self._stopping.wait(self.period):
                    self._guarded(self.final_step)
                    return
        finally:
            connection.close()

    def _guarded(self, step) -> None:
        close_old_connections()
        try:
            step()
        except DatabaseError as error:
            logger.error("%s: the step failed: %s", self.name, type(error).__name__)
