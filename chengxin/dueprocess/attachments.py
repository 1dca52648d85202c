"""Files attached to due-process cases: checked by their content, images re-encoded, kept
encrypted (SPEC §8, §14).

A person attaches proof to an objection or a repair application, staff a power of attorney, a
reporter photos to a tip-off. Every file is refused unless its content is one of the accepted
kinds (PDF, JPEG, PNG: what a phone's camera and a scanner make), whatever its name says; it is
at most ``CHENGXIN_ATTACHMENT_MAX_BYTES``, a case holds at most ``MAX_PER_CASE`` files, and a
file name is free text (no ID number, at most 255 characters). Images are decoded with a bound
on their pixels (a decompression bomb is refused) and stored re-encoded, which drops their
metadata (a photo's location) and anything hidden after the picture. A PDF that carries active
content (JavaScript, launch actions, embedded files) is refused. Every refusal is a 422 naming
the file by its position and the problem; nothing of a refused set is kept.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.text import TextField, text_errors
from chengxin.dueprocess import error_codes
from chengxin.dueprocess.choices import AttachmentKind
from chengxin.dueprocess.models import Attachment

ATTACHMENT_PURPOSE = "dueprocess.attachment"
MAX_PER_CASE = 5
MAX_PIXELS = 40_000_000
FILE_NAME = TextField(name="attachments", label=gettext_lazy("附件文件名"), max_length=255)
_SIGNATURES = (
    (b"%PDF-", AttachmentKind.PDF),
    (b"\xff\xd8\xff", AttachmentKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", AttachmentKind.PNG),
)
_ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
_PIL_FORMATS = {AttachmentKind.JPEG: "JPEG", AttachmentKind.PNG: "PNG"}


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived: its name as the sender gave it and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, with the bytes to keep (re-encoded for an image)."""

    name: str
    kind: str
    data: bytes


def max_bytes() -> int:
    return int(settings.CHENGXIN_ATTACHMENT_MAX_BYTES)


def attachments_checked(files: list[IncomingFile], *, already: int = 0) -> list[CheckedFile]:
    """Check every file (``already`` files are on the case); ``DomainError`` 422 listing the
    problem of each refused file (``field`` ``attachments[N]``), or the files to keep."""
    if already + len(files) > MAX_PER_CASE:
        raise _refusal(
            [_error(None, error_codes.ATTACHMENT_TOO_MANY, _too_many_message(), _too_many_en())]
        )
    checked, errors = [], []
    for position, incoming in enumerate(files):
        outcome = _checked(incoming, position=position)
        if isinstance(outcome, CheckedFile):
            checked.append(outcome)
        else:
            errors.extend(outcome)
    if errors:
        raise _refusal(errors)
    return checked


def attachment_add(
    *, case_type: str, case_id: str, subject_index: str, file: CheckedFile, actor
) -> Attachment:
    """Keep one checked file of a case, encrypted. Call it in the transaction that writes the
    case (or its step), whose audit event names the attachments."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An attachment is written in the transaction of its case.")
    sealed = crypto.encrypt_bytes(file.data, purpose=ATTACHMENT_PURPOSE)
    return Attachment.objects.create(
        case_type=case_type,
        case_id=str(case_id),
        subject_index=subject_index,
        file_name=file.name,
        kind=file.kind,
        size=len(file.data),
        sha256=hashlib.sha256(file.data).hexdigest(),
        ciphertext=sealed.ciphertext,
        key_id=sealed.key_id,
        algorithm=sealed.algorithm,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def attachment_open(attachment: Attachment) -> bytes:
    """The file's bytes, for a caller that has checked who may read the case."""
    sealed = crypto.Sealed(
        ciphertext=bytes(attachment.ciphertext),
        key_id=attachment.key_id,
        algorithm=attachment.algorithm,
    )
    return crypto.decrypt_bytes(sealed, purpose=ATTACHMENT_PURPOSE)


def file_checked_as(incoming: IncomingFile, *, field: str) -> CheckedFile:
    """One file checked like ``attachments_checked``, its refusals naming ``field`` (a power of
    attorney, sent apart from the other files)."""
    try:
        return attachments_checked([incoming])[0]
    except DomainError as error:
        for item in error.details.get("errors", []):
            item["field"] = field
        raise


def case_attachments_store(
    case, *, case_type: str, actor, proof: CheckedFile | None, files: list[CheckedFile]
) -> int:
    """Keep the checked files of a case about one person (``case.subject_index``): ``proof``,
    the power of attorney, set on the case, and ``files``; the number kept. In the case's
    transaction, like ``attachment_add``."""

    def add(file: CheckedFile) -> Attachment:
        return attachment_add(
            case_type=case_type,
            case_id=str(case.pk),
            subject_index=case.subject_index,
            file=file,
            actor=actor,
        )

    if proof is not None:
        case.power_of_attorney = add(proof)
        case.save(update_fields=["power_of_attorney", "updated_at"])
    for file in files:
        add(file)
    return len(files) + (proof is not None)


def case_attachments(*, case_type: str, case_id) -> list[Attachment]:
    """The files of one case (without their contents), oldest first."""
    return list(
        Attachment.objects.filter(case_type=case_type, case_id=str(case_id))
        .defer("ciphertext")
        .order_by("created_at", "pk")
    )


def case_attachment_get(
    *, case_type: str, case_id, attachment_id, not_found_code: str
) -> Attachment:
    """One file of a case (already read through its visibility selector); ``NotFoundError``
    with ``not_found_code`` when the case has no such file."""
    attachment = Attachment.objects.filter(
        case_type=case_type, case_id=str(case_id), pk=attachment_id
    ).first()
    if attachment is None:
        raise NotFoundError(not_found_code, _("未找到该附件。"), "No such attachment.")
    return attachment


def case_attachment_read(
    *,
    actor,
    attachment: Attachment,
    subject_index: str,
    object_type: str,
    purpose: str,
    case_detail: Mapping[str, Any],
    request=None,
) -> bytes:
    """The bytes of one file of a case, for a viewer the selectors let see it; every download is
    an audited read of the person's data (``case_detail`` names the case)."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=subject_index,
        object_type=object_type,
        object_id=str(attachment.pk),
        purpose=purpose,
        detail={**case_detail, "kind": attachment.kind, "size": attachment.size},
        request=request,
    )
    return attachment_open(attachment)


def _checked(incoming: IncomingFile, *, position: int) -> CheckedFile | list[dict[str, str]]:
    name = _base_name(incoming.name)
    name_errors = [
        {**error, "field": f"attachments[{position}]"} for error in text_errors(name, FILE_NAME)
    ]
    if name_errors:
        return name_errors
    if not incoming.data:
        return [
            _error(position, error_codes.ATTACHMENT_EMPTY, _("文件是空的。"), "The file is empty.")
        ]
    if len(incoming.data) > max_bytes():
        return [_too_large(position)]
    kind = _kind_of(incoming.data)
    if kind is None:
        return [_type_refused(position)]
    if kind == AttachmentKind.PDF:
        return _checked_pdf(name, incoming.data, position=position)
    return _reencoded_image(name, kind, incoming.data, position=position)


def _base_name(name: str) -> str:
    """The last part of a name as a browser or a phone sends it (no folders, no control
    characters)."""
    last = PureWindowsPath(PurePosixPath(name or "").name).name
    return "".join(character for character in last if character.isprintable()).strip() or "file"


def _kind_of(data: bytes) -> str | None:
    return next((kind for signature, kind in _SIGNATURES if data.startswith(signature)), None)


def _checked_pdf(name: str, data: bytes, *, position: int) -> CheckedFile | list[dict[str, str]]:
    if _ACTIVE_PDF.search(data):
        return [
            _error(
                position,
                error_codes.ATTACHMENT_TYPE_REFUSED,
                _("PDF文件含有脚本或嵌入文件，不能接收；请另存为普通PDF或图片后再上传。"),
                "The PDF carries scripts or embedded files; save it as a plain PDF or an image.",
            )
        ]
    return CheckedFile(name=name, kind=AttachmentKind.PDF, data=data)


def _reencoded_image(
    name: str, kind: str, data: bytes, *, position: int
) -> CheckedFile | list[dict[str, str]]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                return [_too_large(position)]
            image.load()
            picture = ImageOps.exif_transpose(image)
            output = io.BytesIO()
            if kind == AttachmentKind.JPEG:
                picture.convert("RGB").save(output, format="JPEG", quality=88)
            else:
                picture.save(output, format=_PIL_FORMATS[kind], optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return [
            _error(
                position,
                error_codes.ATTACHMENT_UNREADABLE,
                _("图片无法读取，可能已损坏；请重新拍摄或另存后再上传。"),
                "The image cannot be read; it may be damaged.",
            )
        ]
    return CheckedFile(name=name, kind=kind, data=output.getvalue())


def _error(position: int | None, code: str, message: str, message_en: str) -> dict[str, str]:
    field = "attachments" if position is None else f"attachments[{position}]"
    return {"field": field, "code": code, "message": message, "message_en": message_en}


def _too_large(position: int) -> dict[str, str]:
    megabytes = max_bytes() / 1024 / 1024
    return _error(
        position,
        error_codes.ATTACHMENT_TOO_LARGE,
        _("文件过大：每个附件最多 %(size).0f MB（图片最多四千万像素）。") % {"size": megabytes},
        f"The file is too large: at most {megabytes:.0f} MB (images 40 megapixels).",
    )


def _type_refused(position: int) -> dict[str, str]:
    return _error(
        position,
        error_codes.ATTACHMENT_TYPE_REFUSED,
        _("只接收PDF、JPEG和PNG文件（按文件内容识别，与文件名无关）。"),
        "Only PDF, JPEG and PNG files are accepted (recognised by their content, not their name).",
    )


def _too_many_message() -> str:
    return _("每件最多上传 %(count)d 个附件。") % {"count": MAX_PER_CASE}


def _too_many_en() -> str:
    return f"A case holds at most {MAX_PER_CASE} attachments."


def _refusal(errors: list[dict[str, str]]) -> DomainError:
    first = errors[0]
    return DomainError(
        code=first["code"],
        message=first["message"],
        message_en=first["message_en"],
        status=422,
        details={"errors": errors},
    )
