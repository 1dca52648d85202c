"""Fixtures of the catalog tests."""

from __future__ import annotations

import pytest

from chengxin.catalog.reference import starter_catalog_definitions
from chengxin.catalog.tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def admin_user(db):
    return UserFactory(username="catalog-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def starter_departments(db):
    """Every department the starter catalog names (the accounts app loads the real ones)."""
    codes = sorted({code for item in starter_catalog_definitions() for code in item["departments"]})
    return {code: DepartmentFactory(code=code, name=f"部门{code}") for code in codes}
