"""``chengxin check``: a check from the command line, receipt verification, and the system check."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chengxin.collection.tests.factories import id_number
from chengxin.measures.checks.models import Check
from chengxin.measures.checks.tests.factories import PROCUREMENT
from chengxin.measures.tests.factories import TAX_SERIOUS, submit, tax_measure, today

pytestmark = pytest.mark.django_db


def _run(*args, **options) -> str:
    out = io.StringIO()
    call_command("check", *args, stdout=out, **options)
    return out.getvalue()


def _check(**extra) -> str:
    return _run(
        id_number(1),
        matter=PROCUREMENT,
        purpose="政府采购供应商资格审查",
        case_no="采购-1",
        username="officer-tax",
        **extra,
    )


def test_check_prints_the_answer_with_a_masked_number(items, tax_officer):
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    output = _check()
    assert id_number(1) not in output
    assert "230202********" + id_number(1)[-4:] in output
    assert "tax-procurement-limit" in output
    assert "《中华人民共和国政府采购法》第二十二条" in output
    assert "绿色通道 不适用" in output
    assert Check.objects.count() == 1


def test_the_id_number_may_come_from_standard_input(items, tax_officer, monkeypatch):
    # given
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    monkeypatch.setattr("sys.stdin", io.StringIO(id_number(1) + "\n"))
    # when
    output = _run(
        "-",
        matter=PROCUREMENT,
        purpose="政府采购供应商资格审查",
        case_no="采购-1",
        username="officer-tax",
    )
    # then
    assert "230202********" + id_number(1)[-4:] in output
    assert id_number(1) not in output
    assert Check.objects.get().subject_index


def test_json_output_verifies_and_a_changed_file_does_not(items, tax_officer, tmp_path):
    # given
    document = json.loads(_check(as_json=True))
    good = tmp_path / "receipt.json"
    good.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    receipt_only = tmp_path / "receipt-only.json"
    receipt_only.write_text(json.dumps(document["receipt"]), encoding="utf-8")
    document["answer"]["known"] = not document["answer"]["known"]
    bad = tmp_path / "changed.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    # when / then
    assert id_number(1) not in good.read_text(encoding="utf-8")
    assert _run("verify", str(good)).startswith("valid:")
    assert _run("verify", str(receipt_only)).startswith("valid:")
    with pytest.raises(SystemExit) as exit_info:
        _run("verify", str(bad))
    assert exit_info.value.code == 1


def test_refusals_are_command_errors(items, tax_officer):
    with pytest.raises(CommandError, match="check_case_no_required"):
        _run(id_number(1), matter=PROCUREMENT, purpose="审查", username="officer-tax")
    with pytest.raises(CommandError, match="--user"):
        _run(id_number(1), matter=PROCUREMENT, purpose="审查", case_no="1")


def test_without_an_id_number_it_is_still_the_system_check():
    assert "no issues" in _run()
