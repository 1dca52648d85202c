"""Domain errors that every entry point (API, staff pages, CLI) turns into a clear answer.

An error carries a machine ``code`` (from an app's ``error_codes.py``) and a message in Chinese
with its English translation, so the answer can name the row, the field and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DomainError(Exception):
    """A rule of the platform refused the request. ``status`` is the HTTP status it maps to."""

    code: str
    message: str
    message_en: str = ""
    status: int = 400
    details: dict[str, object] = field(default_factory=dict)
    # HTTP headers the answer carries (``Retry-After`` of a 429 or 503).
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en or self.message}"


class PermissionDeniedError(DomainError):
    def __init__(self, code: str, message: str, message_en: str = "") -> None:
        super().__init__(code=code, message=message, message_en=message_en, status=403)


class NotFoundError(DomainError):
    def __init__(self, code: str, message: str, message_en: str = "") -> None:
        super().__init__(code=code, message=message, message_en=message_en, status=404)
