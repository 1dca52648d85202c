"""A self-hosted captcha for anonymous tip-offs (docs/dueprocess.md, "Tip-offs", "Captcha").

The filing page shows an image of ``LENGTH`` characters drawn with Pillow (each character turned
and shifted a little, with lines and dots across), from an alphabet without look-alikes (no 0/O,
1/I/L). The challenge lives in the visitor's session, server-side: the keyed hash of its answer
and when it expires (``CHENGXIN_CAPTCHA_TTL_SECONDS``, 5 minutes by default). Every request for
the image makes a new challenge and replaces the old one; every check uses the challenge up,
right or wrong, so one image answers one filing at most.

Tests cannot read an image: with ``CHENGXIN_CAPTCHA_EXPOSE_ANSWER`` (on in the test settings
only, off by default and in production) the session also keeps the answer itself under
``ANSWER_KEY``, where a test reads it (``expected_answer``). The check is the same either way.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import math
import secrets
import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from chengxin.core.errors import DomainError
from chengxin.dueprocess.tipoffs import error_codes

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 5
SESSION_KEY = "tipoffs.captcha"
ANSWER_KEY = "tipoffs.captcha.answer"
FIELD = "captcha"
WIDTH, HEIGHT = 180, 60
DEFAULT_TTL_SECONDS = 300


def ttl_seconds() -> int:
    return int(getattr(settings, "CHENGXIN_CAPTCHA_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def _digest(answer: str, *, salt: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    message = f"tipoffs.captcha|{salt}|{answer.strip().upper()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def captcha_new(request: HttpRequest, *, now: float | None = None) -> bytes:
    """A new challenge in the session (replacing any earlier one), as a PNG image."""
    answer = "".join(secrets.choice(ALPHABET) for _position in range(LENGTH))
    salt = secrets.token_hex(8)
    moment = time.time() if now is None else now
    request.session[SESSION_KEY] = {
        "salt": salt,
        "digest": _digest(answer, salt=salt),
        "expires": moment + ttl_seconds(),
    }
    if getattr(settings, "CHENGXIN_CAPTCHA_EXPOSE_ANSWER", False):
        request.session[ANSWER_KEY] = answer
    return _image(answer)


def captcha_check(request: HttpRequest, typed: str, *, now: float | None = None) -> None:
    """Use up the session's challenge; ``DomainError`` 422 naming the field ``captcha`` when
    there is none, it has expired, or ``typed`` is not its answer (letters in any case)."""
    challenge = request.session.pop(SESSION_KEY, None)
    request.session.pop(ANSWER_KEY, None)
    moment = time.time() if now is None else now
    if not challenge or moment > float(challenge.get("expires", 0)):
        raise _refusal(
            error_codes.TIPOFF_CAPTCHA_EXPIRED,
            _("验证码已过期，请看新的图片重新输入。"),
            "The captcha has expired; type the characters of the new image.",
        )
    expected = str(challenge.get("digest", ""))
    if not hmac.compare_digest(expected, _digest(typed or "", salt=str(challenge["salt"]))):
        raise _refusal(
            error_codes.TIPOFF_CAPTCHA_WRONG,
            _("验证码不正确，请看新的图片重新输入。"),
            "The captcha is wrong; type the characters of the new image.",
        )


def expected_answer(session) -> str | None:
    """The answer of the session's challenge, where the test settings keep it."""
    return session.get(ANSWER_KEY)


def _refusal(code: str, message: str, message_en: str) -> DomainError:
    return DomainError(
        code=code,
        message=message,
        message_en=message_en,
        status=422,
        details={
            "errors": [{"field": FIELD, "code": code, "message": message, "message_en": message_en}]
        },
    )


def _image(answer: str) -> bytes:
    generator = secrets.SystemRandom()
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 246, 240))
    draw = ImageDraw.Draw(image)
    for _line in range(6):
        points = [(generator.randint(0, WIDTH), generator.randint(0, HEIGHT)) for _p in range(2)]
        draw.line(points, fill=_colour(generator, 120, 200), width=1)
    font = ImageFont.load_default(size=34)
    step = (WIDTH - 20) / LENGTH
    for position, character in enumerate(answer):
        glyph = Image.new("RGBA", (48, 56), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 4), character, font=font, fill=_colour(generator, 20, 110))
        glyph = glyph.rotate(generator.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
        x = int(10 + position * step + generator.uniform(-3, 3))
        y = int(generator.uniform(-2, 8))
        image.paste(glyph, (x, y), glyph)
    for _dot in range(120):
        x, y = generator.randint(0, WIDTH - 1), generator.randint(0, HEIGHT - 1)
        draw.point((x, y), fill=_colour(generator, 60, 180))
    for x in range(0, WIDTH, 3):
        y = int(HEIGHT / 2 + 10 * math.sin(x / 17))
        draw.point((x, y), fill=(150, 150, 150))
    output = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(output, format="PNG")
    return output.getvalue()


def _colour(generator, low: int, high: int) -> tuple[int, int, int]:
    return tuple(generator.randint(low, high) for _channel in range(3))
