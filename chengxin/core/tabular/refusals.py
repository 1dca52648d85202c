"""The reader's one error, its limits, and where the bytes of an upload are."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chengxin.core import error_codes

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MIB
DEFAULT_MAX_UNPACKED_BYTES = 500 * MIB
DEFAULT_MAX_COMPRESSION_RATIO = 200


class TabularRefused(Exception):
    """The file cannot be read within the reader's rules: a machine code and its messages in
    Chinese and English. Nothing of the file's content is part of it (it may hold personal
    data)."""

    def __init__(self, *, code: str, message: str, message_en: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.message_en = message_en


def refusal(code: str, **values: Any) -> TabularRefused:
    """The refusal of ``code``, its messages filled with ``values`` (``limit=`` of the size
    codes)."""
    message, message_en = _MESSAGES[code]
    return TabularRefused(code=code, message=_(message) % values, message_en=message_en % values)


def megabytes(size: int) -> str:
    """A size for a message: ``50`` for 50 MiB, ``0.5`` for 512 KiB."""
    return f"{size / MIB:g}"


@dataclass(frozen=True)
class Limits:
    """What one upload may cost: its size, the sum of an XLSX's unpacked parts as its ZIP
    directory declares them, and the compression ratio of any part over 1 MiB."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES
    max_compression_ratio: int = DEFAULT_MAX_COMPRESSION_RATIO


def upload_limits(*, max_bytes: int | None = None) -> Limits:
    """The limits of the settings (``CHENGXIN_UPLOAD_MAX_BYTES``,
    ``CHENGXIN_XLSX_MAX_UNPACKED_BYTES``, ``CHENGXIN_XLSX_MAX_COMPRESSION_RATIO``), read at each
    call; ``max_bytes`` replaces the upload size (a file already on the server's disk)."""
    return Limits(
        max_bytes=max_bytes or getattr(settings, "CHENGXIN_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES),
        max_unpacked_bytes=getattr(
            settings, "CHENGXIN_XLSX_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES
        ),
        max_compression_ratio=getattr(
            settings, "CHENGXIN_XLSX_MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO
        ),
    )


@dataclass(frozen=True)
class Source:
    """Where the bytes are: in memory, or a file on disk (then read in chunks, never whole)."""

    data: bytes | None = None
    path: Path | None = None

    @classmethod
    def of(cls, data: bytes | str | Path) -> Source:
        if isinstance(data, bytes):
            return cls(data=data)
        return cls(path=Path(data))

    def open(self) -> IO[bytes]:
        if self.path is not None:
            return self.path.open("rb")
        return io.BytesIO(self.data or b"")

    def size(self) -> int:
        if self.path is not None:
            return self.path.stat().st_size
        return len(self.data or b"")


_MESSAGES = {
    error_codes.FILE_EMPTY: (gettext_noop("文件是空的。"), "The file is empty."),
    error_codes.FILE_TYPE_UNSUPPORTED: (
        gettext_noop("无法识别文件类型，请上传CSV或XLSX文件。"),
        "The file type is not recognised; upload a CSV or XLSX file.",
    ),
    error_codes.FILE_CORRUPT: (
        gettext_noop("文件已损坏，无法打开，请重新导出后上传。"),
        "The file is damaged and cannot be opened; export it again and upload it.",
    ),
    error_codes.FILE_ENCODING_INVALID: (
        gettext_noop("文件编码无法识别，请保存为UTF-8或GB18030编码的CSV文件。"),
        "The file's encoding is not recognised; save the CSV file as UTF-8 or GB18030.",
    ),
    error_codes.FILE_TOO_LARGE: (
        gettext_noop("文件超过%(limit)sMB的大小上限，请拆分后分别上传。"),
        "The file is larger than the limit of %(limit)s MB; split it and upload the parts.",
    ),
    error_codes.FILE_UNPACKED_TOO_LARGE: (
        gettext_noop("XLSX文件解压后超过%(limit)sMB的上限或压缩比异常，请检查文件或另存为CSV。"),
        "The XLSX file unpacks to more than %(limit)s MB or is compressed abnormally; "
        "check the file or save it as CSV.",
    ),
}
