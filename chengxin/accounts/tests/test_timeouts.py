"""Session timeouts (SPEC §14): idle 30 minutes, absolute 12 hours. Timestamps are moved in the
session, nothing sleeps."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HOME = reverse("backoffice:home")
MINUTE = 60
HOUR = 3600


@pytest.fixture
def signed_in(client):
    user = staff_user(Role.REVIEWER, username="reviewer.chen")
    sign_in_verified(client, user)
    assert client.get(HOME).status_code == 200
    return client


def _age_session(client, *, started_ago: int, seen_ago: int) -> None:
    now = int(time.time())
    session = client.session
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_SEEN_KEY] = now - seen_ago
    session.save()


@pytest.mark.parametrize(
    ("started_ago", "seen_ago", "signed_out"),
    [
        (HOUR, 29 * MINUTE, False),
        (HOUR, 31 * MINUTE, True),
        (12 * HOUR - MINUTE, MINUTE, False),
        (12 * HOUR + MINUTE, MINUTE, True),
    ],
    ids=["idle-29min", "idle-31min", "absolute-11h59", "absolute-12h01"],
)
def test_idle_and_absolute_timeouts(signed_in, started_ago, seen_ago, signed_out):
    # given
    _age_session(signed_in, started_ago=started_ago, seen_ago=seen_ago)

    # when
    response = signed_in.get(HOME)

    # then
    assert response.status_code == (302 if signed_out else 200)
    assert response.wsgi_request.user.is_authenticated is not signed_out
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT).count() == int(signed_out)


def test_activity_moves_the_idle_clock_but_not_the_absolute_one(signed_in):
    # given
    _age_session(signed_in, started_ago=HOUR, seen_ago=20 * MINUTE)
    started = signed_in.session[SESSION_STARTED_KEY]
    last_seen = signed_in.session[SESSION_SEEN_KEY]

    # when
    signed_in.get(HOME)

    # then: the idle clock restarted at the request, the absolute one did not move
    session = signed_in.session
    assert session[SESSION_STARTED_KEY] == started
    assert session[SESSION_SEEN_KEY] >= last_seen + 20 * MINUTE
