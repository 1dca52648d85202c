"""Reference data of the outreach app, loaded by ``chengxin seed`` (docs/outreach.md): the
plan's campaign dates (``data/campaigns.json``) and the starter education pages
(``data/education.json``: integrity culture and the credit knowledge reader).

Idempotent: a missing row is created; a shipped entry that changed updates a row nobody edited
since it was loaded; an edited page keeps its edits and is reported.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from chengxin.outreach.choices import ReferenceOutcome
from chengxin.outreach.services import article_load_reference, campaign_day_load

DATA = Path(__file__).resolve().parent / "data"


def load_reference_data(*, stdout) -> None:
    campaigns = Counter(campaign_day_load(definition=d) for d in shipped("campaigns.json"))
    articles = Counter(article_load_reference(definition=d) for d in shipped("education.json"))
    stdout.write(_("宣传节点：%(summary)s。") % {"summary": _summary(campaigns)} + "\n")
    stdout.write(_("教育内容：%(summary)s。") % {"summary": _summary(articles)} + "\n")


def shipped(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        content = json.load(handle)
    return content["campaigns"] if "campaigns" in content else content["articles"]


def _summary(outcomes: Counter) -> str:
    return "，".join(
        f"{ReferenceOutcome(outcome).label} {outcomes[outcome]}"
        for outcome in ReferenceOutcome.values
        if outcomes[outcome]
    )
