"""The Django admin shows subjects masked and read-only."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.identity.services import subject_get_or_create
from chengxin.identity.tests.factories import UserFactory

NUMBER = "230202199001011236"


@pytest.fixture
def admin_client_with_subject(client, db):
    """A system administrator signed in with a verified second factor, and one subject."""
    superuser = UserFactory(role=Role.ADMIN, department=None, is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=superuser, name="test", confirmed=True)
    sign_in_verified(client, superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    subject = subject_get_or_create(id_number=NUMBER, name="欧阳娜娜", actor=None)
    return client, subject


@pytest.mark.parametrize("page", ["changelist", "change"])
def test_admin_pages_show_only_masked_values(admin_client_with_subject, page):
    # given
    client, subject = admin_client_with_subject
    url = (
        reverse("admin:identity_subject_changelist")
        if page == "changelist"
        else reverse("admin:identity_subject_change", args=[subject.pk])
    )

    # when
    response = client.get(url)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "230202********1236" in content
    assert "欧阳**" in content
    assert NUMBER not in content
    assert "欧阳娜娜" not in content
    assert subject.blind_index not in content


def test_admin_cannot_add_subjects(admin_client_with_subject):
    # given
    client, _subject = admin_client_with_subject

    # when
    response = client.get(reverse("admin:identity_subject_add"))

    # then
    assert response.status_code == 403
