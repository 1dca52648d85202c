"""Fixtures of the collection tests."""

import pytest

from chengxin.collection.tests.factories import bearer, penalty_item, provider


@pytest.fixture
def tax_provider():
    """A provider of the tax department (which provides the penalty item) and its token."""
    penalty_item()
    user = provider()
    return user, bearer(user)
