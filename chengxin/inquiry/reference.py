"""The allowed query purposes (SPEC §7), loaded by ``chengxin seed``.

Loading is idempotent: a purpose missing from the database is created; one that exists is left as
it is, so edits made on the platform (a reworded legal basis, a purpose switched off) survive.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from chengxin.inquiry.models import QueryPurpose

PURPOSES_PATH = Path(__file__).resolve().parent / "data" / "purposes.json"


def purpose_definitions() -> list[dict[str, Any]]:
    """The shipped purposes, as in ``data/purposes.json``."""
    with PURPOSES_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)["purposes"]


def load_reference_data(*, stdout) -> None:
    """Create the shipped purposes that are missing and report how many were created."""
    created = 0
    for definition in purpose_definitions():
        fields = {key: value for key, value in definition.items() if key != "code"}
        _purpose, was_created = QueryPurpose.objects.get_or_create(
            code=definition["code"], defaults=fields
        )
        created += was_created
    stdout.write(
        _("查询事由：新增 %(created)d 项，共 %(total)d 项。")
        % {"created": created, "total": QueryPurpose.objects.count()}
    )
