"""What a verification of the audit log finds: a problem (the first thing wrong, a failure) and
notes (what it could not check, or an operator should look at)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VerificationProblem:
    """The first thing found wrong, where it is (event id and seq), and what it is."""

    code: str
    seq: int | None
    event_id: int | None
    message: str
    message_en: str


@dataclass(frozen=True)
class VerificationNote:
    """Something verification could not check, or an operator should look at: not a failure."""

    code: str
    message: str
    message_en: str
