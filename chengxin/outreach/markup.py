"""The text format of articles: plain text with a few line marks, never HTML (docs/outreach.md).

- a line starting with ``## `` or ``### `` is a heading (second or third level),
- lines starting with ``- `` make a bulleted list, lines starting with ``1. `` a numbered one,
- other lines are paragraph text; an empty line ends a paragraph.

``blocks`` turns the text into a list of blocks that the template ``outreach/_blocks.html``
renders with Django's autoescaping, so whatever an editor types (``<script>`` included) shows as
text. ``plan_blocks`` reads the seed plan's own layout (numbered sections) the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBERED = re.compile(r"^\d+[.、]\s*")
_PLAN_PART = re.compile(r"^[一二三四五六七八九十]+、")
_PLAN_SECTION = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_PLAN_TOP = ("全文", "印發的通知", "印发的通知", "政策解讀", "政策解读")


@dataclass
class Block:
    """``kind`` is ``h2``, ``h3``, ``h4``, ``p``, ``ul`` or ``ol``; lists carry ``items``."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    anchor: str = ""


def blocks(text: str) -> list[Block]:
    result: list[Block] = []
    paragraph: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            result.append(Block("p", "".join(paragraph)))
            paragraph.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            close_paragraph()
            continue
        block = _line_block(line)
        if block is None:
            paragraph.append(line)
            continue
        close_paragraph()
        _append(result, block)
    close_paragraph()
    return result


def _line_block(line: str) -> Block | None:
    if line.startswith("### "):
        return Block("h3", line[4:].strip())
    if line.startswith("## "):
        return Block("h2", line[3:].strip())
    if line.startswith("- "):
        return Block("ul", items=[line[2:].strip()])
    if _NUMBERED.match(line):
        return Block("ol", items=[_NUMBERED.sub("", line, count=1)])
    return None


def _append(result: list[Block], block: Block) -> None:
    """Consecutive list lines of the same kind make one list."""
    if block.kind in ("ul", "ol") and result and result[-1].kind == block.kind:
        result[-1].items.extend(block.items)
    else:
        result.append(block)


def plan_blocks(text: str) -> list[Block]:
    """The seed plan as blocks: its parts (全文, the notice, the interpretation) as second-level
    headings, 一、 … as third-level, （一） … as fourth-level, every other line a paragraph."""
    result: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line in _PLAN_TOP:
            result.append(Block("h2", line))
        elif _PLAN_PART.match(line):
            result.append(Block("h3", line))
        elif _PLAN_SECTION.match(line) and len(line) <= 40:
            result.append(Block("h4", line))
        else:
            result.append(Block("p", line))
    for number, block in enumerate(result):
        if block.kind in ("h2", "h3"):
            block.anchor = f"part-{number}"
    return result


def headings(parts: list[Block]) -> list[Block]:
    return [block for block in parts if block.kind in ("h2", "h3")]
