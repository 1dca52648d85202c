"""``chengxin dueprocess-daily [--today YYYY-MM-DD]``: the daily job of due process.

Objections: closes lapsed rejections, marks overdue cases, sends the reminders one working day
before a deadline (``objections.jobs``). Credit repair: marks overdue applications and reminds
the deciding department one working day before a deadline (``repairs.jobs``). Idempotent and
catching up after missed days; run it once a day (cron, a systemd timer), after
``chengxin expire``.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.dueprocess.objections.jobs import objections_daily
from chengxin.dueprocess.repairs.jobs import repairs_daily


class Command(BaseCommand):
    help = _("异议等事项的每日处理：办结、标记超期、到期提醒（可重复执行，会补办错过的日期）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help=_("按该日期（YYYY-MM-DD）计算，默认为今天。"))

    def handle(self, *args, **options) -> None:
        today = _parse_today(options.get("today"))
        outcome = objections_daily(today=today)
        self.stdout.write(
            _("异议：办结%(closed)d件，新超期%(overdue)d件，到期提醒%(reminded)d件。")
            % {"closed": outcome.closed, "overdue": outcome.overdue, "reminded": outcome.reminded}
        )
        repairs = repairs_daily(today=today)
        self.stdout.write(
            _("信用修复：新超期%(overdue)d件，到期提醒%(reminded)d件。")
            % {"overdue": repairs.overdue, "reminded": repairs.reminded}
        )
        for warning in dict.fromkeys([*outcome.warnings, *repairs.warnings]):
            self.stderr.write(warning)


def _parse_today(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("日期应写成YYYY-MM-DD。")) from error
