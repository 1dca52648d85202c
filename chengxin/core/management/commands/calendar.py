"""``chengxin calendar``: the working-day calendar table and its warnings.

    chengxin calendar status [--ahead N]
    chengxin calendar list YEAR
    chengxin calendar add DATE holiday|working_day NAME [--source "…"] [--actor USERNAME]
    chengxin calendar remove DATE [--actor USERNAME]
    chengxin calendar import FILE.csv [--actor USERNAME]
    chengxin calendar deadline DATE N

``import`` reads a UTF-8 CSV with the header ``date,kind,name,source_note`` (one line per day of
the State Council's notice) and saves every line in one transaction. See ``docs/calendar.md``.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.calendar import add_working_days, calendar_known, calendar_source
from chengxin.core.choices import CalendarDayKind
from chengxin.core.errors import DomainError
from chengxin.core.selectors import calendar_day_list, calendar_warnings
from chengxin.core.services import calendar_day_delete, calendar_day_save

CSV_COLUMNS = ["date", "kind", "name", "source_note"]


class Command(BaseCommand):
    help = "管理工作日历（法定节假日和调休上班日）。Manage the working-day calendar table."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        status = commands.add_parser("status", help=_("显示哪些年份的放假安排已知"))
        status.add_argument("--ahead", type=int, default=1)
        listing = commands.add_parser("list", help=_("列出某一年录入的日期"))
        listing.add_argument("year", type=int)
        add = commands.add_parser("add", help=_("录入或修改一天"))
        add.add_argument("date", type=datetime.date.fromisoformat)
        add.add_argument("kind", choices=CalendarDayKind.values)
        add.add_argument("name")
        add.add_argument("--source", default="")
        remove = commands.add_parser("remove", help=_("删除一天的记录"))
        remove.add_argument("date", type=datetime.date.fromisoformat)
        bulk = commands.add_parser("import", help=_("从 CSV 文件录入放假安排"))
        bulk.add_argument("file", type=Path)
        deadline = commands.add_parser("deadline", help=_("计算某日之后第 N 个工作日"))
        deadline.add_argument("date", type=datetime.date.fromisoformat)
        deadline.add_argument("days", type=int)
        for subparser in (add, remove, bulk):
            subparser.add_argument("--actor", default="", help=_("操作人的用户名"))

    def handle(self, *args, **options) -> None:
        handlers = {
            "status": self._status,
            "list": self._list,
            "add": self._add,
            "remove": self._remove,
            "import": self._import,
            "deadline": self._deadline,
        }
        try:
            handlers[options["action"]](options)
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code})") from None

    def _status(self, options) -> None:
        today = timezone.localdate()
        for year in range(today.year - 1, today.year + options["ahead"] + 1):
            known = _("已知") if calendar_known(year) else _("未知（按周一至周五计算）")
            self.stdout.write(f"{year}: {known}")
        for warning in calendar_warnings(today=today, ahead=options["ahead"]):
            self.stdout.write(self.style.WARNING(warning))

    def _list(self, options) -> None:
        for entry in calendar_day_list(year=options["year"]):
            self.stdout.write(
                f"{entry.date.isoformat()}\t{entry.get_kind_display()}\t{entry.name}\t"
                f"{entry.source_note}"
            )

    def _add(self, options) -> None:
        entry = calendar_day_save(
            day=options["date"],
            kind=CalendarDayKind(options["kind"]),
            name=options["name"],
            source_note=options["source"],
            actor=self._actor(options["actor"]),
        )
        self.stdout.write(f"{entry.date.isoformat()} {entry.get_kind_display()} {entry.name}")

    def _remove(self, options) -> None:
        calendar_day_delete(day=options["date"], actor=self._actor(options["actor"]))
        self.stdout.write(_("%s 已删除。") % options["date"].isoformat())

    def _import(self, options) -> None:
        actor = self._actor(options["actor"])
        rows = self._read_csv(options["file"])
        with transaction.atomic():
            for row in rows:
                calendar_day_save(actor=actor, **row)
        self.stdout.write(_("已录入 %d 天。") % len(rows))

    def _deadline(self, options) -> None:
        end = add_working_days(options["date"], options["days"])
        source = calendar_source(end).label
        self.stdout.write(f"{end.isoformat()}（{source}）")

    def _read_csv(self, path: Path) -> list[dict]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != CSV_COLUMNS:
                raise CommandError(_("CSV 表头应为：%s") % ",".join(CSV_COLUMNS))
            return [self._parse_row(number, row) for number, row in enumerate(reader, start=2)]

    def _parse_row(self, number: int, row: dict[str, str]) -> dict:
        try:
            return {
                "day": datetime.date.fromisoformat(row["date"].strip()),
                "kind": CalendarDayKind(row["kind"].strip()),
                "name": row["name"],
                "source_note": row["source_note"] or "",
            }
        except ValueError:
            raise CommandError(_("第 %d 行的日期或类别无效。") % number) from None

    def _actor(self, username: str):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("没有用户名为“%s”的用户。") % username) from None
