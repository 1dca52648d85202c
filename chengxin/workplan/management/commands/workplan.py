"""``chengxin workplan load FILE`` (a plan file, JSON or XLSX, docs/workplan.md) and
``chengxin workplan remind [--today DATE]`` (the reminders to the units; run daily, like
``chengxin dueprocess-daily``; idempotent)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chengxin.core.errors import DomainError
from chengxin.workplan.loading import PlanFileError, plan_document_read
from chengxin.workplan.reminders import workplan_remind
from chengxin.workplan.services import plan_load


class Command(BaseCommand):
    help = "工作方案：导入方案文件、发送提醒。Load a work plan file; send the reminders."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser("load", help="导入方案文件 / load a plan file (JSON or XLSX)")
        load.add_argument("file")
        remind = commands.add_parser("remind", help="发送提醒 / send the reminders")
        remind.add_argument("--today", help="按该日期（YYYY-MM-DD）计算 / as of this day")

    def handle(self, *args, **options):
        if options["action"] == "load":
            self._load(Path(options["file"]))
        else:
            self._remind(options.get("today"))

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件 {path}：{error.strerror}") from None
        try:
            document = plan_document_read(data, name=path.name)
            plan = plan_load(actor=None, document=document)
        except PlanFileError as error:
            lines = [f"  {item['where']}：{item['message']}" for item in error.errors]
            raise CommandError("方案文件有误，未导入任何内容：\n" + "\n".join(lines)) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"已导入工作方案 {plan.code}：{document.task_count} 项任务，"
            f"{len(document.safeguards)} 项保障措施。"
        )

    def _remind(self, today_text: str | None) -> None:
        today = timezone.localdate()
        if today_text:
            try:
                today = datetime.date.fromisoformat(today_text)
            except ValueError:
                raise CommandError("日期应写成YYYY-MM-DD。") from None
        outcome = workplan_remind(today=today)
        self.stdout.write(
            f"完成时限提醒 {outcome.deadline} 条，缺报提醒 {outcome.missing} 条，"
            f"通知 {outcome.notices} 人次。"
        )
