"""Policy values: the definitions in code, the registry, parsing and display of values."""

from __future__ import annotations

import pytest

from chengxin.core import error_codes, policies, policy_registry
from chengxin.core.choices import PolicyType
from chengxin.core.errors import DomainError
from chengxin.core.policy_registry import PolicyDefinition

DECISION = policies.OBJECTION_DECISION.name


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
