"""Who may read the log: the auditor alone, read-only; the platform admin may not (SPEC §1)."""

import pytest
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.core.audit import events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.sealing import audit_seal_pending
from chengxin.core.audit.tests.factories import AuditorFactory, UserFactory
from chengxin.core.crypto import blind_index

pytestmark = pytest.mark.django_db

SUBJECT = blind_index("11010519491231002X")
EVENT_LIST = reverse("audit:event_list")
ADMIN_EVENTS = reverse("admin:audit_auditevent_changelist")


@pytest.fixture
def recorded():
    officer = UserFactory(username="officer.zhao", role=Role.OFFICER)
    read = events.personal_data_read_event(
        actor=officer,
        subject_index=SUBJECT,
        object_type="credit_file",
        object_id="1",
        purpose="行政许可",
        case_no="2025-17",
    )
    change = events.change_event(
        actor=None, action=AuditAction.UPDATE, object_type="policy", object_id="objection_days"
    )
    audit_seal_pending()
    return read, change


def _staff(role):
    if role == Role.AUDITOR:
        return AuditorFactory()
    department = None if role in {Role.ADMIN, Role.SECURITY, Role.REVIEWER} else "tax"
    kwargs = {"department": None} if department is None else {}
    return UserFactory(role=role, is_staff=True, is_superuser=role == Role.ADMIN, **kwargs)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDITOR, 200),
        (Role.ADMIN, 403),
        (Role.SECURITY, 403),
        (Role.REVIEWER, 403),
        (Role.PROVIDER, 403),
        (Role.OFFICER, 403),
        (Role.CITIZEN, 403),
    ],
)
def test_only_the_auditor_may_open_the_audit_page(client, recorded, role, status):
    # given
    sign_in_verified(client, _staff(role))

    # when
    response = client.get(EVENT_LIST)

    # then
    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    # when
    response = client.get(EVENT_LIST)

    # then
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={EVENT_LIST}"


def test_the_audit_page_filters_events(client, recorded):
    # given
    read, change = recorded
    sign_in_verified(client, AuditorFactory())

    # when
    response = client.get(EVENT_LIST, {"action": "personal_data_read", "subject_index": SUBJECT})

    # then
    listed = [event.pk for event in response.context["page"]]
    assert listed == [read.pk]
    assert "officer.zhao" in response.content.decode()
    assert "行政许可" in response.content.decode()


def test_the_audit_page_lists_newest_first_with_a_fixed_number_of_queries(
    client, recorded, django_assert_num_queries
):
    # given
    read, change = recorded
    for number in range(10):
        events.record(actor=None, action=AuditAction.CREATE, object_id=str(number))
    sign_in_verified(client, AuditorFactory())

    # when: session, user, count, one page of events joined with their seals, the sealer's
    # backlog (count, oldest), and the session timeout middleware's save of the session
    # (savepoint, update, release)
    with django_assert_num_queries(10):
        response = client.get(EVENT_LIST)

    # then
    listed = [event.pk for event in response.context["page"]]
    assert listed == sorted(listed, reverse=True)
    assert listed[-2:] == [change.pk, read.pk]
    assert len(listed) == 13
    assert "11 条事件等待封存" in response.content.decode()  # the ten above and the sign-in


def test_an_invalid_filter_lists_everything_and_says_why(client, recorded):
    # given
    sign_in_verified(client, AuditorFactory())

    # when
    response = client.get(EVENT_LIST, {"subject_index": "11010519491231002X"})

    # then: both recorded events and the auditor's own sign-in
    assert len(response.context["page"]) == 3
    assert "信息主体索引应为 64 位十六进制字符。" in response.content.decode()


def test_the_auditor_reads_the_log_in_the_admin_but_cannot_change_it(client, recorded):
    # given
    read, _ = recorded
    sign_in_verified(client, AuditorFactory())

    # when
    listing = client.get(ADMIN_EVENTS)
    detail = client.get(reverse("admin:audit_auditevent_change", args=[read.pk]))
    add = client.get(reverse("admin:audit_auditevent_add"))
    delete = client.get(reverse("admin:audit_auditevent_delete", args=[read.pk]))

    # then
    assert (listing.status_code, detail.status_code) == (200, 200)
    assert (add.status_code, delete.status_code) == (403, 403)
    assert b'name="_save"' not in detail.content


@pytest.mark.parametrize(
    "name",
    [
        "admin:audit_auditevent_changelist",
        "admin:audit_auditseal_changelist",
        "admin:audit_auditcheckpoint_changelist",
    ],
)
def test_the_platform_admin_cannot_read_the_log_in_the_admin(client, recorded, name):
    # given: a superuser with the admin role
    sign_in_verified(client, _staff(Role.ADMIN))

    # when
    response = client.get(reverse(name))

    # then
    assert response.status_code == 403
