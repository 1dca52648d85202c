"""The catalog's vocabulary: what the plan names, and the update intervals."""

from __future__ import annotations

import pytest

from chengxin.catalog.choices import Domain, GoodRecordSource, KeyField, Profession, UpdateFrequency


@pytest.mark.parametrize(
    ("frequency", "days"),
    [
        (UpdateFrequency.REALTIME, 1),
        (UpdateFrequency.DAILY, 1),
        (UpdateFrequency.WEEKLY, 7),
        (UpdateFrequency.MONTHLY, 31),
        (UpdateFrequency.QUARTERLY, 92),
        (UpdateFrequency.YEARLY, 366),
    ],
)
def test_each_update_frequency_gives_the_longest_punctual_interval(frequency, days):
    # when / then
    assert frequency.days == days


def test_the_vocabularies_have_the_plans_numbers_of_entries():
    # when / then
    assert (len(Domain), len(Profession), len(GoodRecordSource), len(KeyField)) == (18, 14, 5, 6)
    assert [str(label) for label in KeyField.labels] == [
        "恶意逃废债务",
        "非法集资",
        "电信诈骗",
        "网络欺诈",
        "交通违法",
        "不依法诚信纳税",
    ]
