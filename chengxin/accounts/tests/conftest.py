"""Fixtures of the accounts tests: the second factor is required, as in production."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.CHENGXIN_REQUIRE_TOTP = True
