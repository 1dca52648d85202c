"""The objects and accounts the permission matrix asks about (tests/system/permission_matrix.py).

Everything belongs to the tax bureau ("the same department"); "the other department" is the
court. One account per role of the matrix, each with what it signs in with: a bearer token for
staff on the API, a verified session on pages, a session for the citizen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from chengxin.accounts.choices import NoticeKind, Role
from chengxin.accounts.citizens import citizen_sign_up
from chengxin.accounts.notices import notice_send
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import (
    DepartmentFactory,
    confirmed_citizen,
    sign_in_verified,
    staff_user,
)
from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.models import CreditRecord, Submission
from chengxin.collection.services import submission_create
from chengxin.collection.tasks import file_import_task
from chengxin.collection.tests.factories import ITEM_CODE, id_number, row, tax_department
from chengxin.core.audit.sealing import audit_checkpoint_create
from chengxin.core.choices import CalendarDayKind
from chengxin.core.services import calendar_day_save, policy_value_set
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.dueprocess.objections.selectors import objection_attachments
from chengxin.dueprocess.objections.services import (
    objection_accept,
    objection_decide,
    objection_file_by_person,
    objection_review_request,
)
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.selectors import repair_attachments
from chengxin.dueprocess.repairs.services import repair_apply_by_person
from chengxin.dueprocess.tipoffs.selectors import tipoff_attachments
from chengxin.dueprocess.tipoffs.services import (
    tipoff_answer,
    tipoff_file,
    tipoff_route,
)
from chengxin.inquiry.services import report_issue
from chengxin.inquiry.tests.factories import load_purposes
from chengxin.measures.checks.batch import batch_create, input_from_list
from chengxin.measures.checks.services import check_run
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, tax_measure
from chengxin.workplan.tests.factories import matrix_objects as workplan_objects
from tests.system.matrix_world_apps import (
    content_objects,
    correction_notice,
    dead_letter,
    education_objects,
    png,
    supervision_objects,
)

ROLES = (
    "anonymous",
    "citizen",
    "citizen_other",
    "provider",
    "officer",
    "provider_other",
    "officer_other",
    "reviewer",
    "admin",
    "security",
    "auditor",
)
STAFF_ROLES = ROLES[3:]

MATTER = "public_procurement"
CASE_NO = "采购-2026-001"
PURPOSE = "政府采购供应商资格审查"
REPORT_PURPOSE = "administrative_licensing"
REPORT_CASE_NO = "齐许〔2026〕88号"
PERSON = 1
UNKNOWN_PERSON = 2
OTHER_PERSON = 3
PENDING_PERSON = 4
SIGN_UP_PERSON = 5


@dataclass
class World:
    """The matrix's objects: ids and codes the routes are called with, and the accounts."""

    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def build_world() -> World:
    """Reference data, one account per role, a tax submission with a rejected row, a serious
    record that triggers a measure, a check, a batch check, a credit report, a pending citizen
    account for the service counter, a notice to citizen A, and objections of citizen A in the
    states their routes start from."""
    world = World()
    list_items()
    load_purposes()
    measure = tax_measure()
    _accounts(world)
    submission = _submission(world)
    check = check_run(
        actor=world.users["officer"],
        id_number=id_number(PERSON),
        matter=MATTER,
        case_no=CASE_NO,
        purpose=PURPOSE,
    )
    batch = batch_create(
        actor=world.users["officer"],
        batch_input=input_from_list([id_number(PERSON), id_number(UNKNOWN_PERSON)]),
        matter=MATTER,
        case_no=CASE_NO,
        purpose=PURPOSE,
    )
    report = report_issue(
        actor=world.users["officer"],
        id_number=id_number(PERSON),
        purpose=REPORT_PURPOSE,
        case_no=REPORT_CASE_NO,
    )
    _one_of_every_admin_model(world, submission)
    pending = citizen_sign_up(
        id_number=id_number(PENDING_PERSON),
        name="赵六",
        mobile="13900000004",
        email="",
        password="Matrix-pending-2026",
        agreed=True,
    ).citizen_account
    notice = notice_send(
        user=world.users["citizen"], kind=NoticeKind.RECORD, title="新记录", body="请登录查看。"
    )
    world.values.update(_objections(world))
    world.values.update(_my_file(world, check=check, report=report))
    world.values.update(_tipoffs(world))
    world.values.update(content_objects(world))
    world.values.update(dead_letter())
    world.values.update(_repairs(world))
    world.values.update(
        pending_account=pending.pk,
        notice=notice.pk,
        item=ITEM_CODE,
        measure=measure.code,
        submission=submission.pk,
        check=str(check.pk),
        batch=str(batch.pk),
        report=report.number,
        verification_code=report.verification_code,
        tax=tax_department().code,
        user_content_type=ContentType.objects.get(app_label="accounts", model="user").pk,
    )
    world.values.update(supervision_objects(world))
    world.values.update(education_objects(world))
    world.values.update(correction_notice())
    world.values.update(workplan_objects(world))
    # The public site (docs/public.md): the serious record's entry on the serious dishonesty list.
    world.values.update(public_entry=_public_entry())
    return world


def _public_entry() -> str:
    from chengxin.portal.selectors import public_id

    return public_id(CreditRecord.objects.get(item__code=TAX_SERIOUS, source_id="M-1").pk)


def _accounts(world: World) -> None:
    court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
    users = {
        # Citizen A is the person the world's records are about; citizen B another person.
        "citizen": confirmed_citizen(id_number(PERSON), username="matrix-citizen"),
        "citizen_other": confirmed_citizen(id_number(OTHER_PERSON), username="matrix-citizen-2"),
        "provider": staff_user(Role.PROVIDER, username="matrix-provider"),
        "officer": staff_user(Role.OFFICER, username="matrix-officer"),
        "provider_other": staff_user(Role.PROVIDER, department=court, username="matrix-provider-2"),
        "officer_other": staff_user(Role.OFFICER, department=court, username="matrix-officer-2"),
        "reviewer": staff_user(Role.REVIEWER, username="matrix-reviewer"),
        "admin": staff_user(Role.ADMIN, username="matrix-admin"),
        "security": staff_user(Role.SECURITY, username="matrix-security"),
        "auditor": staff_user(Role.AUDITOR, username="matrix-auditor"),
    }
    world.users.update(users)
    for role in STAFF_ROLES:
        _token, plaintext = api_token_create(
            user=users[role], name="权限矩阵", expires_in_days=30, actor=None
        )
        world.tokens[role] = plaintext
    for role, user in users.items():
        client = Client()
        if role in STAFF_ROLES:
            sign_in_verified(client, user)
        else:
            client.force_login(user)
        world.sessions[role] = client.session.session_key


def _objections(world: World) -> dict[str, Any]:
    """Objections of citizen A to the world's records, one in each state the routes start
    from: filed on M-2 (accept, refuse, extend, withdraw; with a file), accepted on M-4
    (decide), rejected on M-1 (statement, review request; M-1 has no open objection, so it can
    be objected to again), and a review asked for on M-5 (review decision)."""
    citizen, provider = world.users["citizen"], world.users["provider"]
    submission_create(
        actor=provider,
        department=tax_department(),
        item_code=ITEM_CODE,
        operation="upsert",
        records=[row("M-4", sequence=PERSON), row("M-5", sequence=PERSON)],
        idempotency_key="matrix-objections",
        channel=SubmissionChannel.API,
    )
    records = {
        record.source_id: record.pk
        for record in CreditRecord.objects.filter(source_id__in=["M-1", "M-2", "M-4", "M-5"])
    }

    def file(source_id: str, **extra):
        return objection_file_by_person(
            actor=citizen,
            record_id=records[source_id],
            grounds="wrong",
            text="该记录内容有误。",
            **extra,
        )

    def reject(objection) -> None:
        objection_accept(actor=provider, objection_id=objection.pk)
        objection_decide(
            actor=provider, objection_id=objection.pk, outcome="rejected", reasons="记录无误。"
        )

    filed = file("M-2", files=[IncomingFile(name="收据.png", data=png())])
    accepted = file("M-4")
    objection_accept(actor=provider, objection_id=accepted.pk)
    rejected = file("M-1")
    reject(rejected)
    reviewed = file("M-5")
    reject(reviewed)
    objection_review_request(actor=citizen, objection_id=reviewed.pk, reason="请复核。")
    (attachment,) = objection_attachments(filed)
    return {
        "objection": filed.pk,
        "objection_accepted": accepted.pk,
        "objection_rejected": rejected.pk,
        "objection_review": reviewed.pk,
        "objection_attachment": str(attachment.pk),
        "objectionable_record": records["M-1"],
    }


def _my_file(world: World, *, check, report) -> dict[str, Any]:
    """The person's own file (docs/citizens.md): a good-conduct record citizen A may opt out
    of, one withdrawn (to reinstate), an officer query, and citizen A's access challenges: one
    open (of the report) and one answered (of the query); the check has none yet."""
    from chengxin.catalog.choices import Category, ListKind
    from chengxin.collection.tests.factories import penalty_item
    from chengxin.dueprocess.myfile.services import (
        challenge_answer,
        challenge_open,
        opt_out,
    )
    from chengxin.inquiry.services import profile_query

    citizen, provider = world.users["citizen"], world.users["provider"]
    penalty_item(
        code="volunteer-honour",
        name="优秀志愿者",
        category=Category.POSITIVE,
        severity="",
        domain="",
        lists=[ListKind.RED_LIST],
        opt_out_allowed=True,
    )
    decided = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    submission_create(
        actor=provider,
        department=tax_department(),
        item_code="volunteer-honour",
        operation="upsert",
        records=[
            row("V-1", sequence=PERSON, decided_on=decided),
            row("V-2", sequence=PERSON, decided_on=decided),
        ],
        idempotency_key="matrix-honours",
        channel=SubmissionChannel.API,
    )
    honours = {
        record.source_id: record.pk
        for record in CreditRecord.objects.filter(source_id__in=["V-1", "V-2"])
    }
    account = citizen.citizen_account
    opt_out(actor=citizen, account=account, record_id=honours["V-2"])
    query = profile_query(
        actor=world.users["officer"],
        id_number=id_number(PERSON),
        purpose=REPORT_PURPOSE,
        case_no=REPORT_CASE_NO,
    )
    opened = challenge_open(
        actor=citizen, account=account, kind="report", access_id=str(report.pk), reason="不认可。"
    )
    answered = challenge_open(
        actor=citizen,
        account=account,
        kind="query",
        access_id=str(query.query_id),
        reason="不认可。",
    )
    challenge_answer(actor=provider, challenge_id=answered.pk, explanation="依许可审查查询。")
    return {
        "honour_record": honours["V-1"],
        "withdrawn_record": honours["V-2"],
        "challenge": opened.pk,
        "challenge_answered": answered.pk,
        "look_kind": "check",
        "look_id": str(check.pk),
    }


def _tipoffs(world: World) -> dict[str, Any]:
    """Tip-offs in the states their routes start from: one filed by citizen A (route, refuse,
    citizen A's own pages), one anonymous routed to the tax bureau with a file (answer, the
    case page, the download), one the tax bureau answered (close)."""
    reviewer, provider = world.users["reviewer"], world.users["provider"]
    tax = tax_department()

    def file(actor=None, **extra):
        return tipoff_file(
            actor=actor, category="dishonest_conduct", text="某公司提供虚假纳税证明。", **extra
        )

    mine = file(world.users["citizen"])
    routed = file(files=[IncomingFile(name="现场照片.png", data=png())])
    tipoff_route(actor=reviewer, tipoff_id=routed.tipoff.pk, department_id=tax.pk)
    answered = file()
    tipoff_route(actor=reviewer, tipoff_id=answered.tipoff.pk, department_id=tax.pk)
    tipoff_answer(
        actor=provider, tipoff_id=answered.tipoff.pk, outcome="partly", answer="已依法处理。"
    )
    (attachment,) = tipoff_attachments(routed.tipoff)
    return {
        "tipoff_filed": mine.tipoff.pk,
        "tipoff_number": mine.tipoff.number,
        "tipoff_routed": routed.tipoff.pk,
        "tipoff_answered": answered.tipoff.pk,
        "tipoff_attachment": str(attachment.pk),
        "tax_department_id": tax.pk,
    }


def _repairs(world: World) -> dict[str, Any]:
    """Two repairable records of citizen A (general, decided 150 days ago): R-1 with an
    application waiting for the department's decision (with a proof file), R-2 with none, for
    the routes that apply."""
    citizen, provider = world.users["citizen"], world.users["provider"]
    decided = (timezone.localdate() - datetime.timedelta(days=150)).isoformat()
    submission_create(
        actor=provider,
        department=tax_department(),
        item_code=ITEM_CODE,
        operation="upsert",
        records=[
            row("MR-1", sequence=PERSON, decided_on=decided),
            row("MR-2", sequence=PERSON, decided_on=decided),
        ],
        idempotency_key="matrix-repairs",
        channel=SubmissionChannel.API,
    )
    records = {
        record.source_id: record.pk
        for record in CreditRecord.objects.filter(source_id__in=["MR-1", "MR-2"])
    }
    repair = repair_apply_by_person(
        actor=citizen,
        record_id=records["MR-1"],
        text="罚款已缴清。",
        commitment_version=current_template().version,
        commitment_accepted=True,
        files=[IncomingFile(name="缴款凭证.png", data=png())],
    )
    (attachment,) = repair_attachments(repair)
    return {
        "repair": repair.pk,
        "repair_attachment": str(attachment.pk),
        "repairable_record": records["MR-2"],
        "commitment_version": current_template().version,
    }


def _one_of_every_admin_model(world: World, submission: Submission) -> None:
    """An object of each model the admin lists, so its object pages answer for a real one."""
    Group.objects.create(name="矩阵")
    StaticDevice.objects.create(user=world.users["security"], name="backup")
    attempt = {"username": "matrix", "ip_address": "127.0.0.1", "user_agent": "", "path_info": "/"}
    AccessAttempt.objects.create(
        **attempt, http_accept="", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**attempt, http_accept="")
    AccessFailureLog.objects.create(**attempt, http_accept="", locked_out=False)
    file_import_task.enqueue(submission.pk)
    calendar_day_save(
        day=datetime.date(2031, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦", actor=None
    )
    policy_value_set(name="disclosure.general_months", value=12, actor=None, reason="矩阵")
    audit_checkpoint_create()


def _submission(world: World) -> Submission:
    today = timezone.localdate()
    decided = (today - datetime.timedelta(days=30)).isoformat()
    submission_create(
        actor=world.users["provider"],
        department=tax_department(),
        item_code=TAX_SERIOUS,
        operation="upsert",
        records=[row("M-1", sequence=PERSON, decided_on=decided)],
        idempotency_key="matrix-serious",
        channel=SubmissionChannel.API,
    )
    answer = submission_create(
        actor=world.users["provider"],
        department=tax_department(),
        item_code=ITEM_CODE,
        operation="upsert",
        records=[row("M-2", sequence=PERSON), row("M-3", sequence=PERSON, authority="")],
        idempotency_key="matrix-penalty",
        channel=SubmissionChannel.API,
    )
    return Submission.objects.get(pk=answer.submission_id)
