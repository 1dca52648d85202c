"""``chengxin fake-upstream --port N --store DIR``: the reference receiver of the upstream push
(``chengxin.exchange.fake_upstream``, docs/exchange.md#the-reference-receiver)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chengxin.exchange.fake_upstream import (
    CHAOS,
    FAIL,
    LOSE_ACK,
    OK,
    SLOW,
    TIMEOUT,
    Faults,
    make_server,
)
from chengxin.exchange.signing import SigningKey


class Command(BaseCommand):
    help = "运行省级平台接收端的参考实现（测试和试点用）。Run the reference upstream receiver."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True, help="端口。Port (0: any free one).")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址。Address to bind.")
        parser.add_argument("--store", type=Path, required=True, help="存储目录。Store folder.")
        parser.add_argument("--key-id", default=None, help="签名密钥编号。Signing key id.")
        parser.add_argument(
            "--key", default=None, help="签名密钥（默认取 CHENGXIN_UPSTREAM_KEY）。Signing key."
        )
        faults = parser.add_mutually_exclusive_group()
        faults.add_argument("--fail", action="store_true", help="一律返回 HTTP 500。Answer 500.")
        faults.add_argument("--timeout", action="store_true", help="不应答。Never answer in time.")
        faults.add_argument("--slow", action="store_true", help="延迟应答。Answer after --delay.")
        faults.add_argument(
            "--lose-ack", action="store_true", help="处理后断开连接。Apply, then drop the answer."
        )
        faults.add_argument(
            "--chaos", type=float, default=None, metavar="RATE", help="随机故障。Random faults."
        )
        parser.add_argument("--delay", type=float, default=5.0, help="秒。Seconds of delay.")

    def handle(self, *args, **options):
        secret = options["key"] or settings.CHENGXIN_UPSTREAM_KEY
        if not secret:
            raise CommandError("需要签名密钥（--key 或 CHENGXIN_UPSTREAM_KEY）。\nA key is needed.")
        key = SigningKey(
            key_id=options["key_id"] or settings.CHENGXIN_UPSTREAM_KEY_ID, secret=secret
        )
        faults = Faults(delay=options["delay"])
        faults.set(mode=_mode(options), rate=options["chaos"])
        server = make_server(
            host=options["host"],
            port=options["port"],
            store_dir=options["store"],
            key=key,
            faults=faults,
        )
        host, port = server.server_address[:2]
        self.stdout.write(f"listening on http://{host}:{port}/ store {options['store']}")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


def _mode(options) -> str:
    if options["chaos"] is not None:
        return CHAOS
    flags = {FAIL: "fail", TIMEOUT: "timeout", SLOW: "slow", LOSE_ACK: "lose_ack"}
    return next((mode for mode, name in flags.items() if options[name]), OK)
