"""Labels of a measure's triggers and matters for pages."""

from __future__ import annotations

from chengxin.catalog.choices import Domain, KeyField, ListKind
from chengxin.measures.choices import Matter


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def trigger_labels(triggers) -> list[str]:
    labels = []
    for trigger in triggers:
        label = _label(ListKind, trigger.get("list", ""))
        detail = trigger.get("domain") and _label(Domain, trigger["domain"])
        detail = detail or (trigger.get("key_field") and _label(KeyField, trigger["key_field"]))
        labels.append(f"{label}（{detail}）" if detail else label)
    return labels


def matter_labels(matters) -> list[str]:
    return [_label(Matter, matter) for matter in matters]
