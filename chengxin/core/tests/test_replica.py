"""The replica's routing rules without a replica: which requests may read from one, and that
nothing changes when none is configured (the real replica: tests/system/test_read_replica.py)."""

from __future__ import annotations

import pytest
from django.db import router
from django.test import RequestFactory
from django.urls import resolve

from chengxin.accounts.models import User
from chengxin.collection.models import CreditRecord
from chengxin.core.replica import MONITOR, ReplicaStatus, replica_eligible, replica_reads


def _request(method: str, path: str):
    request = getattr(RequestFactory(), method)(path)
    request.resolver_match = resolve(path)
    return request


@pytest.mark.parametrize(
    ("method", "path", "eligible"),
    [
        ("get", "/disclosure/serious/", True),
        ("get", "/news/", True),
        ("get", "/statistics/", True),
        ("get", "/verify/", True),
        ("get", "/api/v1/reports/verify/ABCD-1234", True),
        ("get", "/staff/dashboards/", True),
        ("head", "/disclosure/red/", True),
        ("post", "/verify/", False),
        ("post", "/query/", False),
        ("get", "/my/", False),
        ("get", "/staff/", False),
        ("get", "/staff/health/", False),
        ("get", "/api/v1/catalog", False),
    ],
)
def test_only_reads_of_public_and_aggregate_pages_may_use_the_replica(method, path, eligible):
    assert replica_eligible(_request(method, path)) is eligible


def test_without_a_replica_every_read_and_write_goes_to_the_primary():
    # when
    with replica_reads():
        reads = {router.db_for_read(CreditRecord), router.db_for_read(User)}
    # then
    assert reads == {"default"}
    assert router.db_for_write(CreditRecord) == "default"
    assert MONITOR.status() == ReplicaStatus(configured=False)
    assert not MONITOR.status().in_use


@pytest.mark.django_db
def test_the_health_page_says_no_replica_is_configured(client):
    from chengxin.accounts.tests.factories import matrix_user, sign_in_verified

    # given
    sign_in_verified(client, matrix_user("admin"))
    # when
    page = client.get("/staff/health/")
    # then
    assert page.status_code == 200
    assert 'data-replica-state="none"' in page.content.decode()
    assert "未配置只读副本" in page.content.decode()


@pytest.mark.django_db
def test_an_unreachable_replica_is_not_used_and_not_asked_again_at_once(client, settings):
    from pathlib import Path

    from django.db import connection

    from tests.pgcluster import PrivateCluster, free_port, replica_alias_at

    if connection.vendor != "postgresql":
        pytest.skip("the replica is a PostgreSQL standby (PostgreSQL suite)")
    # given: a replica alias whose server does not listen, checked on every read
    settings.CHENGXIN_REPLICA_CHECK_SECONDS = 0
    nowhere = PrivateCluster(data=Path("/nonexistent"), port=free_port())
    with replica_alias_at(nowhere, "chengxin"):
        # when
        first = MONITOR.status()
        again = MONITOR.status()
        page = client.get("/disclosure/serious/")
    # then: reads go to the primary, and the replica is not tried again for 30 s
    assert (first.configured, first.reachable, first.problem) == (True, False, "unreachable")
    assert again is first
    assert page.status_code == 200
