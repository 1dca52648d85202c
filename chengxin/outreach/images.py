"""Pictures of articles: checked by their content, bounded, re-encoded (docs/outreach.md).

An image is accepted only if its bytes are a JPEG or PNG (whatever the file name says), at most
``IMAGE_MAX_BYTES`` and ``IMAGE_MAX_PIXELS``. It is decoded by Pillow, turned upright, scaled
down to at most ``IMAGE_MAX_SIDE`` pixels on its longer side and saved again: the stored picture
carries no EXIF (a phone photo's place and camera), no text chunks and nothing hidden after the
picture. The same content checks as the due-process attachments (``dueprocess.attachments``),
with a smaller size, as a public page must load quickly.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from chengxin.core.errors import DomainError
from chengxin.outreach import error_codes, limits

JPEG = "image/jpeg"
PNG = "image/png"
_SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def image_checked(data: bytes) -> CheckedImage:
    """The picture to keep, or ``DomainError`` 422 naming the field ``image`` and the problem."""
    if len(data) > limits.IMAGE_MAX_BYTES:
        raise _too_large()
    content_type = next(
        (kind for signature, kind in _SIGNATURES if data.startswith(signature)), None
    )
    if content_type is None:
        raise _refusal(
            error_codes.IMAGE_TYPE_REFUSED,
            _("只接收JPEG和PNG图片（按文件内容识别，与文件名无关）。"),
            "Only JPEG and PNG images are accepted (recognised by their content).",
        )
    try:
        return _reencoded(data, content_type)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _refusal(
            error_codes.IMAGE_UNREADABLE,
            _("图片无法读取，可能已损坏；请另存后再上传。"),
            "The image cannot be read; it may be damaged.",
        ) from None


def _reencoded(data: bytes, content_type: str) -> CheckedImage:
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > limits.IMAGE_MAX_PIXELS:
            raise _too_large()
        image.load()
        picture = ImageOps.exif_transpose(image)
        picture.thumbnail((limits.IMAGE_MAX_SIDE, limits.IMAGE_MAX_SIDE))
        output = io.BytesIO()
        if content_type == JPEG:
            picture.convert("RGB").save(output, format="JPEG", quality=85)
        else:
            clean = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
            clean.save(output, format="PNG", optimize=True)
        return CheckedImage(content_type, output.getvalue(), picture.width, picture.height)


def _too_large() -> DomainError:
    megabytes = limits.IMAGE_MAX_BYTES / 1024 / 1024
    return _refusal(
        error_codes.IMAGE_TOO_LARGE,
        _("图片过大：最多 %(size).0f MB、两千五百万像素。") % {"size": megabytes},
        f"The image is too large: at most {megabytes:.0f} MB and 25 megapixels.",
    )


def _refusal(code: str, message: str, message_en: str) -> DomainError:
    error = {"field": "image", "code": code, "message": message, "message_en": message_en}
    return DomainError(
        code=code, message=message, message_en=message_en, status=422, details={"errors": [error]}
    )
