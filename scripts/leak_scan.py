"""The end-of-run personal-data leak scan (tests/leakscan.py says what the run leaves to scan).

Searches the test run's logs, the HTML pages the browser tests were served and the real server's
log with the platform's own ID-number detector, and reads the database hits the tests recorded.
Prints the figures and exits 1 on any hit. A hit names the file and line, never the number.

    python scripts/leak_scan.py LABEL
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ARTIFACTS = Path("test-artifacts")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package
# What each run leaves to scan (scripts/test.sh empties these folders before a run).
SOURCES = {
    "test logs": ("logs", "{label}-*.log"),
    "browser pages": ("pages", "*.html"),
    "server logs": ("server", "{label}-*.log"),
}


def main(label: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengxin.config.settings.test")
    import django

    django.setup()
    from chengxin.identity.detection import id_number_spans
    from tests.leakscan import without_digests

    def holds_number(line: str) -> bool:
        return bool(id_number_spans(without_digests(line)))

    problems = []
    for title, (folder, pattern) in SOURCES.items():
        paths = sorted((ARTIFACTS / folder).glob(pattern.format(label=label)))
        files, size, hits = _scan(paths, holds_number)
        print(f"{label} leak scan: {title}: {files} files, {size:,} bytes, {len(hits)} hits")
        problems.extend(hits)
    stored = _database_hits(label)
    print(f"{label} leak scan: stored text columns: {len(stored)} hits")
    problems.extend(stored)
    for problem in problems[:50]:
        print(f"{label} leak scan: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _scan(paths: list[Path], holds_number) -> tuple[int, int, list[str]]:
    size, hits = 0, []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        size += len(text.encode("utf-8"))
        for number, line in enumerate(text.splitlines(), 1):
            if holds_number(line):
                hits.append(f"{path}:{number}: a full ID number")
    return len(paths), size, hits


def _database_hits(label: str) -> list[str]:
    path = ARTIFACTS / f"leaks-{label}.jsonl"
    if not path.exists():
        return []
    hits = []
    for line in path.read_text(encoding="utf-8").splitlines():
        hit = json.loads(line)
        hits.append(f"{hit['test']}: {hit['table']}.{hit['column']} ({hit['rows']} rows)")
    return hits


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "local"))
