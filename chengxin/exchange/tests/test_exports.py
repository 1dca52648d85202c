"""Exports with signed manifests, and the correction fan-out of a repaired record."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Notice
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.catalog.models import CatalogItem
from chengxin.collection.services import record_repair
from chengxin.collection.tests.factories import other_department, tax_department
from chengxin.core.audit.models import AuditEvent
from chengxin.exchange.choices import ExportSchedule, NoticeRecipientKind
from chengxin.exchange.exports import ManifestError, exports_run, manifest_verify
from chengxin.exchange.fanout import correction_fanout, correction_notice_acknowledge
from chengxin.exchange.models import CorrectionNotice, Export, ExportedRecord, ExportRecipient
from chengxin.identity.detection import contains_id_number
from chengxin.inquiry.models import ProfileQuery, QueryPurpose
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, submit, years_ago

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)


@pytest.fixture
def export_dir(tmp_path, settings):
    settings.CHENGXIN_EXPORT_DIR = tmp_path / "exports"
    settings.CHENGXIN_EXPORT_KEY = "test-export-key"
    return settings.CHENGXIN_EXPORT_DIR


@pytest.fixture
def records():
    list_items()
    return [
        submit(TAX_SERIOUS, source_id=f"S-{n}", decided_on=years_ago(1), sequence=n) for n in (1, 2)
    ]


def recipient(code: str, *, items=(TAX_SERIOUS,)) -> ExportRecipient:
    made = ExportRecipient.objects.create(
        code=code, name=code, formats=["csv", "jsonl"], schedule=ExportSchedule.MONTHLY
    )
    made.items.set(CatalogItem.objects.filter(code__in=items))
    return made


def test_an_export_writes_both_files_and_a_signed_manifest(export_dir, records):
    recipient("fcdb")
    [result] = exports_run(today=TODAY)
    folder = export_dir / "fcdb" / "2026-12"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["recipient"] == "fcdb" and manifest["period"] == "2026-12"
    assert {entry["name"]: entry["rows"] for entry in manifest["files"]} == {
        "records.csv": 2,
        "records.jsonl": 2,
    }
    assert manifest["key_id"] and manifest["signature"]
    rows = [json.loads(line) for line in (folder / "records.jsonl").read_text().splitlines()]
    assert {row["record_id"] for row in rows} == {record.pk for record in records}
    assert all(len(row["subject_index"]) == 64 for row in rows)
    assert not contains_id_number((folder / "records.csv").read_text())
    assert not contains_id_number((folder / "records.jsonl").read_text())
    assert ExportedRecord.objects.filter(export=result.export).count() == 2
    assert AuditEvent.objects.filter(action="export", object_type="export").count() == 1
    assert manifest_verify(folder / "manifest.json")["period"] == "2026-12"


def test_a_second_run_for_the_same_period_changes_nothing(export_dir, records):
    recipient("fcdb")
    exports_run(today=TODAY)
    manifest = (export_dir / "fcdb" / "2026-12" / "manifest.json").read_bytes()
    [again] = exports_run(today=TODAY + datetime.timedelta(days=1))
    assert again.written is False
    assert (export_dir / "fcdb" / "2026-12" / "manifest.json").read_bytes() == manifest
    assert Export.objects.count() == 1
    assert AuditEvent.objects.filter(action="export", object_type="export").count() == 1


def test_a_crashed_run_is_redone_from_scratch(export_dir, records):
    made = recipient("fcdb")
    Export.objects.create(recipient=made, period="2026-12", folder="", started_at=timezone.now())
    leftover = export_dir / "fcdb" / ".2026-12.partial"
    leftover.mkdir(parents=True)
    (leftover / "records.csv").write_text("half")
    [result] = exports_run(today=TODAY)
    assert result.written and result.export.attempts == 1
    assert not leftover.exists()
    manifest_verify(export_dir / "fcdb" / "2026-12" / "manifest.json")


def test_verify_manifest_command_passes_then_fails_after_one_changed_byte(export_dir, records):
    recipient("fcdb")
    exports_run(today=TODAY)
    path = export_dir / "fcdb" / "2026-12" / "manifest.json"
    out = io.StringIO()
    call_command("exchange", "verify-manifest", str(path), stdout=out)
    assert "Manifest verifies" in out.getvalue()
    data = bytearray((path.parent / "records.jsonl").read_bytes())
    data[5] = data[5] ^ 1
    (path.parent / "records.jsonl").write_bytes(bytes(data))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("exchange", "verify-manifest", str(path), stderr=err)
    assert exit_info.value.code == 1
    assert "records.jsonl" in err.getvalue()


def test_a_tampered_manifest_fails_its_signature(export_dir, records):
    recipient("fcdb")
    exports_run(today=TODAY)
    path = export_dir / "fcdb" / "2026-12" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["period"] = "2026-11"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ManifestError, match="signature"):
        manifest_verify(path)


def _query(department, record, officer):
    purpose, _ = QueryPurpose.objects.get_or_create(
        code="test-purpose", defaults={"name": "测试", "legal_basis": "测试", "roles": []}
    )
    ProfileQuery.objects.create(
        officer=officer,
        department=department,
        purpose=purpose,
        case_no="C-1",
        subject_index=record.subject_index,
        record_ids=[record.pk],
    )


def test_a_repair_gives_exactly_one_notice_per_earlier_recipient_and_none_to_others(
    export_dir, records
):
    repaired, untouched = records
    recipient("fcdb")
    recipient("bank-db")
    recipient("later")  # exports only after the repair
    recipient("other-items", items=())
    exports_run(today=TODAY, recipient_code="fcdb")
    exports_run(today=TODAY, recipient_code="bank-db")
    exports_run(today=TODAY, recipient_code="other-items")
    tax_officer = staff_user(Role.OFFICER, department=tax_department())
    health = other_department()
    health_officer = staff_user(Role.OFFICER, department=health)
    _query(tax_department(), repaired, tax_officer)
    _query(health, untouched, health_officer)  # queried the other record only
    correction_fanout()  # the records' creation events: no notices
    assert CorrectionNotice.objects.count() == 0

    with transaction.atomic():
        record_repair(actor=None, record=repaired, now=timezone.now(), detail={"repair": 1})
    exports_run(today=TODAY, recipient_code="later")
    assert correction_fanout() == 3
    assert correction_fanout() == 0
    notices = set(
        CorrectionNotice.objects.values_list("recipient_kind", "recipient_code", "record_id")
    )
    assert notices == {
        (NoticeRecipientKind.EXPORT, "fcdb", repaired.pk),
        (NoticeRecipientKind.EXPORT, "bank-db", repaired.pk),
        (NoticeRecipientKind.DEPARTMENT, "tax", repaired.pk),
    }
    assert Notice.objects.filter(user=tax_officer).count() == 1
    assert Notice.objects.filter(user=health_officer).count() == 0


def test_a_notice_is_acknowledged_once(export_dir, records):
    recipient("fcdb")
    exports_run(today=TODAY)
    with transaction.atomic():
        record_repair(actor=None, record=records[0], now=timezone.now(), detail={"repair": 1})
    correction_fanout()
    notice = CorrectionNotice.objects.get()
    out = io.StringIO()
    call_command("exchange", "acknowledge", str(notice.pk), "--by", "fcdb-ops", stdout=out)
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None and notice.acknowledged_by == "fcdb-ops"
    with pytest.raises(CommandError):
        call_command("exchange", "acknowledge", str(notice.pk))
    with pytest.raises(Exception, match="already"):
        correction_notice_acknowledge(notice_id=notice.pk)


def test_the_staff_page_lists_exports_and_notices_and_records_an_acknowledgement(
    client, export_dir, records
):
    recipient("fcdb")
    exports_run(today=TODAY)
    with transaction.atomic():
        record_repair(actor=None, record=records[0], now=timezone.now(), detail={"repair": 1})
    correction_fanout()
    notice = CorrectionNotice.objects.get()
    officer = staff_user(Role.OFFICER, department=tax_department())
    sign_in_verified(client, officer)
    page = reverse("exchange:overview")
    assert client.get(f"{page}?view=exports").status_code == 403
    client.logout()
    sign_in_verified(client, staff_user(Role.ADMIN))
    exports_page = client.get(f"{page}?view=exports")
    assert exports_page.status_code == 200 and "2026-12" in exports_page.content.decode()
    notices_page = client.get(f"{page}?view=notices")
    assert "fcdb" in notices_page.content.decode()
    answer = client.post(reverse("exchange:acknowledge_notice", args=[notice.pk]))
    assert answer.status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None


def test_the_fan_out_command_reads_the_whole_outbox_once(export_dir, records):
    recipient("fcdb")
    exports_run(today=TODAY)
    with transaction.atomic():
        record_repair(actor=None, record=records[0], now=timezone.now(), detail={"repair": 1})
        record_repair(actor=None, record=records[1], now=timezone.now(), detail={"repair": 2})
    out = io.StringIO()
    call_command("exchange", "fan-out", stdout=out)
    call_command("exchange", "fan-out", stdout=out)
    assert "written: 2." in out.getvalue() and "written: 0." in out.getvalue()
    assert CorrectionNotice.objects.count() == 2


def test_the_recipient_command_sets_the_agreed_items_and_refuses_an_unknown_one(records):
    out = io.StringIO()
    call_command(
        "exchange", "recipient", "fcdb", "--name", "金融信用信息基础数据库",
        "--items", TAX_SERIOUS, "--schedule", "weekly", stdout=out,
    )  # fmt: skip
    made = ExportRecipient.objects.get(code="fcdb")
    assert list(made.items.values_list("code", flat=True)) == [TAX_SERIOUS]
    assert made.schedule == "weekly" and made.formats == ["csv", "jsonl"]
    with pytest.raises(CommandError, match="items: unknown catalog item no-such"):
        call_command("exchange", "recipient", "x", "--name", "x", "--items", "no-such")
    assert not ExportRecipient.objects.filter(code="x").exists()
