"""Reads the summary a test run left and fails when a suite that must run did not.

The root ``conftest.py`` writes ``test-artifacts/summary-<label>.json`` at the end of a run:
the database vendor it ran on and the counts per outcome, also for the browser suite.
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
    print(
        f"{label}: {summary['passed']} passed, {summary['skipped']} skipped, "
        f"{summary['e2e_passed']} browser tests passed"
    )
    for problem in problems:
        print(f"{label}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
