"""Values matching a regular expression, for the synthetic rows (``chengxin.collection.synthetic``):
a string drawn from a pattern's parsed form, and a unified social credit code with its GB 32100
check character."""

from __future__ import annotations

import random
import re
import re._constants as sre_constants

REPEAT_CAP = 8
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(rng: random.Random) -> str:
    """A unified social credit code of an enterprise registered in the city (91 230200 …), with
    its GB 32100 check character."""
    tail = rng.choices(USCC_ALPHABET, k=9)
    total = _USCC_PREFIX_SUM + sum(
        _USCC_VALUES[c] * w for c, w in zip(tail, _USCC_WEIGHTS[8:], strict=False)
    )
    return _USCC_PREFIX + "".join(tail) + USCC_ALPHABET[(31 - total % 31) % 31]


_USCC_PREFIX = "91230200"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {character: value for value, character in enumerate(USCC_ALPHABET)}
_USCC_PREFIX_SUM = sum(
    _USCC_VALUES[c] * w for c, w in zip(_USCC_PREFIX, _USCC_WEIGHTS, strict=False)
)


_CATEGORY_CHARACTERS = {
    sre_constants.CATEGORY_DIGIT: "0123456789",
    sre_constants.CATEGORY_NOT_DIGIT: "ABCDEFabcdef-",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_SPACE: "ABCDEFGHabcdefgh0123456789",
    sre_constants.CATEGORY_WORD: "ABCDEFGHabcdefgh0123456789_",
    sre_constants.CATEGORY_NOT_WORD: "-.,",
}
_ANY_CHARACTERS = "ABCDEFGHJKLMNabcdefghjk0123456789"


def from_regex(parsed, rng: random.Random) -> list[str]:
    """A string the parsed pattern matches (anchors are ignored; repeats are capped)."""
    out: list[str] = []
    for op, argument in parsed:
        if op == sre_constants.LITERAL:
            out.append(chr(argument))
        elif op == sre_constants.NOT_LITERAL:
            out.append(rng.choice([c for c in _ANY_CHARACTERS if ord(c) != argument]))
        elif op == sre_constants.ANY:
            out.append(rng.choice(_ANY_CHARACTERS))
        elif op == sre_constants.IN:
            out.append(_from_set(argument, rng))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, item = argument
            high = low + REPEAT_CAP if high == sre_constants.MAXREPEAT else high
            for _ in range(rng.randint(low, max(low, min(high, low + REPEAT_CAP)))):
                out.extend(from_regex(item, rng))
        elif op == sre_constants.SUBPATTERN:
            out.extend(from_regex(argument[-1], rng))
        elif op == sre_constants.BRANCH:
            out.extend(from_regex(rng.choice(argument[1]), rng))
    return out


def _from_set(items, rng: random.Random) -> str:
    if items and items[0][0] == sre_constants.NEGATE:
        excluded = re.compile(_set_text(items))
        return rng.choice([c for c in _ANY_CHARACTERS if excluded.fullmatch(c)] or ["~"])
    candidates: list[str] = []
    for op, argument in items:
        if op == sre_constants.LITERAL:
            candidates.append(chr(argument))
        elif op == sre_constants.RANGE:
            candidates.extend(chr(code) for code in range(argument[0], argument[1] + 1))
        elif op == sre_constants.CATEGORY:
            candidates.extend(_CATEGORY_CHARACTERS.get(argument, "a"))
    return rng.choice(candidates or ["a"])


def _set_text(items) -> str:
    """The negated set back as a character class (for checking candidates against it)."""
    parts = []
    for op, argument in items[1:]:
        if op == sre_constants.LITERAL:
            parts.append(re.escape(chr(argument)))
        elif op == sre_constants.RANGE:
            parts.append(f"{re.escape(chr(argument[0]))}-{re.escape(chr(argument[1]))}")
    return "[^" + "".join(parts) + "]"
