"""Reference data of the core app: one ``PolicyValue`` row per registered policy definition.

Idempotent: a missing row is created with the default; a row nobody has set follows the code's
default if it changed; a value someone set is never overwritten. The working-day calendar table
ships empty: the package covers the years it knows, and later years are entered from the State
Council's notice (``docs/calendar.md``), never guessed.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext

from chengxin.core.choices import ReferenceOutcome
from chengxin.core.policy_registry import all_definitions
from chengxin.core.services import policy_value_follow_default


def load_reference_data(*, stdout) -> None:
    """Ensure every policy definition has its row; report how many were created and updated."""
    outcomes = Counter(
        policy_value_follow_default(definition=definition) for definition in all_definitions()
    )
    summary = gettext(
        "政策参数：新增 %(created)d 项，更新默认值 %(updated)d 项，未变 %(unchanged)d 项。"
    ) % {
        "created": outcomes[ReferenceOutcome.CREATED],
        "updated": outcomes[ReferenceOutcome.UPDATED],
        "unchanged": outcomes[ReferenceOutcome.UNCHANGED],
    }
    stdout.write(summary + "\n")
