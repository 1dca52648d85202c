"""``chengxin expire [--today YYYY-MM-DD]``: end every credit record whose period is over, and
the citizens' accounts left pending past ``citizen.pending_account_days``.

Idempotent and catching up after missed days (``lifecycle.records_expire``,
``accounts.citizens.citizen_accounts_lapse``); run it daily.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.citizens import citizen_accounts_lapse
from chengxin.collection.lifecycle import records_expire


class Command(BaseCommand):
    help = _("结束所有期限已届满的信用记录（可重复执行，会补办错过的日期）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help=_("按该日期（YYYY-MM-DD）计算，默认为今天。"))

    def handle(self, *args, **options) -> None:
        today = _parse_today(options.get("today"))
        ended = records_expire(today=today)
        self.stdout.write(_("已结束%(count)d条到期记录。") % {"count": ended})
        lapsed = citizen_accounts_lapse()
        self.stdout.write(_("已使%(count)d个逾期未核验身份的公众账户失效。") % {"count": lapsed})


def _parse_today(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("日期应写成YYYY-MM-DD。")) from error
