"""The checks app's own signal between its services and its tasks.

``batch`` queues a large batch check by sending :data:`batch_check_queued` after the commit that
stored it; ``tasks`` answers by enqueueing the background task. The services never import the
tasks module, which imports them (connected in ``apps.ready``).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``batch_id`` once the transaction that queued a batch check has committed.
batch_check_queued = Signal()
