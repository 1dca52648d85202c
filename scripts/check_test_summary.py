"""Reads the summary a test run left and fails when a suite that must run did not.

The root ``conftest.py`` writes ``test-artifacts/summary-<label>.json`` at the end of a run:
the database vendor it ran on and the counts per outcome, also for the browser suite. The
schemathesis test writes ``test-artifacts/schemathesis-<label>.json`` (cases, operations and
unique failures per check, per token); its figures are printed here, and in CI a run without
them fails.
"""

import json
import os
import sys
from pathlib import Path


def main(label: str) -> int:
    path = Path("test-artifacts") / f"summary-{label}.json"
    if not path.exists():
        print(f"{label}: no test summary was written; the suite did not run", file=sys.stderr)
        return 1
    summary = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    if summary["vendor"] != label:
        problems.append(f"ran on {summary['vendor']}, not on {label}")
    if summary["passed"] == 0:
        problems.append("no test passed")
    if summary["failed"]:
        problems.append(f"{summary['failed']} failed")
    if os.environ.get("CHENGXIN_REQUIRE_ALL_SUITES") == "1" and summary["e2e_passed"] == 0:
        problems.append("the browser suite did not run")
    if (
        os.environ.get("CHENGXIN_REQUIRE_ALL_SUITES") == "1"
        and label == "postgresql"
        and summary.get("private_cluster_passed", 0) == 0
    ):
        problems.append("the private-cluster tests (read replica, restore drill) did not run")
    print(
        f"{label}: {summary['passed']} passed, {summary['skipped']} skipped, "
        f"{summary['e2e_passed']} browser tests passed, "
        f"{summary.get('private_cluster_passed', 0)} private-cluster tests passed"
    )
    problems.extend(_permission_matrix(label))
    problems += schemathesis_problems(label)
    for problem in problems:
        print(f"{label}: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _permission_matrix(label: str) -> list[str]:
    """Print the figures of the permission matrix (tests/system/test_permission_matrix.py)."""
    path = Path("test-artifacts") / f"permission-matrix-{label}.jsonl"
    if not path.exists():
        if os.environ.get("CHENGXIN_REQUIRE_ALL_SUITES") == "1":
            return ["the permission matrix did not run"]
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    cases = [(line, role) for line in lines for role in line["expected"]]
    refusals = [(line, role) for line, role in cases if line["expected"][role] >= 400]
    unauthorised = [
        f"{line['key']} as {role}" for line, role in refusals if line["observed"][role] < 400
    ]
    writes = sum(len(line["refused_writes"]) for line in lines)
    print(
        f"{label}: permission matrix: {len(lines)} routes x {len(cases) // max(len(lines), 1)} "
        f"roles = {len(cases)} cases, {len(refusals)} refusals, "
        f"{len(unauthorised)} unauthorised successes, {writes} refused requests that wrote"
    )
    return [f"unauthorised success: {case}" for case in unauthorised] + (
        [f"{writes} refused requests wrote to the database"] if writes else []
    )


def schemathesis_problems(label: str) -> list[str]:
    """Print the schemathesis figures of the run; what is wrong with them."""
    path = Path("test-artifacts") / f"schemathesis-{label}.json"
    if not path.exists():
        required = os.environ.get("CHENGXIN_REQUIRE_ALL_SUITES") == "1"
        return ["the schemathesis test did not run"] if required else []
    problems = []
    for role, figures in json.loads(path.read_text(encoding="utf-8")).items():
        failures = figures["failures_per_check"]
        print(
            f"{label}: schemathesis ({role}): {figures['cases']} cases over "
            f"{len(figures['operations'])} operations; failures per check: "
            + ", ".join(f"{check} {count}" for check, count in failures.items())
        )
        if sum(failures.values()) or figures["errors"]:
            problems.append(f"schemathesis ({role}) found failures or errors; see {path}")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
