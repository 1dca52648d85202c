"""Scheduled file exports with signed manifests (SPEC §9; docs/exchange.md#exports).

A run writes, per recipient and period, one file per format of the active records of the
recipient's agreed items, and ``manifest.json``: the recipient, the period, when it was
generated, per file its name, row count and SHA-256, and an HMAC-SHA256 signature over the
canonical manifest (sorted keys, no spaces, UTF-8) with the key id. Files are written under a
temporary folder name and renamed when complete, so a crashed run leaves nothing that looks
finished and is redone from scratch; a finished run of the same recipient and period is left
alone. Rows carry the record's ids, item, status, dates and the person's blind index, never the
ID number (SPEC §9 does not provide for it).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.exchange.choices import ExportSchedule, ExportStatus, SignatureAlgorithm
from chengxin.exchange.models import Export, ExportedRecord, ExportRecipient
from chengxin.exchange.signing import SigningKey, verifies

MANIFEST = "manifest.json"
COLUMNS = (
    "record_id",
    "version",
    "department",
    "item",
    "source_id",
    "subject_index",
    "category",
    "severity",
    "status",
    "decided_on",
    "valid_until",
)
FORMATS = {"csv": "records.csv", "jsonl": "records.jsonl"}


def export_period(schedule: str, today: datetime.date) -> str:
    """The period a run on ``today`` covers: ``2026-12-03``, ``2026-W49`` or ``2026-12``."""
    if schedule == ExportSchedule.DAILY:
        return today.isoformat()
    if schedule == ExportSchedule.WEEKLY:
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{today.year}-{today.month:02d}"


def export_key() -> SigningKey:
    return SigningKey(key_id=settings.CHENGXIN_EXPORT_KEY_ID, secret=settings.CHENGXIN_EXPORT_KEY)


def canonical(manifest: dict[str, Any]) -> bytes:
    """The bytes a manifest's signature covers: the manifest without ``signature``."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class ExportResult:
    export: Export
    written: bool


def exports_run(*, today: datetime.date, recipient_code: str | None = None) -> list[ExportResult]:
    """Run the export of every active recipient (or of one) for its period of ``today``."""
    recipients = ExportRecipient.objects.filter(active=True).order_by("code")
    if recipient_code is not None:
        recipients = recipients.filter(code=recipient_code)
    return [export_run(recipient=recipient, today=today) for recipient in recipients]


def export_run(*, recipient: ExportRecipient, today: datetime.date) -> ExportResult:
    period = export_period(recipient.schedule, today)
    folder = Path(settings.CHENGXIN_EXPORT_DIR) / recipient.code / period
    now = timezone.now()
    export, _ = Export.objects.get_or_create(
        recipient=recipient,
        period=period,
        defaults={"folder": str(folder), "started_at": now},
    )
    if export.status == ExportStatus.DONE:
        return ExportResult(export=export, written=False)
    Export.objects.filter(pk=export.pk).update(attempts=export.attempts + 1, started_at=now)
    records = list(
        CreditRecord.objects.filter(item__in=recipient.items.all(), status=RecordStatus.ACTIVE)
        .select_related("department", "item")
        .order_by("pk")
    )
    rows = [_row(record) for record in records]
    temporary = folder.with_name(f".{period}.partial")
    if temporary.exists():
        shutil.rmtree(temporary)
    temporary.mkdir(parents=True)
    files = []
    for fmt in recipient.formats:
        name = FORMATS[fmt]
        data = _csv(rows) if fmt == "csv" else _jsonl(rows)
        (temporary / name).write_bytes(data)
        files.append({"name": name, "rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()})
    key = export_key()
    manifest: dict[str, Any] = {
        "recipient": recipient.code,
        "period": period,
        "generated_at": now.isoformat(),
        "files": files,
        "algorithm": key.algorithm,
        "key_id": key.key_id,
    }
    manifest["signature"] = key.sign(canonical(manifest))
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    (temporary / MANIFEST).write_bytes(manifest_bytes)
    if folder.exists():
        shutil.rmtree(folder)
    temporary.rename(folder)
    with transaction.atomic():
        ExportedRecord.objects.filter(export=export).delete()
        ExportedRecord.objects.bulk_create(
            [
                ExportedRecord(export=export, record_id=record.pk, version=record.current_version)
                for record in records
            ],
            batch_size=1000,
        )
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.DONE,
            folder=str(folder),
            record_count=len(records),
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            finished_at=timezone.now(),
        )
        audit_events.export_event(
            actor=None,
            object_type="export",
            object_id=str(export.pk),
            detail={"recipient": recipient.code, "period": period, "records": len(records)},
        )
    export.refresh_from_db()
    return ExportResult(export=export, written=True)


def _row(record: CreditRecord) -> dict[str, Any]:
    return {
        "record_id": record.pk,
        "version": record.current_version,
        "department": record.department.code,
        "item": record.item.code,
        "source_id": record.source_id,
        "subject_index": record.subject_index,
        "category": record.category,
        "severity": record.severity,
        "status": record.status,
        "decided_on": record.decided_on.isoformat(),
        "valid_until": record.valid_until.isoformat() if record.valid_until else "",
    }


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    lines = [json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows]
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


class ManifestError(Exception):
    """A manifest that does not verify; the message names what is wrong."""


def manifest_verify(path: Path, *, secret: str | None = None) -> dict[str, Any]:
    """Check a manifest's signature and every file's SHA-256 and row count; the manifest, or
    ``ManifestError`` naming the first bad file."""
    try:
        manifest = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise ManifestError(f"manifest unreadable: {error.__class__.__name__}") from error
    key = export_key()
    if not verifies(
        canonical(manifest),
        signature=str(manifest.get("signature", "")),
        secret=secret if secret is not None else key.secret,
        algorithm=str(manifest.get("algorithm", SignatureAlgorithm.HMAC_SHA256)),
    ):
        raise ManifestError("signature does not verify")
    for entry in manifest.get("files", []):
        name = str(entry["name"])
        try:
            data = (Path(path).parent / name).read_bytes()
        except OSError as error:
            raise ManifestError(f"{name}: missing") from error
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ManifestError(f"{name}: SHA-256 differs")
        lines = data.decode("utf-8", errors="replace").splitlines()
        rows = len(lines) - 1 if name.endswith(".csv") else len(lines)
        if rows != entry["rows"]:
            raise ManifestError(f"{name}: row count differs")
    return manifest


def export_recipient_set(
    *, code: str, name: str, items: list[str], formats: list[str], schedule: str
) -> ExportRecipient:
    """Create or update a recipient with its agreed items (catalog codes); one audit event.
    ``ValueError`` names the bad field: an unknown format, schedule or item."""
    from chengxin.catalog.models import CatalogItem

    if not formats or any(fmt not in FORMATS for fmt in formats):
        raise ValueError(f"formats: each of {sorted(FORMATS)}")
    if schedule not in ExportSchedule.values:
        raise ValueError(f"schedule: one of {ExportSchedule.values}")
    found = list(CatalogItem.objects.filter(code__in=items))
    missing = sorted(set(items) - {item.code for item in found})
    if missing:
        raise ValueError(f"items: unknown catalog item {missing[0]}")
    with transaction.atomic():
        recipient, _ = ExportRecipient.objects.update_or_create(
            code=code,
            defaults={"name": name[:120], "formats": formats, "schedule": schedule},
        )
        recipient.items.set(found)
        audit_events.change_event(
            actor=None,
            action=AuditAction.UPDATE,
            object_type="export_recipient",
            object_id=str(recipient.pk),
            detail={"code": code, "items": sorted(items), "formats": formats, "schedule": schedule},
        )
    return recipient
