"""Run schemathesis' engine over the OpenAPI document of a running server, in this process.

Every check the installed schemathesis has is enabled, in every phase (explicit examples,
coverage, fuzzing, stateful); the examples are few and derandomised so that a run is short and
the same each time. The result counts unique failures per check, the way the command-line
summary counts them, and keeps a short description of each failure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from schemathesis.config._checks import (
    _BUILTIN_CHECK_CONFIGS,
    POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
)
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic

OPENAPI_PATH = "/api/v1/openapi.json"
# A request the schema accepts may still break a rule the schema cannot state (an ID number's
# check digit, a file's content, a purpose code or catalog item known to the database); the API
# answers those with the rule's own code, 400 or 422 (docs/api.md). Every other check runs with
# schemathesis' own expectations.
POSITIVE_DATA_STATUSES = [
    *POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
    "400",
    "422",
]


@dataclass
class SchemathesisResult:
    """Unique failures per check, the operations tested, and one line per failure."""

    checks: list[str]
    failures: Counter = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    errors: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def schemathesis_config(*, token: str, max_examples: int) -> schemathesis.Config:
    checks: dict[str, dict] = {name: {"enabled": True} for name in _BUILTIN_CHECK_CONFIGS}
    checks["positive_data_acceptance"]["expected-statuses"] = POSITIVE_DATA_STATUSES
    return schemathesis.Config.from_dict(
        {
            "seed": 10,
            "workers": 1,
            "request-timeout": 60,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,
                "no-shrink": True,
            },
            "checks": checks,
            "phases": {"stateful": {"max-steps": 4}},
            "suppress-health-check": ["all"],
        }
    )


def schemathesis_run(*, base_url: str, token: str, max_examples: int) -> SchemathesisResult:
    """Test every operation of the document at ``base_url`` with ``token`` (see the module)."""
    config = schemathesis_config(token=token, max_examples=max_examples)
    schema = schemathesis.openapi.from_url(base_url + OPENAPI_PATH, config=config)
    statistic = Statistic()
    result = SchemathesisResult(checks=sorted(_BUILTIN_CHECK_CONFIGS))
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            statistic.on_scenario_finished(event.recorder)
            result.operations.add(event.recorder.label)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            result.errors.append(_error_text(event))
    result.cases = statistic.total_cases
    for failure, check_name in statistic.observed_failures.values():
        result.failures[check_name] += 1
        status = getattr(failure, "status_code", "")
        result.descriptions.append(
            f"{check_name}: {failure.operation}: {failure.title} {status}".rstrip()
        )
    return result


def _error_text(event) -> str:
    if isinstance(event, events.NonFatalError):
        return f"{event.label}: {event.info.title}: {event.info.message}"
    return f"fatal: {event.exception!r}"
