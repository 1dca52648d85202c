"""Checked rows, ready to be applied by ``batch``: each row validated, a ``source_id`` repeated
within the rows refused, and each good row given its blind index, the JSON text of its values
and its content hash. Pure work, without the database, so the helper process
(``preparation``) can do it too."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from chengxin.collection import error_codes
from chengxin.collection.ingest.rows import RowError, RowValidator
from chengxin.core import crypto
from chengxin.core.json import canonical

NAME_HASH_PURPOSE = "collection.record.name"
ID_NUMBER_FIELD = "id_number"
NAME_FIELD = "name"
PERSONAL_FIELDS = (ID_NUMBER_FIELD, NAME_FIELD)
SOURCE_ID_FIELD = "source_id"
DECIDED_ON_FIELD = "decided_on"


@dataclass(slots=True)
class GoodRow:
    """A valid row, ready to write: its key, its person (number, name, blind index), its decision
    date, the JSON text of its stored values (``stored_values_text``) and their content hash.
    Computed without the database, so it can be prepared in another process; ``subject_id`` is
    filled in when the subject is known."""

    row: int
    source_id: str
    id_number: str
    name: str
    decided_on: datetime.date
    subject_index: str
    values_text: str
    content_hash: str
    subject_id: int = 0

    def __reduce__(self):
        # Sent from the helper process as a plain tuple of its values (about half the pickling
        # time of the default, which writes a dictionary of the slots for every row).
        return (
            GoodRow,
            (
                self.row,
                self.source_id,
                self.id_number,
                self.name,
                self.decided_on,
                self.subject_index,
                self.values_text,
                self.content_hash,
                self.subject_id,
            ),
        )


@dataclass
class PreparedRows:
    """Rows validated and prepared (``prepare_rows``): the good ones in order, and the errors of
    the bad ones by row number."""

    good: list[GoodRow] = field(default_factory=list)
    bad: dict[int, list[RowError]] = field(default_factory=dict)


def prepare_rows(raw: Mapping[int, Mapping[str, Any]], *, validator: RowValidator) -> PreparedRows:
    """Validate rows (row number → raw values) and prepare the good ones for writing: pure work,
    no database (the blind indexes need only the key). A ``source_id`` repeated within the rows
    makes the later rows bad."""
    prepared = PreparedRows()
    seen: set[str] = set()
    for row, values in raw.items():
        result = validator.validate(values, row_number=row)
        errors = list(result.errors)
        source_id = result.cleaned.get(SOURCE_ID_FIELD)
        if source_id is not None and source_id in seen:
            errors.append(duplicate_error(row))
        if errors:
            prepared.bad[row] = errors
            continue
        seen.add(source_id)
        prepared.good.append(_good_row(row, result.cleaned))
    return prepared


def _good_row(row: int, cleaned: Mapping[str, Any]) -> GoodRow:
    number = cleaned[ID_NUMBER_FIELD]
    subject_index = crypto.blind_index(number)
    name = str(cleaned.get(NAME_FIELD) or "")
    values_text = stored_values_text(cleaned)
    return GoodRow(
        row=row,
        source_id=cleaned[SOURCE_ID_FIELD],
        id_number=number,
        name=name,
        decided_on=cleaned[DECIDED_ON_FIELD],
        subject_index=subject_index,
        values_text=values_text,
        content_hash=content_hash(values_text, subject_index=subject_index, name=name),
    )


def duplicate_error(row: int) -> RowError:
    return RowError(
        row=row,
        field=SOURCE_ID_FIELD,
        code=error_codes.SOURCE_ID_DUPLICATE,
        message=_("同一次报送中来源记录编号重复，只保留第一行。"),
        message_en="This source_id appears more than once in the submission; only the first "
        "row is kept.",
    )


def stored_values_text(cleaned: Mapping[str, Any]) -> str:
    """The JSON text of a version's values: the cleaned values without the personal fields,
    dates as ISO text, keys sorted (the canonical form, also hashed by ``content_hash``).

    Written value by value for the types row validation gives (text, whole numbers, decimals,
    yes/no, dates), the same text ``canonical`` writes, without the encoder's detour through
    its fallback for every date and decimal; any other value goes through ``canonical``.
    """
    parts = []
    for name in sorted(cleaned):
        if name in PERSONAL_FIELDS:
            continue
        text = _value_text(cleaned[name])
        if text is None:
            kept = {key: value for key, value in cleaned.items() if key not in PERSONAL_FIELDS}
            return canonical(kept).decode("utf-8")
        parts.append(f"{_json_text(name)}:{text}")
    return "{" + ",".join(parts) + "}"


# The string encoder of ``json`` (its C form where there is one), as ``canonical`` uses it:
# UTF-8 text kept, quotes, backslashes and control characters escaped.
_json_text = json.encoder.encode_basestring


def _value_text(value: Any) -> str | None:
    """The canonical JSON text of one cleaned value, or ``None`` for a type not written here."""
    kind = value.__class__
    if kind is str:
        return _json_text(value)
    if kind is datetime.date:
        return f'"{value.isoformat()}"'
    if kind is Decimal:
        # The Django encoder writes a decimal as its text, a JSON string.
        return _json_text(str(value))
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return None


def content_hash(values_text: str, *, subject_index: str, name: str) -> str:
    """SHA-256 of the version's content: values, subject index and a keyed hash of the name
    (never the name or number themselves, which a plain hash would let anyone guess).

    The hashed text is ``canonical({"name": …, "subject": …, "values": …})``, assembled from the
    values' canonical text (the keys in sorted order; both indexes are hexadecimal, so they need
    no escaping) instead of serialising the values a second time.
    """
    name_index = crypto.blind_index(name, purpose=NAME_HASH_PURPOSE) if name else ""
    text = f'{{"name":"{name_index}","subject":"{subject_index}","values":{values_text}}}'
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
