"""The credit commitment (信用承诺书) a person accepts when applying for credit repair.

The repair measures of the National Development and Reform Commission ask the applicant for a
credit commitment; the platform shows the template below and keeps, with the application, the
exact text accepted, its SHA-256 and the time (``Repair.commitment_*``). The template is
versioned in code: a change of wording is a new ``VERSION`` (the old text stays on every
application that accepted it), so what a person accepted can always be shown and proved.

The text is deliberately not translated: it is a legal document in the language of the
deciding department, and its hash must not depend on the reader's language.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chengxin.core.policies import REPAIR_MEASURES

VERSION = "2026-1"
SOURCE = REPAIR_MEASURES

_TEXT = (
    "信用承诺书\n"
    "\n"
    "本人申请对上述失信信息进行信用修复，现郑重承诺：\n"
    "一、本人已履行行政处罚决定或相关法律文书确定的义务，已纠正失信行为、消除不良影响；\n"
    "二、本人提交的申请材料和证明材料真实、准确、完整，不存在虚假、隐瞒或误导；\n"
    "三、本人将遵守法律法规和社会公德，诚实守信，不再发生同类失信行为；\n"
    "四、如违反本承诺或提供虚假材料，本人自愿接受撤销修复决定、重新公示失信信息、"
    "将违背承诺的情况记入信用记录等处理，并依法承担相应的法律责任。\n"
    "\n"
    "本承诺书随修复申请一并提交，信用修复不收取任何费用。"
)


@dataclass(frozen=True)
class CommitmentTemplate:
    version: str
    text: str
    source: str

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


def current_template() -> CommitmentTemplate:
    """The template in force, as the application pages and the API show it."""
    return CommitmentTemplate(version=VERSION, text=_TEXT, source=str(SOURCE))


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
