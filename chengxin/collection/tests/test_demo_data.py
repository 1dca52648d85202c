"""``chengxin demo-data``: synthetic people and their records, through the submission pipeline."""

import io

import pytest
from django.core.management import CommandError, call_command

from chengxin.accounts.choices import Role
from chengxin.accounts.models import User
from chengxin.catalog.choices import Category
from chengxin.cli import ALIASES
from chengxin.collection.choices import RecordStatus, SubmissionChannel, SubmissionStatus
from chengxin.collection.models import CreditRecord, RecordVersion, Submission
from chengxin.identity.models import Subject
from chengxin.identity.selectors import subject_find
from chengxin.identity.synthetic import demo_people

pytestmark = pytest.mark.django_db

PERSONS = 400
SEED = 9


@pytest.fixture
def seeded():
    call_command("seed", stdout=io.StringIO())


def _demo_data(persons=PERSONS, seed=SEED) -> str:
    output = io.StringIO()
    call_command("demo_data", persons=persons, seed=seed, stdout=output)
    return output.getvalue()


def _counts() -> dict[str, int]:
    return {
        "subjects": Subject.objects.count(),
        "submissions": Submission.objects.count(),
        "records": CreditRecord.objects.count(),
        "versions": RecordVersion.objects.count(),
        "users": User.objects.count(),
    }


def test_people_and_records_across_the_catalog_come_through_completed_submissions(seeded):
    # when
    output = _demo_data()

    # then
    assert Subject.objects.count() == PERSONS
    assert all(subject_find(id_number=p.id_number) for p in demo_people(count=5, seed=SEED))
    submissions = Submission.objects.all()
    assert submissions.count() > 10
    assert {s.status for s in submissions} == {SubmissionStatus.COMPLETED}
    assert {s.channel for s in submissions} == {SubmissionChannel.API}
    assert sum(s.rejected for s in submissions) == 0
    assert sum(s.accepted for s in submissions) == CreditRecord.objects.count()
    versions = RecordVersion.objects.all()
    assert versions.count() == CreditRecord.objects.count()
    assert not versions.filter(submission__isnull=True).exists()
    assert all(v.submission.idempotency_key.startswith(f"demo-{SEED}-") for v in versions)
    records = CreditRecord.objects.all()
    assert len({record.department_id for record in records}) >= 5
    assert len({record.item_id for record in records}) >= 10
    assert {record.category for record in records} >= {Category.NEGATIVE, Category.POSITIVE}
    assert {record.status for record in records} == {RecordStatus.ACTIVE, RecordStatus.EXPIRED}
    assert records.count() < PERSONS  # most people have no record
    assert f"已登记 {PERSONS} 名合成人员" in output
    assert "演示数据已就绪。Demo data ready." in output


def test_each_department_submits_as_its_own_provider_that_cannot_sign_in(seeded):
    # when
    _demo_data()

    # then
    for submission in Submission.objects.select_related("created_by", "department"):
        provider = submission.created_by
        assert provider.username == f"demo-provider-{submission.department.code}"
        assert provider.role == Role.PROVIDER
        assert provider.department_id == submission.department_id
        assert provider.has_usable_password() is False


def test_a_second_run_creates_nothing_new(seeded):
    # given
    _demo_data()
    before = _counts()

    # when
    output = _demo_data()

    # then
    assert _counts() == before
    assert "报送 0 次" in output


def test_another_seed_adds_other_people_and_records(seeded):
    # given
    _demo_data(persons=100, seed=1)
    before = _counts()

    # when
    _demo_data(persons=100, seed=2)

    # then
    after = _counts()
    assert after["subjects"] == before["subjects"] + 100
    assert after["records"] > before["records"]


def test_no_persons_is_valid_and_creates_nothing(seeded):
    # given
    before = _counts()

    # when
    output = _demo_data(persons=0)

    # then
    assert _counts() == before
    assert "已登记 0 名合成人员" in output


def test_a_negative_number_of_persons_is_refused():
    with pytest.raises(CommandError):
        call_command("demo_data", persons=-1, stdout=io.StringIO())


def test_the_cli_alias_names_the_command():
    assert ALIASES["demo-data"] == "demo_data"
