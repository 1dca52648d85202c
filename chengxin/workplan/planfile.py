"""What the plan loader and the workbook reader share: the format name of a plan file, the error
that refuses a file with every problem and where it is, and the zip-bomb check of a workbook."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chengxin.workplan import limits

__all__ = ["FORMAT", "PlanFileError", "checked_unpacked_size"]

FORMAT = "chengxin-workplan/1"


@dataclass
class PlanFileError(Exception):
    """The file was refused: ``errors`` are ``{"where", "message"}``, in file order."""

    errors: list[dict[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(f"{error['where']}: {error['message']}" for error in self.errors)


def checked_unpacked_size(data: bytes, *, name: str) -> None:
    """Refuse a workbook whose parts unpack to more than the limit (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise PlanFileError([{"where": name, "message": _("XLSX文件已损坏。")}]) from None
    if total > limits.PLAN_FILE_MAX_UNPACKED_BYTES:
        raise PlanFileError([{"where": name, "message": _("XLSX文件解压后过大。")}])
