"""Policy values: changing and resetting with history and audit, loading the reference
data, and the status list."""

from __future__ import annotations

import io

import pytest

from chengxin.core import error_codes, policies, policy_registry
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.core.models import PolicyChange, PolicyValue
from chengxin.core.reference import load_reference_data
from chengxin.core.selectors import policy_status_list, policy_value
from chengxin.core.services import policy_value_reset, policy_value_set

DECISION = policies.OBJECTION_DECISION.name


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


@pytest.mark.django_db
def test_policy_status_list_reads_all_values_in_one_query(django_assert_num_queries):
    # given
    load_reference_data(stdout=io.StringIO())

    # when
    with django_assert_num_queries(1):
        statuses = policy_status_list()

    # then
    assert len(statuses) == len(policy_registry.all_definitions())
