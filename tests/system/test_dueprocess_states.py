"""A stateful property test over objections and credit repair (issue 11, "What it must show"):
random roles act on random records and cases on random days.

After every step: a refused transition wrote nothing; a successful one started from a source
state of its transition (no step skipped), was made by a role allowed to make it, and wrote
exactly one audit event of its case by that actor. After every step, too: a record is flagged
``disputed`` exactly while it has an open objection, the check answer flags every disputed
record it shows, and a repaired or revoked record never appears in a check answer, on the
public list of serious dishonesty or as its entry page.

Each example runs in a savepoint rolled back at its end; the accounts and items are made once.
The example count is kept small so the test runs in well under a minute.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from chengxin.collection.choices import RecordStatus, SubmissionChannel
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import id_number, row
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.dueprocess.models import Attachment
from chengxin.dueprocess.objections import services as objections
from chengxin.dueprocess.objections.choices import (
    OBJECTION_OBJECT_TYPE,
    OPEN_STATUSES,
)
from chengxin.dueprocess.objections.choices import TRANSITIONS as OBJECTION_TRANSITIONS
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.tests.factories import PERSON, people, png
from chengxin.dueprocess.repairs import services as repairs
from chengxin.dueprocess.repairs.choices import REPAIR_OBJECT_TYPE
from chengxin.dueprocess.repairs.choices import TRANSITIONS as REPAIR_TRANSITIONS
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.models import Repair
from chengxin.exchange.models import OutboxEvent
from chengxin.measures.checks.services import check_run
from chengxin.measures.tests.factories import TAX_SERIOUS, list_items, tax_measure
from chengxin.portal import selectors as portal

pytestmark = pytest.mark.django_db(transaction=False)

ROLES = ("citizen", "citizen_other", "provider", "provider_other", "officer", "reviewer")
# Who may make each transition (the record's department is the tax bureau, ``provider``).
ALLOWED = {
    ("objection", "file"): {"citizen"},
    ("objection", "accept"): {"provider"},
    ("objection", "decide"): {"provider"},
    ("objection", "withdraw"): {"citizen"},
    ("repair", "apply"): {"citizen"},
    ("repair", "decide"): {"provider"},
}


def role_for(allowed: str):
    """Any role, the one allowed to act half of the time (so that steps also succeed)."""
    return st.one_of(st.just(allowed), st.sampled_from(ROLES))


CHECK = {"matter": "public_procurement", "case_no": "采购-2026-001", "purpose": "供应商资格审查"}


@dataclass
class Base:
    cast: object
    counter: list[int]


BASE: Base | None = None


def _snapshot() -> tuple[int, ...]:
    return (
        Objection.objects.count(),
        Repair.objects.count(),
        AuditEvent.objects.count(),
        OutboxEvent.objects.count(),
        RecordVersion.objects.count(),
        Attachment.objects.count(),
        CreditRecord.objects.filter(disputed=True).count(),
        CreditRecord.objects.exclude(status=RecordStatus.ACTIVE).count(),
    )


def _case_events(object_type: str, pk: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(pk))
        .order_by("pk")
        .values_list("actor_username", flat=True)
    )


def _record_ids(answer) -> set[int]:
    found: set[int] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "record_id" and isinstance(item, int):
                    found.add(item)
                elif key in ("record_ids", "disputed_record_ids"):
                    found.update(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(answer)
    return found


class DueProcess(RuleBasedStateMachine):
    records = Bundle("records")
    objection_cases = Bundle("objections")
    repair_cases = Bundle("repairs")

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.cast = BASE.cast
        # successful transitions per case: its audit events must number the same
        self.case_events: dict[tuple[str, int], int] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def user(self, role: str):
        return getattr(self.cast, role)

    # --- the steps -------------------------------------------------------------------------

    @initialize(
        target=records, ages=st.lists(st.sampled_from([200, 400, 800]), min_size=2, max_size=3)
    )
    def make_records(self, ages):
        """Serious tax records of the person decided ``ages`` days ago: not yet repairable
        (under a year), or repairable."""
        today = timezone.localdate()
        BASE.counter[0] += 1
        prefix = f"P{BASE.counter[0]}-"
        rows = [
            row(
                f"{prefix}{position}",
                sequence=PERSON,
                decided_on=(today - datetime.timedelta(days=age)).isoformat(),
            )
            for position, age in enumerate(ages)
        ]
        submission_create(
            actor=self.cast.provider,
            department=self.cast.provider.department,
            item_code=TAX_SERIOUS,
            operation="upsert",
            records=rows,
            idempotency_key=f"states-{prefix}",
            channel=SubmissionChannel.API,
        )
        made = CreditRecord.objects.filter(source_id__startswith=prefix).order_by("pk")
        return _multiple(made)

    def attempt(self, *, kind: str, transition: str, role: str, call, case_of, status_before):
        """Run ``call`` as ``role`` and check what it wrote (see the module docstring)."""
        before = _snapshot()
        try:
            case = call()
        except DomainError as error:
            assert error.status in (403, 404, 409, 422), error
            assert _snapshot() == before, (kind, transition, role, error.code)
            return None
        assert role in ALLOWED[(kind, transition)], (kind, transition, role)
        sources = (OBJECTION_TRANSITIONS if kind == "objection" else REPAIR_TRANSITIONS).get(
            transition
        )
        if sources is not None:
            assert status_before in sources, (kind, transition, status_before)
        object_type = OBJECTION_OBJECT_TYPE if kind == "objection" else REPAIR_OBJECT_TYPE
        events = _case_events(object_type, case_of(case))
        assert events.count(self.user(role).username) >= 1
        self.case_events[(object_type, case_of(case))] = (
            self.case_events.get((object_type, case_of(case)), 0) + 1
        )
        assert len(events) == self.case_events[(object_type, case_of(case))], events
        assert events[-1] == self.user(role).username
        return case

    @rule(target=objection_cases, role=role_for("citizen"), record_id=records)
    def file_objection(self, role, record_id):
        objection = self.attempt(
            kind="objection",
            transition="file",
            role=role,
            status_before=None,
            case_of=lambda case: case.pk,
            call=lambda: objections.objection_file_by_person(
                actor=self.user(role), record_id=record_id, grounds="wrong", text="记录有误。"
            ),
        )
        return _multiple([objection] if objection is not None else [])

    @rule(role=role_for("provider"), objection_id=objection_cases)
    def accept_objection(self, role, objection_id):
        self._objection_step("accept", role, objection_id, objections.objection_accept)

    @rule(
        role=role_for("provider"),
        objection_id=objection_cases,
        outcome=st.sampled_from(["rejected", "revoked"]),
    )
    def decide_objection(self, role, objection_id, outcome):
        arguments = (
            {"outcome": "rejected"}
            if outcome == "rejected"
            else {"outcome": "upheld", "resolution": "revoked"}
        )
        self._objection_step(
            "decide",
            role,
            objection_id,
            lambda **kwargs: objections.objection_decide(
                **kwargs, reasons="经核查作出决定。", **arguments
            ),
        )

    @rule(role=role_for("citizen"), objection_id=objection_cases)
    def withdraw_objection(self, role, objection_id):
        self._objection_step("withdraw", role, objection_id, objections.objection_withdraw)

    def _objection_step(self, transition, role, objection_id, service):
        before = Objection.objects.filter(pk=objection_id).values_list("status", flat=True).first()
        self.attempt(
            kind="objection",
            transition=transition,
            role=role,
            status_before=before,
            case_of=lambda case: case.pk,
            call=lambda: service(actor=self.user(role), objection_id=objection_id),
        )

    @rule(
        target=repair_cases,
        role=role_for("citizen"),
        record_id=records,
        days_late=st.integers(min_value=-3, max_value=3),
    )
    def apply_repair(self, role, record_id, days_late):
        now = timezone.now() + datetime.timedelta(days=days_late)
        repair = self.attempt(
            kind="repair",
            transition="apply",
            role=role,
            status_before=None,
            case_of=lambda case: case.pk,
            call=lambda: repairs.repair_apply_by_person(
                actor=self.user(role),
                record_id=record_id,
                text="罚款已缴清。",
                commitment_version=current_template().version,
                commitment_accepted=True,
                files=[png()],
                now=now,
            ),
        )
        return _multiple([repair] if repair is not None else [])

    @rule(
        role=role_for("provider"),
        repair_id=repair_cases,
        outcome=st.sampled_from(["approved", "rejected"]),
    )
    def decide_repair(self, role, repair_id, outcome):
        before = Repair.objects.filter(pk=repair_id).values_list("status", flat=True).first()
        self.attempt(
            kind="repair",
            transition="decide",
            role=role,
            status_before=before,
            case_of=lambda case: case.pk,
            call=lambda: repairs.repair_decide(
                actor=self.user(role), repair_id=repair_id, outcome=outcome, reasons="经核查。"
            ),
        )

    # --- what always holds -----------------------------------------------------------------

    @invariant()
    def the_flag_is_the_open_objection(self):
        for record in CreditRecord.objects.all():
            open_objection = Objection.objects.filter(
                record=record, status__in=OPEN_STATUSES
            ).exists()
            assert record.disputed == open_objection, record.pk

    @invariant()
    def the_check_answer_flags_disputes_and_never_shows_ended_records(self):
        if not CreditRecord.objects.exists():
            return
        answer = check_run(actor=self.cast.officer, id_number=id_number(PERSON), **CHECK).answer
        shown = _record_ids(answer)
        disputed = set(CreditRecord.objects.filter(disputed=True).values_list("pk", flat=True))
        assert (shown & disputed) <= set(answer["disputed_record_ids"])
        ended = set(
            CreditRecord.objects.filter(
                status__in=[RecordStatus.REPAIRED, RecordStatus.REVOKED]
            ).values_list("pk", flat=True)
        )
        assert not shown & ended, (shown, ended)

    @invariant()
    def the_public_list_never_shows_ended_records(self):
        today = portal.today()
        disclosed = set(
            portal.disclosed_records(portal.SERIOUS, today=today).values_list("pk", flat=True)
        )
        ended = CreditRecord.objects.filter(
            status__in=[RecordStatus.REPAIRED, RecordStatus.REVOKED]
        ).values_list("pk", flat=True)
        active = CreditRecord.objects.filter(status=RecordStatus.ACTIVE).values_list(
            "pk", flat=True
        )
        assert set(active) <= disclosed  # the list is the one these records are on
        for record_id in ended:
            assert record_id not in disclosed, record_id
            entry = portal.list_entry(portal.SERIOUS, portal.public_id(record_id), today=today)
            assert entry is None, record_id


def _multiple(made):
    return multiple(*[case.pk for case in made])


def test_objections_and_repairs_keep_their_rules_whatever_is_tried():
    global BASE
    list_items()
    tax_measure()
    BASE = Base(cast=people(with_item=False), counter=[0])
    run_state_machine_as_test(
        DueProcess,
        settings=settings(
            max_examples=10,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
