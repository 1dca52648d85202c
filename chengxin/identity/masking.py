"""Masking of identity numbers and names for display, done on the server only (SPEC §2).

The rule depends on where the value is shown (``MaskContext``). No context ever shows the birth
date or the sequence code of a number (characters 7 to 17): those identify a person within a region.
"""

from __future__ import annotations

from chengxin.identity.choices import MaskContext
from chengxin.identity.validation import (
    ID_LENGTH,
    LEGACY_ID_LENGTH,
    convert_15_to_18,
    normalise_id_number,
)

MASK = "*"
NAME_SEPARATORS = frozenset("·• ")
REGION_LENGTH = 6
VISIBLE_TAIL = 4

# Chinese compound surnames (复姓) in use today; a name starting with one keeps both characters.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门",
        "万俟", "闻人", "澹台", "公冶", "太史", "申屠", "濮阳", "呼延", "赫连", "拓跋",
        "单于", "百里", "东郭", "第五", "左丘", "梁丘", "司空", "司寇", "子车", "巫马",
        "公西", "漆雕", "乐正", "壤驷", "公良", "谷梁", "宰父", "羊舌", "微生", "仲孙",
        "叔孙", "闾丘", "东门", "公羊", "段干", "亓官", "鲜于", "颛孙", "即墨", "淳于",
    ]
)  # fmt: skip

_KEPT_REGION = {
    MaskContext.PUBLIC: True,
    MaskContext.PUBLIC_LISTED: True,
    MaskContext.STAFF: True,
    MaskContext.OWNER: False,
}
_FULL_NAME_CONTEXTS = frozenset({MaskContext.PUBLIC_LISTED, MaskContext.OWNER})


def mask_id_number(number: str, *, context: str) -> str:
    """The number masked for ``context``: ``230202********1236`` (public, staff) or
    ``**************1236`` (owner). A 15-digit number is shown in its 18-character form; anything
    that is not a number of the right length is masked completely."""
    keeps_region = _KEPT_REGION[MaskContext(context)]
    normalised = normalise_id_number(number)
    if len(normalised) == LEGACY_ID_LENGTH and normalised.isdigit():
        normalised = convert_15_to_18(normalised)
    if len(normalised) != ID_LENGTH:
        return MASK * len(normalised)
    head = normalised[:REGION_LENGTH] if keeps_region else MASK * REGION_LENGTH
    hidden = MASK * (ID_LENGTH - REGION_LENGTH - VISIBLE_TAIL)
    return head + hidden + normalised[-VISIBLE_TAIL:]


def surname_of(name: str) -> str:
    """The surname of a Chinese name: a listed compound surname when the name is longer than it,
    otherwise the first character."""
    name = name.strip()
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def mask_name(name: str, *, context: str) -> str:
    """The name as shown in ``context``: in full on legally required public lists and to the
    person themself, otherwise the surname followed by one ``*`` per further character
    (``张*``, ``欧阳**``). Separators of transliterated names (``·``) are kept."""
    context = MaskContext(context)
    name = (name or "").strip()
    if context in _FULL_NAME_CONTEXTS:
        return name
    if len(name) <= 1:
        return MASK * len(name)
    surname = surname_of(name)
    rest = name[len(surname) :]
    return surname + "".join(
        character if character in NAME_SEPARATORS else MASK for character in rest
    )
