"""Finding identity numbers in free text: the one detector behind every guard of the platform.

An ID number is personal data (SPEC §2): it must not reach audit events, stored free text (case
numbers, purposes, reasons, file names, record values) or logs. Every guard asks this module, and
this module asks the platform's own validation, ``validation.validate_id_number``: check
character, a real birth date not after today, a known province prefix, the county code only a
warning. It does not ask python-stdnum's ``ric.is_valid``, which also requires the county code to
have existed in the birth year and so misses numbers the platform accepts and stores (everyone in
Qiqihar born before their district got its present code, SPEC §2): whatever the platform takes as
a person's number, its guards take as one too.

What counts as a number in a text
---------------------------------
Full-width digits and ``Ｘ`` (as Chinese input methods type them) count as their ASCII forms; spans
are positions in the text as given. A candidate is

- 18 characters: 17 digits and a check character (a digit, ``X`` or ``x``);
- 15 digits, an old GB 11643-1989 number (the validation converts it to 18 characters);
- either typed in digit groups in a layout people use to make a number readable, the groups
  separated by one space (also the no-break and the ideographic space, or two spaces) or one
  hyphen or dash (with a space on either side or not): 6-8-4 (address code, birth date, sequence
  and check), 6-8-3-1, 6-4-4-4 and 4-4-4-4-2 for 18 characters, 6-6-3 for 15 digits.

A candidate is a number when ``validate_id_number`` accepts it.

Boundaries: only digits bind to a number. Letters, Chinese characters and punctuation around it do
not, so ``身份证号码230202198005170012号``, ``ID230202198005170012`` and ``…001x。`` are found without
any separator. A candidate is never cut out of a longer run of digits: a run of 16, 17 or 19 and
more digits (a bank card or account number, an order or transaction number, a timestamp, two
numbers run together) is another kind of number whose digits fit an ID number's shape only by
chance. Cutting windows from it would flag about one random 18-digit window in 4,000 (the
validation takes any birth year from 1 on) and one 15-digit window in 70 (an old number has no
check character), which would refuse texts no one could correct, since they hold no ID number; a
person's number typed into a text is set apart from other digits, if only by a letter or a
space.

Layouts are fixed rather than any grouping of digits, for the same reason: texts are full of
small numbers (dates, amounts, counts) that any grouping would join into candidates, and a
15-digit one passes the validation about one time in seventy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.validation import validate_id_number

__all__ = [
    "IdNumberSpan",
    "contains_id_number",
    "id_number_spans",
    "id_numbers_in",
    "redact_id_numbers",
]

# The shortest text that can hold a number (15 digits); shorter texts are answered at once, which
# matters on the hot path of file imports (most values are short).
_SHORTEST = 15
_FULL_WIDTH_ALPHANUMERIC = {
    code: code - 0xFEE0
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
# Digits and the check letter also in their full-width forms, so that a text is scanned as it is
# (translating every text first would cost more than the scan) and only a candidate is converted.
_D = "[0-9\uff10-\uff19]"
_X = "[Xx\uff38\uff58]"
_SPACE = "[ \u00a0\u3000]"
_DASH = "[-\u2010\u2011\u2012\u2013\u2014\uff0d]"
_GAP = f"(?:{_SPACE}{{1,2}}|{_SPACE}?{_DASH}{_SPACE}?)"
# A check character: X (a letter ends the number whatever follows) or a digit not followed by one.
_CHECK = f"(?:{_X}|{_D}(?!{_D}))"
_LAYOUTS = (
    f"{_D}{{17}}{_CHECK}",
    f"{_D}{{6}}{_GAP}{_D}{{8}}{_GAP}{_D}{{3}}{_CHECK}",
    f"{_D}{{6}}{_GAP}{_D}{{8}}{_GAP}{_D}{{3}}{_GAP}{_CHECK}",
    f"{_D}{{6}}{_GAP}{_D}{{4}}{_GAP}{_D}{{4}}{_GAP}{_D}{{3}}{_CHECK}",
    f"{_D}{{4}}{_GAP}{_D}{{4}}{_GAP}{_D}{{4}}{_GAP}{_D}{{4}}{_GAP}{_D}{_CHECK}",
    f"{_D}{{15}}(?!{_D})",
    f"{_D}{{6}}{_GAP}{_D}{{6}}{_GAP}{_D}{{3}}(?!{_D})",
)
# Where a candidate may start: a run of six digits or more, or of four followed by a gap and four
# more (the first group of every layout). The run is consumed whole, and nothing after it, so no
# later start is skipped; a start inside a longer run of digits is passed over (see the module
# docstring). Each start is then tried on its own, so that a candidate starting inside an earlier
# one that failed is still found; at most one layout matches at a given start (they differ in
# their first group or gap). Dates and amounts (``2026-03-01``, ``1234.50``) start nothing.
# (One leading digit class, then the alternatives: twice as fast a scan as two alternatives.)
_START = re.compile(f"{_D}(?:{_D}{{5,}}|{_D}{{3}}(?={_GAP}{_D}{{4}}))")
_DIGIT = re.compile(_D)
_CANDIDATE = re.compile("|".join(_LAYOUTS))
_NOT_NUMBER_CHARACTER = re.compile("[^0-9Xx]")


@dataclass(frozen=True)
class IdNumberSpan:
    """Where a text holds an ID number: ``text[start:end]`` as typed, and the number it is in
    its normalised 18-character form."""

    start: int
    end: int
    normalised: str


def id_number_spans(text: str, *, today: date | None = None) -> list[IdNumberSpan]:
    """The ID numbers in ``text``, in order and not overlapping (see the module docstring)."""
    if len(text) < _SHORTEST:
        return []
    spans: list[IdNumberSpan] = []
    day = None
    for start_match in _START.finditer(text):
        start = start_match.start()
        if start and _DIGIT.match(text, start - 1):
            continue
        match = _CANDIDATE.match(text, start)
        if match is None or (spans and start < spans[-1].end):
            continue
        candidate = match.group()
        day = day or today or timezone.localdate()
        digits = _NOT_NUMBER_CHARACTER.sub("", candidate.translate(_FULL_WIDTH_ALPHANUMERIC))
        validation = validate_id_number(digits, today=day)
        if validation.is_valid:
            spans.append(IdNumberSpan(start, start + len(candidate), validation.normalised))
    return spans


def contains_id_number(text: str) -> bool:
    """Whether ``text`` holds an ID number the platform would accept."""
    return bool(id_number_spans(text))


def id_numbers_in(text: str) -> list[str]:
    """The normalised 18-character numbers in ``text`` (for a blind index), in order."""
    return [span.normalised for span in id_number_spans(text)]


def redact_id_numbers(text: str) -> str:
    """``text`` with each ID number replaced by its masked form (``230202********0012``), for log
    lines and messages that must keep the rest of the text."""
    spans = id_number_spans(text)
    if not spans:
        return text
    parts = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(mask_id_number(span.normalised, context=MaskContext.STAFF))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)
