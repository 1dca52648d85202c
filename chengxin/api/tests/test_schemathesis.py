"""Schemathesis over the OpenAPI document, with an officer's, a provider's and a reviewer's token.

Every operation, every check of the installed schemathesis (``schemathesis_run``), a few
derandomised examples each, so that it stays within a few minutes. The figures (cases,
operations, unique failures per check, per token) are written to
``test-artifacts/schemathesis-<run>.json``; ``scripts/check_test_summary.py`` prints them and, in
CI, fails a run that did not write them (docs/api.md, "Standing tests").
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from chengxin.api.tests.contract import ROLES, contract_world
from chengxin.api.tests.schemathesis_run import schemathesis_run

MAX_EXAMPLES = 10


def figures_path() -> Path:
    label = os.environ.get("CHENGXIN_TEST_LABEL") or "local"
    return Path("test-artifacts") / f"schemathesis-{label}.json"


@pytest.mark.schemathesis
@pytest.mark.django_db(transaction=True)
def test_every_operation_keeps_the_documented_contract(live_server):
    # given
    world = contract_world()

    # when
    results = {
        role: schemathesis_run(
            base_url=live_server.url, token=world.tokens[role], max_examples=MAX_EXAMPLES
        )
        for role in ROLES
    }

    # then
    figures = {
        role: {
            "cases": result.cases,
            "operations": sorted(result.operations),
            "failures_per_check": {name: result.failures[name] for name in result.checks},
            "failures": result.descriptions,
            "errors": result.errors,
        }
        for role, result in results.items()
    }
    path = figures_path()
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    assert {role: result.descriptions + result.errors for role, result in results.items()} == {
        role: [] for role in ROLES
    }
