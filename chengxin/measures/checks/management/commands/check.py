"""``chengxin check``: a reward/punishment check from the command line, or verify a receipt.

    chengxin check ID_NUMBER --matter M --purpose P --case-no C --user USERNAME [--json]
    chengxin check - --matter M …        # the ID number from standard input
    chengxin check verify RECEIPT.json

With ``-`` the ID number is read from the first line of standard input, so that it stays out of
the shell history and the process list.

``RECEIPT.json`` is a receipt, or a whole check answer (``{"receipt", "answer", "request"}``) as
the API and the staff page give it; then the answer and request are checked against the receipt.
The full ID number is never printed (the masked form is). Anything else — ``chengxin check``
alone, ``--deploy``, app labels — is Django's system check, which this command extends.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand

from chengxin.core.errors import DomainError
from chengxin.core.json import dumps
from chengxin.identity.validation import normalise_id_number
from chengxin.measures.checks.answers import request_as_shown
from chengxin.measures.checks.selectors import check_receipt_verify
from chengxin.measures.checks.services import check_run

VERIFY = "verify"
FROM_STDIN = "-"
_ID_SHAPE = re.compile(r"[0-9]{15}|[0-9]{17}[0-9X]")
EXIT_INVALID = 1


def _looks_like_id_number(value: str) -> bool:
    return bool(_ID_SHAPE.fullmatch(normalise_id_number(value)))


class Command(SystemCheckCommand):
    help = (
        "联合奖惩核查：chengxin check 身份证号码（或 - 从标准输入读取） --matter 事项 --purpose 事由 --case-no 案件编号 "
        "--user 用户名 [--json]；校验回执：chengxin check verify 回执.json；"
        "不带这些参数时为 Django 系统检查。"
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--matter", default="", help="核查事项代码，如 public_procurement")
        parser.add_argument("--purpose", default="", help="核查事由")
        parser.add_argument("--case-no", dest="case_no", default="", help="案件编号")
        parser.add_argument("--user", dest="username", default="", help="进行核查的业务经办员")
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 JSON")

    def handle(self, *app_labels, **options):
        if app_labels and app_labels[0] == VERIFY:
            return self._verify(app_labels[1:])
        if app_labels == (FROM_STDIN,):
            return self._check(sys.stdin.readline().strip(), options)
        if len(app_labels) == 1 and _looks_like_id_number(app_labels[0]):
            return self._check(app_labels[0], options)
        return super().handle(*app_labels, **options)

    def _check(self, id_number: str, options) -> None:
        username = options["username"]
        if not username:
            raise CommandError("请用 --user 指明进行核查的业务经办员。Give --user USERNAME.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。No such user.")
        try:
            check = check_run(
                actor=user,
                id_number=id_number,
                matter=options["matter"],
                case_no=options["case_no"],
                purpose=options["purpose"],
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        if options["as_json"]:
            shown = request_as_shown(check.request)
            self.stdout.write(
                dumps({"request": shown, "answer": check.answer, "receipt": check.receipt})
            )
            return
        self._print_answer(check)

    def _print_answer(self, check) -> None:
        answer = check.answer
        write = self.stdout.write
        write(f"核查编号 {check.pk}")
        write(f"证件号码 {check.request['id_number_masked']}  事项 {answer['matter_name']}")
        write(answer["summary"])
        for membership in answer["lists"]:
            records = ", ".join(
                f"#{r['record_id']}{'（异议中）' if r['disputed'] else ''}"
                for r in membership["records"]
            )
            qualifier = membership["domain"] or membership["key_field"]
            write(f"名单 {membership['kind_name']} {qualifier}: {records}")
        for measure in answer["measures"]:
            write(f"措施 {measure['code']} {measure['name']}（{measure['kind_name']}）")
            write(f"  依据 {measure['legal_basis']}")
        green = answer["green_channel"]
        write(f"绿色通道 {'适用' if green['eligible'] else '不适用'}：{green['reason']}")
        receipt = check.receipt
        write(f"回执 {receipt['algorithm']} {receipt['key_id']} {receipt['signature'][:16]}…")

    def _verify(self, paths) -> None:
        if len(paths) != 1:
            raise CommandError("用法：chengxin check verify 回执.json")
        try:
            document = json.loads(Path(paths[0]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取回执文件：{error}") from error
        if isinstance(document, dict) and "receipt" in document:
            outcome = check_receipt_verify(
                document["receipt"], answer=document.get("answer"), request=document.get("request")
            )
            check_id = document["receipt"].get("check_id", "")
        else:
            outcome = check_receipt_verify(document)
            check_id = document.get("check_id", "") if isinstance(document, dict) else ""
        self.stdout.write(f"{outcome.reason}: {outcome.message} {check_id}".rstrip())
        if not outcome.valid:
            raise SystemExit(EXIT_INVALID)
