"""The read replica: a real streaming replica (pg_basebackup -R) of a private primary cluster.

The public list is served from the replica (proved by pausing its replay: a record written on
the primary after the pause is missing from the list), a person's own page reads the primary (read-your-writes), a lag past the policy
bound sends the list to the primary, and with the replica stopped mid-run the pages still
answer 200 from the primary. The health page shows each state.

PostgreSQL suite only (the clusters are PostgreSQL's); on SQLite it is skipped with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import router
from django.test import Client

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import ITEM_CODE
from chengxin.core.replica import MONITOR, REPLICA_ALIAS, REPLICA_MAX_LAG, replica_reads
from chengxin.core.services import policy_value_set
from chengxin.dueprocess.myfile.tests.factories import cast
from chengxin.dueprocess.objections.tests.factories import record
from chengxin.portal.tests.factories import TAX_SERIOUS, disclose
from tests.pgcluster import (
    PrivateCluster,
    default_database_at,
    private_clusters,  # noqa: F401 - the fixture
    replica_alias_at,
    wait_for,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.private_cluster]

DATABASE = "chengxin"
SERIOUS = "/disclosure/serious/"


@dataclass
class Replicated:
    primary: PrivateCluster
    replica: PrivateCluster
    people: object
    admin: object


def _caught_up(primary: PrivateCluster, replica: PrivateCluster) -> bool:
    position = primary.sql("SELECT pg_current_wal_lsn()")
    return replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{position}'::pg_lsn") == "True"


@pytest.fixture
def replicated(transactional_db, private_clusters, settings):  # noqa: F811
    settings.CHENGXIN_POLICY_CACHE_SECONDS = 0
    settings.CHENGXIN_REPLICA_CHECK_SECONDS = 0
    settings.CHENGXIN_REQUIRE_TOTP = False
    primary = private_clusters("primary").start()
    primary.sql(f"CREATE DATABASE {DATABASE}")
    with default_database_at(primary, DATABASE):
        call_command("migrate", verbosity=0)
        people = cast()
        disclose(TAX_SERIOUS, source_id="PUB-1", sequence=501, name="甲某某")
        record(people.provider, source_id="OWN-1", item_code=ITEM_CODE)
        admin = staff_user(Role.ADMIN)
        replica = primary.basebackup_replica(primary.data.parent / "replica")
        private_clusters.adopt(replica).start()
        wait_for(lambda: _caught_up(primary, replica), what="the replica to catch up")
        with replica_alias_at(replica, DATABASE):
            yield Replicated(primary, replica, people, admin)


def _public_record_on(alias: str) -> bool:
    return CreditRecord.objects.using(alias).filter(source_id="PUB-2").exists()


def _signed_in(user, *, staff: bool = False) -> Client:
    client = Client()
    if staff:
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


def _health_state(client: Client) -> str:
    page = client.get("/staff/health/")
    assert page.status_code == 200
    return page.content.decode().split('data-replica-state="', 1)[1].split('"', 1)[0]


def test_public_reads_from_the_replica_own_pages_from_the_primary_and_fallback(replicated, caplog):
    primary, replica = replicated.primary, replicated.replica
    public, citizen = Client(), _signed_in(replicated.people.citizen)
    staff = _signed_in(replicated.admin, staff=True)
    assert _health_state(staff) == "in_use"

    # given: the replica stops replaying, then the primary takes a new public record and a new
    # record of the signed-in person
    replica.sql("SELECT pg_wal_replay_pause()")
    disclose(TAX_SERIOUS, source_id="PUB-2", sequence=502, name="乙某某")
    record(replicated.people.provider, source_id="OWN-2", sequence=1, item_code=ITEM_CODE)
    own_records = "/my/"

    # when: the public list is read, and the person's own file
    listed = public.get(SERIOUS)
    mine = citizen.get(own_records)

    # then: the list came from the replica (it lacks the record the replica has not replayed,
    # which the primary holds), the own file from the primary
    assert listed.status_code == 200
    assert "甲某某" in listed.content.decode() and "乙某某" not in listed.content.decode()
    assert _public_record_on("default") and not _public_record_on(REPLICA_ALIAS)
    assert mine.status_code == 200
    assert mine.content.decode().count("/object/") == 2
    assert public.get("/verify/").status_code == 200

    # when: the lag passes a bound of one second
    policy_value_set(name=REPLICA_MAX_LAG.name, value=1, actor=replicated.admin, reason="演练")
    wait_for(lambda: MONITOR.status(fresh=True).problem == "lagging", what="the lag to pass 1 s")
    lagging = public.get(SERIOUS)
    # then: the list is read from the primary, and the health page says why
    assert lagging.status_code == 200 and "乙某某" in lagging.content.decode()
    assert _health_state(staff) == "lagging"

    # given: the replica replays again and is in use (checked once, then trusted for an hour)
    policy_value_set(name=REPLICA_MAX_LAG.name, value=30, actor=replicated.admin, reason="演练")
    replica.sql("SELECT pg_wal_replay_resume()")
    wait_for(lambda: _caught_up(primary, replica), what="the replica to catch up again")
    wait_for(lambda: MONITOR.status(fresh=True).in_use, what="the replica to be used again")
    with replica_reads():
        assert router.db_for_read(CreditRecord) == REPLICA_ALIAS
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.CHENGXIN_REPLICA_CHECK_SECONDS", 3600)
        assert MONITOR.status(fresh=True).in_use
        # when: the replica stops mid-run, its connection still open
        replica.stop()
        pages = [public.get(SERIOUS), public.get("/news/"), public.get("/statistics/")]
        # then: every page answers 200 from the primary (the first one again after its replica
        # query failed), and the replica is marked unreachable
        assert [page.status_code for page in pages] == [200, 200, 200]
        assert "乙某某" in pages[0].content.decode()
        assert MONITOR.status().problem == "unreachable"
        assert "The read replica failed during a request; answered from the primary." in [
            entry.getMessage() for entry in caplog.records
        ]
        assert citizen.get(own_records).status_code == 200
    assert _health_state(staff) == "unreachable"
