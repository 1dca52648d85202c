"""The collection app's own signal between its services and its tasks.

``imports`` queues an uploaded file's import by sending :data:`file_import_queued` after the
commit that stored it; ``tasks`` answers by enqueueing the background task. The services never
import the tasks module, which imports them (connected in ``apps.ready``).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``submission_id`` once the transaction that queued an import has committed.
file_import_queued = Signal()
