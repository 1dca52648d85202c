"""Factories of the dashboards tests: records and rejected rows through the real submission
pipeline, the settle time set to zero so that a refresh folds what was just written."""

from __future__ import annotations

import itertools

from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import ITEM_CODE, provider, row
from chengxin.core.services import policy_value_set
from chengxin.dashboards.policies import PUBLIC_MINIMUM_COUNT, SETTLE_MINUTES

_keys = itertools.count(1)
_sources = itertools.count(1)


def settle_at_once() -> None:
    policy_value_set(name=SETTLE_MINUTES.name, value=0, actor=None, reason="测试：立即汇总")


def public_minimum(value: int) -> None:
    policy_value_set(name=PUBLIC_MINIMUM_COUNT.name, value=value, actor=None, reason="测试")


def submit(count: int, *, bad: int = 0, user=None):
    """``count`` good rows and ``bad`` rows with an invalid ID number, by the tax provider."""
    rows = [row(f"D-{next(_sources)}", sequence=index + 1) for index in range(count)]
    rows += [row(f"D-{next(_sources)}", id_number="230202198005170000") for _ in range(bad)]
    return submission_create(
        actor=user or provider(),
        department=(user or provider()).department,
        item_code=ITEM_CODE,
        operation="upsert",
        records=rows,
        idempotency_key=f"dashboards-{next(_keys)}",
    )
