"""``chengxin keys``: data encryption keys (see docs/keys.md).

- ``keys generate`` prints a new key as ``<key id>:<base64 key>`` and nothing else, in the form
  ``CHENGXIN_ID_KEYS`` takes (``k1:…,k2:…``).
- ``keys status`` counts the encrypted rows per column and key id.
- ``keys rotate [--batch-size N]`` re-encrypts every row not on the active key, batch by batch;
  safe to interrupt and run again.
"""

from __future__ import annotations

import base64
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chengxin.core import crypto, rotation

KEY_BYTES = 32


def new_key_id() -> str:
    """A fresh key id: the date and a random suffix, short enough for the key-id columns."""
    return f"k{timezone.now():%Y%m%d}{secrets.token_hex(3)}"


def new_key() -> str:
    """32 random bytes, base64-encoded, as ``CHENGXIN_ID_KEYS`` expects."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


class Command(BaseCommand):
    help = "管理个人信息加密密钥：生成、统计、轮换。Generate, count and rotate data keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("generate", help="print a new key id and key")
        actions.add_parser("status", help="count encrypted rows per key id")
        rotate = actions.add_parser("rotate", help="re-encrypt every row under the active key")
        rotate.add_argument("--batch-size", type=int, default=rotation.DEFAULT_BATCH_SIZE)

    def handle(self, *args, **options):
        handlers = {"generate": self.generate, "status": self.status, "rotate": self.rotate}
        handlers[options["action"]](**options)

    def generate(self, **options):
        self.stdout.write(f"{new_key_id()}:{new_key()}")

    def status(self, **options):
        active = crypto.active_key_id()
        self.stdout.write(f"当前密钥 Active key: {active}")
        counts = rotation.key_status()
        for count in counts:
            marker = "" if count.key_id == active else "  ← 待轮换 to rotate"
            self.stdout.write(f"{count.column}\t{count.key_id}\t{count.rows}{marker}")
        if not counts:
            self.stdout.write("没有加密数据。No encrypted rows.")

    def rotate(self, **options):
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size 必须大于 0。--batch-size must be at least 1.")

        def progress(column: str, count: int) -> None:
            self.stdout.write(f"{column}: {count}")

        try:
            result = rotation.rotate(batch_size=batch_size, progress=progress)
        except rotation.RotationError as error:
            raise CommandError(f"轮换中止。Rotation stopped: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"已轮换 {result.total} 行至密钥 {result.active_key_id}。"
                f" Rotated {result.total} rows to key {result.active_key_id}."
            )
        )
