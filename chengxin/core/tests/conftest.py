"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.models import User


@pytest.fixture
def system_admin(db):
    """The system administrator who changes policy values and calendar entries."""
    return User.objects.create_user(
        username="sysadmin", password="correct-horse-battery", role=Role.ADMIN, is_staff=True
    )
