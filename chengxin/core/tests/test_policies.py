"""Policy values: definitions, reading, changing with history and audit, reference loading."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chengxin.accounts.choices import Role
from chengxin.accounts.models import User
from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.core import error_codes, policies, policy_registry
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.choices import PolicyType
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.models import PolicyChange, PolicyValue
from chengxin.core.policy_registry import PolicyDefinition, ProcessSnapshot
from chengxin.core.reference import load_reference_data
from chengxin.core.selectors import policy_period_end, policy_status_list, policy_value
from chengxin.core.services import policy_value_reset, policy_value_set

DECISION = policies.OBJECTION_DECISION.name


@pytest.fixture
def system_admin(db):
    return User.objects.create_user(
        username="sysadmin", password="correct-horse-battery", role=Role.ADMIN, is_staff=True
    )


def _definition(**overrides) -> PolicyDefinition:
    values = {
        "name": "testing.sample_days",
        "type": PolicyType.DAYS,
        "default": 10,
        "title": "测试",
        "unit": "日",
        "legal_source": "平台默认值",
        "description": "测试用参数。",
        "description_en": "A parameter for tests.",
        "minimum": 1,
        "maximum": 30,
    }
    values.update(overrides)
    return PolicyDefinition(**values)


# --- Definitions and the registry -----------------------------------------------------------


def test_spec_defaults_are_declared():
    # given
    expected = {
        "disclosure.minor_months": 3,
        "disclosure.general_months": 12,
        "disclosure.serious_months": 36,
        "repair.general_earliest_months": 3,
        "repair.serious_earliest_months": 12,
        "positive.validity_years": 3,
        "retention.after_end_years": 5,
        "green_channel.lookback_years": 3,
        "green_channel.counts_repaired": True,
        "objection.flag_working_days": 1,
        "objection.decision_working_days": 5,
        "objection.extension_max_working_days": 20,
        "objection.review_request_working_days": 15,
        "objection.review_working_days": 10,
        "objection.reminder_working_days": 1,
        "repair.decision_working_days": 3,
        "repair.answer_working_days": 10,
        "report.query_history_years": 2,
        "correction.fanout_query_days": 730,
        "check.batch_max_size": 100_000,
        "submission.api_max_rows": 10_000,
        "citizen.pending_account_days": 30,
    }

    # when
    declared = {
        definition.name: definition.default
        for definition in policy_registry.all_definitions()
        if definition.name in expected
    }

    # then
    assert declared == expected


def test_every_definition_names_its_source_and_describes_itself_in_both_languages():
    # given
    definitions = policy_registry.all_definitions()

    # when
    incomplete = [
        definition.name
        for definition in definitions
        if not (str(definition.legal_source) and str(definition.description))
        or not definition.description_en
    ]

    # then
    assert incomplete == []


def test_objection_deadlines_name_their_legal_sources():
    # given
    objection_policies = [
        definition
        for definition in policy_registry.all_definitions()
        if definition.name.startswith("objection.")
    ]

    # when
    sources = {definition.name: str(definition.legal_source) for definition in objection_policies}

    # then
    assert sorted(sources) == [
        "objection.decision_working_days",
        "objection.extension_max_working_days",
        "objection.flag_working_days",
        "objection.reminder_working_days",
        "objection.review_request_working_days",
        "objection.review_working_days",
    ]
    assert (
        "《征信业管理条例》（国务院令第631号）第二十五条" in sources["objection.flag_working_days"]
    )
    assert "二十日内核查和处理" in sources["objection.extension_max_working_days"]
    assert "社会信用条例" in sources["objection.decision_working_days"]
    assert all(source.startswith("平台默认值") for source in sources.values())


def test_definition_with_invalid_default_is_refused():
    # given / when / then
    with pytest.raises(DomainError) as raised:
        _definition(default=31)
    assert raised.value.code == error_codes.POLICY_OUT_OF_RANGE


def test_definition_name_must_be_dotted_lower_case():
    # given / when / then
    with pytest.raises(ValueError, match="dotted lower-case"):
        _definition(name="SampleDays")


def test_registering_a_different_definition_under_a_taken_name_is_refused():
    # given
    clash = _definition(name=DECISION)

    # when / then
    with pytest.raises(ValueError, match="already registered"):
        policy_registry.register(clash)
    assert policy_registry.get_definition(DECISION) is policies.OBJECTION_DECISION


def test_registering_the_same_definition_again_is_harmless():
    # given
    definition = policies.OBJECTION_DECISION

    # when
    registered = policy_registry.register(definition)

    # then
    assert registered is definition


@pytest.mark.parametrize(
    ("text", "expected"), [("true", True), ("是", True), ("FALSE", False), ("0", False)]
)
def test_boolean_definition_parses_operator_text(text, expected):
    # given
    definition = policies.GREEN_CHANNEL_COUNTS_REPAIRED

    # when
    value = definition.parse(text)

    # then
    assert value is expected


@pytest.mark.parametrize("text", ["five", "5.5", ""])
def test_number_definition_refuses_text_that_is_not_a_whole_number(text):
    # given
    definition = policies.OBJECTION_DECISION

    # when / then
    with pytest.raises(DomainError) as raised:
        definition.parse(text)
    assert raised.value.code == error_codes.POLICY_INVALID_TYPE


def test_definition_displays_value_with_unit_and_range():
    # given
    definition = policies.OBJECTION_DECISION

    # when
    shown = (definition.display(7), definition.range_display())

    # then
    assert shown == ("7 个工作日", "1–60 个工作日")


# --- Reading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_value_is_the_default_when_no_row_exists():
    # given
    assert not PolicyValue.objects.filter(name=DECISION).exists()

    # when
    value = policy_value(DECISION)

    # then
    assert value == 5


@pytest.mark.django_db
def test_policy_value_of_an_unknown_name_raises():
    # given / when / then
    with pytest.raises(NotFoundError) as raised:
        policy_value("objection.no_such_policy")
    assert raised.value.code == error_codes.POLICY_UNKNOWN
    assert raised.value.status == 404


@pytest.mark.django_db
def test_stored_value_that_no_longer_fits_falls_back_to_the_default():
    # given
    PolicyValue.objects.create(name=DECISION, value="seven", follows_default=False)

    # when
    value = policy_value(DECISION)

    # then
    assert value == 5


@pytest.mark.django_db
def test_policy_value_inside_a_transaction_reads_the_database_each_time(
    django_assert_num_queries,
):
    # given
    PolicyValue.objects.create(name=DECISION, value=5)

    first = policy_value(DECISION)
    PolicyValue.objects.filter(name=DECISION).update(value=8)

    # when
    with django_assert_num_queries(1):
        second = policy_value(DECISION)

    # then
    assert (first, second) == (5, 8)


def test_snapshot_keeps_its_copy_until_invalidated(settings):
    # given
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 60
    loads = iter(range(1, 10))
    snapshot = ProcessSnapshot(lambda: next(loads))

    # when
    before = (snapshot.get(), snapshot.get())
    snapshot.invalidate()
    after = snapshot.get()

    # then
    assert before == (1, 1)
    assert after == 2


def test_snapshot_reloads_after_its_lifetime(settings, monkeypatch):
    # given
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 60
    clock = iter([1000.0, 1030.0, 1061.0, 1062.0])
    monkeypatch.setattr(policy_registry.time, "monotonic", lambda: next(clock))
    loads = iter(range(1, 10))
    snapshot = ProcessSnapshot(lambda: next(loads))

    # when
    values = [snapshot.get(), snapshot.get(), snapshot.get(), snapshot.get()]

    # then
    assert values == [1, 1, 2, 2]


def test_snapshot_reads_through_when_caching_is_off(settings):
    # given
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 0
    loads = iter(range(1, 10))
    snapshot = ProcessSnapshot(lambda: next(loads))

    # when
    values = [snapshot.get(), snapshot.get()]

    # then
    assert values == [1, 2]


@pytest.mark.django_db
def test_policy_period_end_adds_months_within_the_target_month():
    # given
    start = datetime.date(2025, 11, 30)

    # when
    end = policy_period_end(policies.REPAIR_EARLIEST_GENERAL.name, start=start)

    # then
    assert end == datetime.date(2026, 2, 28)


@pytest.mark.django_db
def test_policy_period_end_adds_years_from_a_leap_day():
    # given
    start = datetime.date(2024, 2, 29)

    # when
    end = policy_period_end(policies.POSITIVE_VALIDITY.name, start=start)

    # then
    assert end == datetime.date(2027, 2, 28)


@pytest.mark.django_db
def test_policy_period_end_counts_working_days_across_the_spring_festival():
    # given: decided on Thursday 12 February 2026, before the 2026 Spring Festival holiday
    start = datetime.date(2026, 2, 12)

    # when
    end = policy_period_end(DECISION, start=start)

    # then: 13 Feb (Fri), 14 Feb (make-up Saturday), 24, 25, 26 Feb
    assert end == datetime.date(2026, 2, 26)


@pytest.mark.django_db
def test_policy_period_end_adds_calendar_days():
    # given
    start = datetime.date(2026, 1, 1)

    # when
    end = policy_period_end(policies.CORRECTION_FANOUT_WINDOW.name, start=start)

    # then
    assert end == datetime.date(2028, 1, 1)


@pytest.mark.django_db
def test_policy_period_end_refuses_a_policy_that_is_not_a_period():
    # given / when / then
    with pytest.raises(ValueError, match="not a period"):
        policy_period_end(policies.CHECK_BATCH_MAX.name, start=datetime.date(2026, 1, 1))


# --- Changing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_value_set_changes_the_value_with_history_and_audit(system_admin):
    # given
    load_reference_data(stdout=io.StringIO())

    # when
    row = policy_value_set(
        name=DECISION, value=7, actor=system_admin, reason="本省实施细则规定七个工作日。"
    )

    # then
    assert policy_value(DECISION) == 7
    assert (row.value, row.follows_default, row.updated_by) == (7, False, system_admin)
    change = PolicyChange.objects.get()
    assert (change.policy, change.old_value, change.new_value, change.actor, change.reason) == (
        row,
        5,
        7,
        system_admin,
        "本省实施细则规定七个工作日。",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        AuditAction.POLICY_CHANGE,
        "core.policyvalue",
        DECISION,
        system_admin.pk,
    )
    assert event.detail == {
        "old_value": 5,
        "new_value": 7,
        "follows_default": False,
        "change_id": change.pk,
    }


@pytest.mark.django_db
def test_policy_value_set_creates_the_row_when_reference_data_was_not_loaded(system_admin):
    # given
    assert PolicyValue.objects.count() == 0

    # when
    policy_value_set(
        name=policies.GREEN_CHANNEL_COUNTS_REPAIRED.name,
        value=False,
        actor=system_admin,
        reason="本地规定：已修复记录不计入。",
    )

    # then
    assert policy_value(policies.GREEN_CHANNEL_COUNTS_REPAIRED.name) is False
    assert list(PolicyChange.objects.values_list("old_value", "new_value")) == [(True, False)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "code"),
    [
        (61, error_codes.POLICY_OUT_OF_RANGE),
        (0, error_codes.POLICY_OUT_OF_RANGE),
        ("7", error_codes.POLICY_INVALID_TYPE),
        (True, error_codes.POLICY_INVALID_TYPE),
        (7.5, error_codes.POLICY_INVALID_TYPE),
    ],
)
def test_policy_value_set_refuses_an_invalid_value_and_writes_nothing(system_admin, value, code):
    # given
    load_reference_data(stdout=io.StringIO())

    # when
    with pytest.raises(DomainError) as raised:
        policy_value_set(name=DECISION, value=value, actor=system_admin, reason="试图修改。")

    # then
    assert raised.value.code == code
    assert policy_value(DECISION) == 5
    assert PolicyChange.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_policy_value_set_requires_a_reason(system_admin):
    # given / when
    with pytest.raises(DomainError) as raised:
        policy_value_set(name=DECISION, value=7, actor=system_admin, reason="   ")

    # then
    assert raised.value.code == error_codes.POLICY_REASON_REQUIRED
    assert PolicyValue.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_policy_value_reset_returns_to_the_default_and_follows_it_again(system_admin):
    # given
    policy_value_set(name=DECISION, value=7, actor=system_admin, reason="本地细则。")

    # when
    row = policy_value_reset(name=DECISION, actor=system_admin, reason="细则废止。")

    # then
    assert (row.value, row.follows_default) == (5, True)
    assert list(PolicyChange.objects.values_list("old_value", "new_value", "reason")) == [
        (7, 5, "细则废止。"),
        (5, 7, "本地细则。"),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.POLICY_CHANGE).count() == 2


# --- Reference loading ----------------------------------------------------------------------


@pytest.mark.django_db
def test_reference_loading_creates_one_row_per_definition_and_is_idempotent():
    # given
    first_output, second_output = io.StringIO(), io.StringIO()
    count = len(policy_registry.all_definitions())

    # when
    load_reference_data(stdout=first_output)
    load_reference_data(stdout=second_output)

    # then
    assert PolicyValue.objects.count() == count
    assert PolicyChange.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert first_output.getvalue() == f"政策参数：新增 {count} 项，更新默认值 0 项，未变 0 项。\n"
    assert second_output.getvalue() == f"政策参数：新增 0 项，更新默认值 0 项，未变 {count} 项。\n"


@pytest.mark.django_db
def test_reference_loading_never_overwrites_a_changed_value(system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    policy_value_set(name=DECISION, value=7, actor=system_admin, reason="本地细则。")

    # when
    load_reference_data(stdout=io.StringIO())

    # then
    assert policy_value(DECISION) == 7
    assert PolicyChange.objects.count() == 1


@pytest.mark.django_db
def test_reference_loading_follows_a_new_code_default_for_an_unchanged_value():
    # given: the row was loaded when the code's default was 4
    load_reference_data(stdout=io.StringIO())
    PolicyValue.objects.filter(name=DECISION).update(value=4)

    # when
    load_reference_data(stdout=io.StringIO())

    # then
    assert policy_value(DECISION) == 5
    change = PolicyChange.objects.get()
    assert (change.old_value, change.new_value, change.actor) == (4, 5, None)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.actor_id) == (
        AuditAction.POLICY_CHANGE,
        DECISION,
        None,
    )


@pytest.mark.django_db
def test_policy_status_list_marks_changed_values(system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    policy_value_set(name=DECISION, value=7, actor=system_admin, reason="本地细则。")

    # when
    statuses = {status.definition.name: status for status in policy_status_list()}

    # then
    changed = statuses[DECISION]
    untouched = statuses[policies.REPAIR_DECISION.name]
    assert (changed.value, changed.follows_default, changed.is_default) == (7, False, False)
    assert (untouched.value, untouched.follows_default, untouched.is_default) == (3, True, True)


# --- Command line and admin ------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_command_sets_a_value_as_the_named_actor(system_admin):
    # given
    output = io.StringIO()

    # when
    call_command(
        "policy",
        "set",
        DECISION,
        "8",
        "--reason",
        "本地细则。",
        "--actor",
        "sysadmin",
        stdout=output,
    )

    # then
    assert output.getvalue() == f"{DECISION} = 8 个工作日\n"
    assert PolicyChange.objects.get().actor == system_admin


@pytest.mark.django_db
def test_policy_command_reports_an_out_of_range_value():
    # given / when
    with pytest.raises(CommandError) as raised:
        call_command("policy", "set", DECISION, "100", "--reason", "试图修改。")

    # then
    assert str(raised.value).endswith(f"({error_codes.POLICY_OUT_OF_RANGE})")
    assert PolicyValue.objects.count() == 0


@pytest.mark.django_db
def test_policy_command_lists_every_policy():
    # given
    output = io.StringIO()

    # when
    call_command("policy", "list", stdout=output)

    # then
    lines = output.getvalue().splitlines()
    assert len(lines) == len(policy_registry.all_definitions()) + 1
    assert f"{DECISION}\t5 个工作日\t异议处理时限" in lines


@pytest.mark.django_db
def test_system_admin_changes_a_policy_in_the_admin(client, system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    row = PolicyValue.objects.get(name=DECISION)
    sign_in_verified(client, system_admin)

    # when
    response = client.post(
        f"/staff/admin/core/policyvalue/{row.pk}/change/",
        {"new_value": "6", "reason": "本地细则。"},
    )

    # then
    assert response.status_code == 302
    assert policy_value(DECISION) == 6
    change = PolicyChange.objects.get()
    assert (change.actor, change.reason) == (system_admin, "本地细则。")


@pytest.mark.django_db
def test_admin_form_refuses_a_value_out_of_range(client, system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    row = PolicyValue.objects.get(name=DECISION)
    sign_in_verified(client, system_admin)

    # when
    response = client.post(
        f"/staff/admin/core/policyvalue/{row.pk}/change/",
        {"new_value": "61", "reason": "试图修改。"},
    )

    # then
    assert response.status_code == 200
    assert policy_value(DECISION) == 5
    assert PolicyChange.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REVIEWER, Role.AUDITOR, Role.SECURITY])
def test_other_staff_roles_cannot_open_policies_in_the_admin(client, role):
    # given
    load_reference_data(stdout=io.StringIO())
    row = PolicyValue.objects.get(name=DECISION)
    user = User.objects.create_user(
        username="staff", password="correct-horse-battery", role=role, is_staff=True
    )
    sign_in_verified(client, user)

    # when
    response = client.post(
        f"/staff/admin/core/policyvalue/{row.pk}/change/",
        {"new_value": "6", "reason": "试图修改。"},
    )

    # then
    assert response.status_code == 403
    assert policy_value(DECISION) == 5
    assert PolicyChange.objects.count() == 0


@pytest.mark.django_db
def test_admin_lists_a_row_whose_definition_was_removed_without_editing_it(client, system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    orphan = PolicyValue.objects.create(name="retired.old_days", value=9)
    sign_in_verified(client, system_admin)

    # when
    listing = client.get("/staff/admin/core/policyvalue/")
    change = client.post(
        f"/staff/admin/core/policyvalue/{orphan.pk}/change/",
        {"new_value": "6", "reason": "试图修改。"},
    )

    # then
    assert listing.status_code == 200
    assert "（代码中已不再定义）" in listing.content.decode()
    assert change.status_code == 403
    assert PolicyValue.objects.get(pk=orphan.pk).value == 9


@pytest.mark.django_db
def test_policy_status_list_reads_all_values_in_one_query(django_assert_num_queries):
    # given
    load_reference_data(stdout=io.StringIO())

    # when
    with django_assert_num_queries(1):
        statuses = policy_status_list()

    # then
    assert len(statuses) == len(policy_registry.all_definitions())
