"""Labels of a measure's triggers and matters for pages."""

from __future__ import annotations

from chengxin.accounts.models import Department
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


def list_heading(kind_name: str, *, domain: str = "", key_field: str = "") -> str:
    """``严重失信主体名单 · 税收`` from a list membership of a check's answer."""
    parts = [kind_name]
    if domain:
        parts.append(_label(Domain, domain))
    if key_field:
        parts.append(_label(KeyField, key_field))
    return " · ".join(parts)


def answer_trigger_label(trigger: dict) -> str:
    """A measure's trigger as a check's answer stores it (``kind``, ``domain``, ``key_field``)."""
    label = _label(ListKind, trigger.get("kind", ""))
    detail = trigger.get("domain") and _label(Domain, trigger["domain"])
    detail = detail or (trigger.get("key_field") and _label(KeyField, trigger["key_field"]))
    return f"{label}（{detail}）" if detail else label


def department_names(codes) -> dict[str, str]:
    """Department code → name for ``codes`` (one query); unknown codes map to themselves."""
    codes = set(codes)
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    return {code: names.get(code, code) for code in codes}
