"""Registering subjects, finding them by index, and the entitled, audited read of the full number."""

import pytest
from django.contrib.auth.models import AnonymousUser

from chengxin.accounts.choices import Role
from chengxin.core import crypto
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.identity import error_codes, services
from chengxin.identity.choices import IdKind
from chengxin.identity.models import Subject
from chengxin.identity.selectors import subject_find, subject_id_number, subject_name
from chengxin.identity.services import subject_get_or_create
from chengxin.identity.tests.factories import UserFactory

NUMBER = "230202199001011236"


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.OFFICER)


@pytest.mark.django_db
def test_new_subject_is_stored_encrypted_with_masks_and_audited(officer):
    # when
    subject = subject_get_or_create(id_number=NUMBER, name="欧阳娜娜", actor=officer)

    # then
    subject.refresh_from_db()
    assert subject.blind_index == crypto.blind_index(NUMBER)
    assert subject.kind == IdKind.RESIDENT
    assert subject.id_masked == "230202********1236"
    assert subject.name_masked == "欧阳**"
    assert subject.id_key_id == "k-old"
    assert subject.name_key_id == "k-old"
    assert subject.id_algorithm == crypto.ALGORITHM_AES_256_GCM
    assert NUMBER.encode() not in bytes(subject.id_ciphertext)
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CREATE
    assert event.object_type == "subject"
    assert event.object_id == str(subject.pk)
    assert event.subject_index == subject.blind_index
    assert event.actor_id == officer.pk
    assert event.detail == {"kind": "resident"}


@pytest.mark.django_db
def test_same_person_typed_differently_is_one_subject():
    # given
    first = subject_get_or_create(id_number="110105491231002", actor=None)

    # when
    second = subject_get_or_create(id_number=" 11010519491231002x ", actor=None)

    # then
    assert second.pk == first.pk
    assert Subject.objects.count() == 1
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_invalid_number_is_refused_and_nothing_is_written():
    # when
    with pytest.raises(DomainError) as raised:
        subject_get_or_create(id_number="230202199001011230", actor=None)

    # then
    assert raised.value.code == error_codes.ID_CHECKSUM
    assert raised.value.details == {"codes": [error_codes.ID_CHECKSUM]}
    assert "230202199001011230" not in str(raised.value)
    assert Subject.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_subject_ids_point_at_the_winners_row_when_a_concurrent_insert_came_first(monkeypatch):
    # given: another caller inserted one of the two people between our look-up and our insert
    from chengxin.identity.synthetic import demo_people

    first, second = demo_people(count=2, seed=7)
    winner = subject_get_or_create(id_number=first.id_number, actor=None)
    looked_up = services._known_ids
    calls = []

    def stale_look_up(indexes):
        calls.append(list(indexes))
        return {} if len(calls) == 1 else looked_up(indexes)

    monkeypatch.setattr(services, "_known_ids", stale_look_up)
    wanted = {
        crypto.blind_index(person.id_number): (person.id_number, person.name)
        for person in (first, second)
    }

    # when
    ids = services.subject_ids_get_or_create(people=wanted, actor=None)

    # then: the winner's row is used, the other person is new, and the ids are read back
    assert ids[winner.blind_index] == winner.pk
    other = Subject.objects.get(pk=ids[crypto.blind_index(second.id_number)])
    assert other.blind_index == crypto.blind_index(second.id_number)
    assert Subject.objects.count() == 2
    assert len(calls) == 2


@pytest.mark.django_db
def test_concurrent_creation_returns_the_winners_row_without_a_second_event(monkeypatch):
    # given: another caller inserted the subject between our look-up and our insert
    winner = subject_get_or_create(id_number=NUMBER, actor=None)
    monkeypatch.setattr(services, "subject_by_index", lambda index: None)

    # when
    loser = subject_get_or_create(id_number=NUMBER, actor=None)

    # then
    assert loser.pk == winner.pk
    assert Subject.objects.count() == 1
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_missing_name_is_filled_in_and_audited_but_a_stored_name_is_kept():
    # given
    subject = subject_get_or_create(id_number=NUMBER, actor=None)

    # when
    subject_get_or_create(id_number=NUMBER, name="张三", actor=None)
    subject_get_or_create(id_number=NUMBER, name="李四", actor=None)

    # then
    subject.refresh_from_db()
    assert subject.name_masked == "张*"
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "detail"))
    assert actions == [
        (AuditAction.CREATE, {"kind": "resident"}),
        (AuditAction.UPDATE, {"kind": "resident", "fields": ["name"]}),
    ]


@pytest.mark.django_db
def test_subject_find_is_one_index_look_up(django_assert_num_queries):
    # given
    subject = subject_get_or_create(id_number=NUMBER, actor=None)

    # when
    with django_assert_num_queries(1):
        found = subject_find(id_number="２３０２０２ １９９００１０１ １２３６")

    # then
    assert found == subject


@pytest.mark.django_db
@pytest.mark.parametrize("id_number", ["11010519491231002X", "230202199001011230", ""])
def test_subject_find_returns_none_for_unknown_or_invalid_numbers(id_number):
    # given
    subject_get_or_create(id_number=NUMBER, actor=None)

    # when
    found = subject_find(id_number=id_number)

    # then
    assert found is None


@pytest.mark.django_db
def test_officer_reads_the_full_number_for_a_case_and_the_read_is_audited(officer):
    # given
    subject = subject_get_or_create(id_number=NUMBER, name="张三", actor=None)

    # when
    number = subject_id_number(
        subject=subject, viewer=officer, purpose="行政许可审查", case_no="QQHR-2024-001"
    )

    # then
    assert number == NUMBER
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_READ)
    assert event.actor_id == officer.pk
    assert event.subject_index == subject.blind_index
    assert event.object_type == "subject"
    assert event.object_id == str(subject.pk)
    assert event.purpose == "行政许可审查"
    assert event.case_no == "QQHR-2024-001"
    assert event.detail == {"field": "id_number"}


@pytest.mark.django_db
def test_reviewer_reads_the_full_name_without_a_case_number():
    # given
    reviewer = UserFactory(role=Role.REVIEWER)
    subject = subject_get_or_create(id_number=NUMBER, name="欧阳娜娜", actor=None)

    # when
    name = subject_name(subject=subject, viewer=reviewer, purpose="异议核查")

    # then
    assert name == "欧阳娜娜"
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_READ)
    assert event.detail == {"field": "name"}
    assert event.case_no == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewer_kind",
    ["anonymous", "citizen", "provider", "admin", "security", "auditor", "agency", "inactive"],
)
def test_read_of_the_full_number_is_denied_to_everyone_else(viewer_kind):
    # given
    subject = subject_get_or_create(id_number=NUMBER, actor=None)
    viewer = _viewer(viewer_kind)
    events_before = AuditEvent.objects.count()

    # when
    with pytest.raises(PermissionDeniedError) as raised:
        subject_id_number(subject=subject, viewer=viewer, purpose="查询", case_no="C-1")

    # then
    assert raised.value.code == error_codes.ID_READ_DENIED
    assert raised.value.status == 403
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("purpose", "case_no", "code"),
    [
        ("", "C-1", error_codes.ID_PURPOSE_REQUIRED),
        ("   ", "C-1", error_codes.ID_PURPOSE_REQUIRED),
        ("行政许可审查", "", error_codes.ID_CASE_NO_REQUIRED),
    ],
)
def test_officer_must_state_purpose_and_case_number(officer, purpose, case_no, code):
    # given
    subject = subject_get_or_create(id_number=NUMBER, actor=None)

    # when
    with pytest.raises(DomainError) as raised:
        subject_id_number(subject=subject, viewer=officer, purpose=purpose, case_no=case_no)

    # then
    assert raised.value.code == code
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).count() == 0


def _viewer(kind: str):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "inactive":
        return UserFactory(role=Role.OFFICER, is_active=False)
    role = Role(kind)
    department_roles = {Role.PROVIDER, Role.OFFICER}
    if role in department_roles:
        return UserFactory(role=role)
    return UserFactory(role=role, department=None)


@pytest.mark.django_db
def test_many_subjects_are_registered_in_bulk_with_one_event_per_kind_of_change(
    officer, django_assert_max_num_queries
):
    # given: one person known without a name, one known with a name
    from chengxin.identity.synthetic import demo_people

    people = demo_people(count=5, seed=3)
    unnamed = subject_get_or_create(id_number=people[0].id_number, actor=None)
    named = subject_get_or_create(id_number=people[1].id_number, name="张三", actor=None)
    pairs = [(person.id_number, person.name) for person in people]
    pairs.append((people[2].id_number.lower(), ""))  # the same person again, without a name

    # when
    with django_assert_max_num_queries(12):
        subjects = services.subjects_get_or_create_many(
            people=pairs, actor=officer, detail={"submission": 7}
        )

    # then
    assert len(subjects) == 5
    assert Subject.objects.count() == 5
    assert subjects[unnamed.blind_index].pk == unnamed.pk
    assert subject_name(
        subject=subjects[unnamed.blind_index], viewer=officer, purpose="核验", case_no="C-1"
    ) == (people[0].name)
    assert (
        subject_name(
            subject=subjects[named.blind_index], viewer=officer, purpose="核验", case_no="C-1"
        )
        == "张三"
    )
    for person in people:
        subject = subjects[crypto.blind_index(person.id_number)]
        assert (
            subject_id_number(subject=subject, viewer=officer, purpose="核验", case_no="C-1")
            == person.id_number
        )
    events = AuditEvent.objects.filter(object_type="subject", object_id="").order_by("pk")
    assert [(event.action, event.detail) for event in events] == [
        (AuditAction.CREATE, {"subjects": 3, "submission": 7}),
        (AuditAction.UPDATE, {"subjects": 1, "fields": ["name"], "submission": 7}),
    ]


@pytest.mark.django_db
def test_bulk_registration_refuses_an_invalid_number_before_writing(officer):
    # when
    with pytest.raises(DomainError):
        services.subjects_get_or_create_many(
            people=[(NUMBER, "甲"), ("230202199001011237", "乙")], actor=officer
        )

    # then
    assert Subject.objects.count() == 0


@pytest.mark.django_db
def test_subject_ids_of_validated_numbers_register_new_people_and_missing_names(
    officer, django_assert_max_num_queries
):
    # given: one person known without a name, one known with a name, two new ones
    from chengxin.identity.synthetic import demo_people

    people = demo_people(count=4, seed=5)
    unnamed = subject_get_or_create(id_number=people[0].id_number, actor=None)
    named = subject_get_or_create(id_number=people[1].id_number, name="张三", actor=None)
    wanted = {
        crypto.blind_index(person.id_number): (person.id_number, person.name) for person in people
    }
    wanted[crypto.blind_index(people[3].id_number)] = (people[3].id_number, "")

    # when
    with django_assert_max_num_queries(12):
        ids = services.subject_ids_get_or_create(
            people=wanted, actor=officer, detail={"submission": 9}
        )

    # then
    assert ids[unnamed.blind_index] == unnamed.pk
    assert ids[named.blind_index] == named.pk
    assert Subject.objects.count() == 4
    for index, (number, name) in wanted.items():
        subject = Subject.objects.get(pk=ids[index])
        assert subject.blind_index == index
        assert subject.kind == IdKind.RESIDENT
        assert subject_id_number(
            subject=subject, viewer=officer, purpose="核验", case_no="C-1"
        ) == (number)
        expected_name = "张三" if index == named.blind_index else name
        assert (
            subject_name(subject=subject, viewer=officer, purpose="核验", case_no="C-1")
            == expected_name
        )
    new = Subject.objects.get(pk=ids[crypto.blind_index(people[2].id_number)])
    assert new.id_masked == people[2].id_number[:6] + "********" + people[2].id_number[-4:]
    assert new.id_key_id == "k-old"
    events = AuditEvent.objects.filter(object_type="subject", object_id="").order_by("pk")
    assert [(event.action, event.detail) for event in events] == [
        (AuditAction.CREATE, {"subjects": 2, "submission": 9}),
        (AuditAction.UPDATE, {"subjects": 1, "fields": ["name"], "submission": 9}),
    ]
