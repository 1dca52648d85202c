"""The shipped measures (SPEC §6): the plan's own and common national punishment measures,
loaded by ``chengxin seed`` from ``data/reference_measures.json``.

Idempotent: a missing measure is created and activated; a measure whose shipped definition is
unchanged is left alone; a changed definition is applied only to a measure nobody has edited on
the platform (every version written by the loader); an edited measure keeps its edits.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.catalog.choices import ReferenceOutcome
from chengxin.catalog.snapshots import content_hash
from chengxin.measures.choices import MeasureStatus
from chengxin.measures.models import Measure
from chengxin.measures.services import measure_activate, measure_create, measure_update

REFERENCE_PATH = Path(__file__).resolve().parent / "data" / "reference_measures.json"
SOURCE = "齐齐哈尔市个人诚信体系建设工作方案及国家有关规定"


def reference_definitions() -> list[dict[str, Any]]:
    with REFERENCE_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)["measures"]


def load_reference_data(*, stdout) -> None:
    definitions = reference_definitions()
    codes = {code for definition in definitions for code in definition["departments"]}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    missing = sorted(codes - set(departments))
    if missing:
        raise CommandError(
            _("缺少部门参考数据：%(codes)s。请先加载部门。") % {"codes": "、".join(missing)}
        )
    outcomes: Counter[str] = Counter()
    for definition in definitions:
        outcomes[_load(definition, departments)] += 1
    summary = "，".join(
        f"{ReferenceOutcome(outcome).label} {outcomes[outcome]}"
        for outcome in ReferenceOutcome.values
        if outcomes[outcome]
    )
    stdout.write(_("奖惩措施：%(summary)s。") % {"summary": summary} + "\n")


def _load(definition: dict[str, Any], departments: dict[str, Department]) -> str:
    reference_hash = content_hash(definition)
    attributes = dict(definition)
    attributes["departments"] = [departments[code] for code in definition["departments"]]
    measure = Measure.objects.filter(code=definition["code"]).first()
    if measure is None:
        measure = measure_create(
            actor=None, source=SOURCE, reference_hash=reference_hash, **attributes
        )
        measure_activate(measure=measure, actor=None)
        return ReferenceOutcome.CREATED
    if measure.reference_hash == reference_hash:
        return ReferenceOutcome.UNCHANGED
    if measure.versions.filter(created_by__isnull=False).exists():
        return ReferenceOutcome.KEPT
    attributes.pop("code")
    measure = measure_update(
        measure=measure, changes=attributes, actor=None, reference_hash=reference_hash
    )
    if measure.status == MeasureStatus.DRAFT:
        measure_activate(measure=measure, actor=None)
    return ReferenceOutcome.UPDATED
