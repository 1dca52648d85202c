"""``chengxin measures import FILE [--activate]``: load measures from the national basic list's
CSV or JSON (column names in ``chengxin/measures/imports.py`` and docs/measures.md).

Exit code 0 when every row was loaded, 1 when some rows were rejected (their errors are printed
with row numbers; the good rows are kept).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chengxin.measures.imports import measures_import


class Command(BaseCommand):
    help = _("奖惩措施清单：从CSV或JSON文件导入（全国失信惩戒措施基础清单格式）。")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help=_("导入措施文件。"))
        load.add_argument("file")
        load.add_argument("--activate", action="store_true", help=_("导入后直接启用。"))
        load.add_argument(
            "--source", default="", help=_("清单来源，如：全国基础清单（2024年版）。")
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        result = measures_import(
            content=path.read_bytes(),
            file_name=path.name,
            actor=None,
            activate=options["activate"],
            source=options["source"] or path.name,
        )
        for error in result.errors:
            self.stdout.write(
                _("第%(row)d行 %(column)s：%(message)s")
                % {"row": error["row"], "column": error["column"], "message": error["message"]}
            )
        self.stdout.write(
            _(
                "措施导入：新增%(created)d项，更新%(updated)d项，未变%(unchanged)d项，拒收%(rejected)d行。"
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
            }
        )
        if result.errors:
            sys.exit(1)
