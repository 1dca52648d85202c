"""The one consent model: departments and agencies as grantees (exactly one), revocation and
scope in the officer query."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from chengxin.collection.tests.factories import tax_department
from chengxin.inquiry.choices import ConsentMethod, ConsentStatus
from chengxin.inquiry.models import Consent, QueryPurpose
from chengxin.inquiry.services import consent_record, profile_query
from chengxin.inquiry.tests.factories import CASE_NO, PURPOSE, tax_officer
from chengxin.supervision.tests import factories as supervision

pytestmark = pytest.mark.django_db


def _records(officer, number) -> list[int]:
    answer = profile_query(actor=officer, id_number=number, purpose=PURPOSE, case_no=CASE_NO)
    return [record.record_id for record in answer.records]


def _consent(officer, number) -> Consent:
    return consent_record(
        actor=officer,
        id_number=number,
        purpose=PURPOSE,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )


def test_a_revoked_consent_opens_nothing_to_the_officer(file_of_person):
    # given
    officer = tax_officer()
    consent = _consent(officer, file_of_person.id_number)
    assert file_of_person.payment_id in _records(officer, file_of_person.id_number)
    # when
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    # then
    assert _records(officer, file_of_person.id_number) == [
        file_of_person.good_id,
        file_of_person.penalty_id,
    ]


def test_a_consent_not_in_force_yet_opens_nothing(file_of_person):
    # given
    officer = tax_officer()
    consent = _consent(officer, file_of_person.id_number)
    later = timezone.localdate() + datetime.timedelta(days=2)
    # when
    Consent.objects.filter(pk=consent.pk).update(valid_from=later)
    # then
    assert file_of_person.payment_id not in _records(officer, file_of_person.id_number)


def test_a_consent_for_other_items_does_not_open_the_consent_item(file_of_person):
    # given: a consent naming an item the person has no record of
    officer = tax_officer()
    consent = _consent(officer, file_of_person.id_number)
    other = consent.items.model.objects.exclude(code="tax-payment").first()
    # when
    Consent.objects.filter(pk=consent.pk).update(scope_all=False)
    consent.items.set([other])
    # then
    assert file_of_person.payment_id not in _records(officer, file_of_person.id_number)


def test_the_legacy_consent_record_keeps_its_meaning(file_of_person):
    # when
    consent = _consent(tax_officer(), file_of_person.id_number)
    # then
    assert (consent.method, consent.scope_all, consent.valid_from) == (
        ConsentMethod.PAPER,
        True,
        timezone.localdate(),
    )
    assert consent.status_on(timezone.localdate()) == ConsentStatus.VALID


@pytest.mark.parametrize("grantees", ["both", "none"])
def test_a_consent_has_exactly_one_grantee(file_of_person, grantees):
    # given
    agency = supervision.agency(supervision.reviewer())
    today = timezone.localdate()
    fields = {
        "subject_index": "a" * 64,
        "purpose": QueryPurpose.objects.get(code=PURPOSE),
        "valid_from": today,
        "valid_until": today,
    }
    if grantees == "both":
        fields.update(department=tax_department(), agency=agency)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(**fields)
