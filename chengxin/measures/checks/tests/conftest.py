"""Fixtures of the checks tests."""

import pytest

from chengxin.collection.tests.factories import bearer
from chengxin.measures.checks.tests.factories import court_department, officer
from chengxin.measures.tests.factories import list_items


@pytest.fixture
def items():
    list_items()


@pytest.fixture
def tax_officer():
    user = officer(username="officer-tax")
    return user, bearer(user)


@pytest.fixture
def court_officer():
    user = officer(court_department(), username="officer-court")
    return user, bearer(user)
