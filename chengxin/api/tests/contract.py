"""The world the API contract tests run in: reference data, an officer, a provider and a reviewer
with tokens, and one object of each kind the API reads (a submission with a rejected row, a
check, a batch check, a credit report, an objection and a repair application made at the
counter), so that generated requests meet real objects as well as missing ones."""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import staff_user
from chengxin.catalog.selectors import catalog_item_get, catalog_item_table_schema
from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.services import submission_create
from chengxin.collection.synthetic import synthetic_rows
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.objections.services import objection_file_on_behalf
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.services import repair_apply_on_behalf
from chengxin.identity.synthetic import demo_people
from chengxin.inquiry.services import report_issue
from chengxin.measures.checks.batch import batch_create, input_from_list
from chengxin.measures.checks.services import check_run

ITEM_CODE = "major-tax-violation"
MATTER = "public_procurement"
CASE_NO = "采购-2026-001"
PURPOSE = "政府采购供应商资格审查"
ROLES = ("officer", "provider", "reviewer")


@dataclass(frozen=True)
class ContractWorld:
    """Tokens by role (``officer``, ``provider``, ``reviewer``) and the ids of the objects made."""

    tokens: dict[str, str]
    submission_id: int
    check_id: str
    batch_id: str
    report_number: str
    report_code: str
    id_numbers: tuple[str, ...]
    objection_id: int
    repair_id: int


def contract_world() -> ContractWorld:
    """Seed the reference data and make the accounts and objects (see the module docstring)."""
    call_command("seed", stdout=io.StringIO())
    tax = Department.objects.get(code="tax")
    market = Department.objects.get(code="market")
    users = {
        "officer": staff_user(Role.OFFICER, department=tax, username="contract-officer"),
        "provider": staff_user(Role.PROVIDER, department=tax, username="contract-provider"),
        "reviewer": staff_user(Role.REVIEWER, department=market, username="contract-reviewer"),
    }
    tokens = {
        role: api_token_create(user=user, name="接口契约测试", expires_in_days=30, actor=None)[1]
        for role, user in users.items()
    }
    people = demo_people(count=3, seed=5)
    numbers = tuple(person.id_number for person in people)
    rows = item_rows(people[:2], source_prefix="contract-")
    rows[1]["decided_on"] = "不是日期"
    answer = submission_create(
        actor=users["provider"],
        department=tax,
        item_code=ITEM_CODE,
        operation="upsert",
        records=rows,
        idempotency_key="contract-1",
        channel=SubmissionChannel.API,
    )
    check = check_run(
        actor=users["officer"],
        id_number=numbers[0],
        matter=MATTER,
        case_no=CASE_NO,
        purpose=PURPOSE,
    )
    batch = batch_create(
        actor=users["officer"],
        batch_input=input_from_list(list(numbers)),
        matter=MATTER,
        case_no=CASE_NO,
        purpose=PURPOSE,
    )
    report = report_issue(
        actor=users["officer"],
        id_number=numbers[0],
        purpose="administrative_licensing",
        case_no=CASE_NO,
        verification_base_url="http://testserver/",
    )
    objection = objection_file_on_behalf(
        actor=users["reviewer"],
        record_id=answer.results[0].record_id,
        id_number=numbers[0],
        grounds="wrong",
        text="该记录内容有误。",
        power_of_attorney=IncomingFile(name="授权委托书.pdf", data=b"%PDF-1.4\n%%EOF\n"),
    )
    repair = _repair(users)
    return ContractWorld(
        tokens=tokens,
        objection_id=objection.pk,
        repair_id=repair.pk,
        submission_id=answer.submission_id,
        check_id=str(check.pk),
        batch_id=str(batch.pk),
        report_number=report.number,
        report_code=report.verification_code,
        id_numbers=numbers,
    )


def _repair(users):
    """A repair application made at the counter for another person's record decided 400 days
    ago (past its year), waiting for the tax bureau's decision."""
    person = demo_people(count=1, seed=6)[0]
    (row,) = item_rows([person], source_prefix="contract-repair-")
    row["decided_on"] = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    answer = submission_create(
        actor=users["provider"],
        department=users["provider"].department,
        item_code=ITEM_CODE,
        operation="upsert",
        records=[row],
        idempotency_key="contract-repair",
        channel=SubmissionChannel.API,
    )
    proof = IncomingFile(name="缴款凭证.pdf", data=b"%PDF-1.4\n%%EOF\n")
    return repair_apply_on_behalf(
        actor=users["reviewer"],
        record_id=answer.results[0].record_id,
        id_number=person.id_number,
        text="罚款已缴清。",
        commitment_version=current_template().version,
        commitment_accepted=True,
        power_of_attorney=IncomingFile(name="授权委托书.pdf", data=b"%PDF-1.4\n%%EOF\n"),
        files=[proof],
    )


def item_rows(people, *, source_prefix: str) -> list[dict]:
    """Valid rows of ``ITEM_CODE`` for ``people``, one each."""
    return list(
        synthetic_rows(
            item_schema=catalog_item_table_schema(catalog_item_get(code=ITEM_CODE)),
            people=people,
            rng=random.Random(5),
            today=timezone.localdate(),
            source_prefix=source_prefix,
        )
    )
