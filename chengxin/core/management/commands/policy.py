"""``chengxin policy``: list, show, set and reset policy values (SPEC preamble).

    chengxin policy list
    chengxin policy show NAME
    chengxin policy set NAME VALUE --reason "…" [--actor USERNAME]
    chengxin policy reset NAME --reason "…" [--actor USERNAME]

Changes go through ``core.services`` and are recorded with the reason and an audit event; without
``--actor`` the change is recorded as made by the system (an operator at the console).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.errors import DomainError
from chengxin.core.policy_registry import get_definition
from chengxin.core.selectors import policy_history, policy_status_list, policy_value
from chengxin.core.services import policy_value_reset, policy_value_set


class Command(BaseCommand):
    help = "查看和修改政策参数。List, show, set and reset policy values."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("list", help=_("列出全部政策参数及当前取值"))
        show = commands.add_parser("show", help=_("显示一个政策参数的定义和变更记录"))
        show.add_argument("name")
        change = commands.add_parser("set", help=_("修改一个政策参数"))
        change.add_argument("name")
        change.add_argument("value")
        reset = commands.add_parser("reset", help=_("把一个政策参数恢复为默认值"))
        reset.add_argument("name")
        for subparser in (change, reset):
            subparser.add_argument("--reason", required=True, help=_("变更理由（必填）"))
            subparser.add_argument("--actor", default="", help=_("操作人的用户名"))

    def handle(self, *args, **options) -> None:
        handlers = {
            "list": self._list,
            "show": self._show,
            "set": self._set,
            "reset": self._reset,
        }
        try:
            handlers[options["action"]](options)
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code})") from None

    def _list(self, options) -> None:
        for status in policy_status_list():
            definition = status.definition
            marker = "" if status.follows_default else " *"
            self.stdout.write(
                f"{definition.name}\t{definition.display(status.value)}{marker}\t{definition.title}"
            )
        self.stdout.write(_("* 已修改，不再跟随默认值。"))

    def _show(self, options) -> None:
        definition = get_definition(options["name"])
        lines = [
            f"{definition.name}  {definition.title}",
            _("当前取值：%s") % definition.display(policy_value(definition.name)),
            _("默认值：%s") % definition.display(definition.default),
            _("允许范围：%s") % (definition.range_display() or "-"),
            _("默认值依据：%s") % definition.legal_source,
            _("说明：%s") % definition.description,
            f"Description: {definition.description_en}",
        ]
        for change in policy_history(definition.name):
            when = timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M")
            who = change.actor.get_username() if change.actor else _("系统")
            lines.append(f"{when}  {change.old_value} → {change.new_value}  {who}：{change.reason}")
        self.stdout.write("\n".join(lines))

    def _set(self, options) -> None:
        definition = get_definition(options["name"])
        row = policy_value_set(
            name=definition.name,
            value=definition.parse(options["value"]),
            actor=self._actor(options["actor"]),
            reason=options["reason"],
        )
        self.stdout.write(f"{row.name} = {definition.display(row.value)}")

    def _reset(self, options) -> None:
        definition = get_definition(options["name"])
        row = policy_value_reset(
            name=definition.name, actor=self._actor(options["actor"]), reason=options["reason"]
        )
        self.stdout.write(f"{row.name} = {definition.display(row.value)}")

    def _actor(self, username: str):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("没有用户名为“%s”的用户。") % username) from None
