"""Two sign-ups for the same person at the same moment end with one account (the database's
constraint decides, not a check before the insert)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from chengxin.accounts import error_codes
from chengxin.accounts.citizens import citizen_sign_up
from chengxin.accounts.models import CitizenAccount
from chengxin.collection.tests.factories import id_number
from chengxin.core.errors import DomainError

WAIT_SECONDS = 30


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_at_once_for_one_person_leave_one_account():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions; concurrent sign-ups cannot occur")
    # given
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def sign_up(number: int) -> None:
        try:
            start.wait(WAIT_SECONDS)
            citizen_sign_up(
                id_number=id_number(1),
                name="王小明",
                mobile=f"1391234567{number}",
                email="",
                password="Qiqihar-credit-2026",
                agreed=True,
            )
            outcomes[number] = "created"
        except DomainError as error:
            outcomes[number] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(number,)) for number in (1, 2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    # then
    assert sorted(outcomes.values()) == sorted(["created", error_codes.CITIZEN_ALREADY_REGISTERED])
    assert CitizenAccount.objects.count() == 1
