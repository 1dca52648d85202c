"""Fixtures shared by the objection tests: the accounts of a case and the record objected to."""

from __future__ import annotations

import pytest

from chengxin.dueprocess.objections.tests.factories import people, record


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def penalty(cast):
    return record(cast.provider)
