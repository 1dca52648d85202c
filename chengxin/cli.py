"""The ``chengxin`` command: one entry point for operators, wrapping Django management commands.

``chengxin demo`` sets up the embedded default and serves it; every other sub-command is the
management command of the same name (``chengxin seed``, ``chengxin audit verify``, …).
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "demo-data": "demo_data",
    "dueprocess-daily": "dueprocess_daily",
    "fake-upstream": "fake_upstream",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengxin.config.settings.development")
    from django.core.management import execute_from_command_line

    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    argv[0] = "chengxin"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
