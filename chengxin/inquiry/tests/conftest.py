"""Fixtures of the inquiry tests."""

import pytest

from chengxin.inquiry.tests.factories import load_purposes, person_file


@pytest.fixture
def file_of_person():
    """The shipped purposes and one person's file (public, shared and consent records)."""
    load_purposes()
    return person_file()
