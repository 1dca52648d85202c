"""The name index: a keyed hash of the name, set wherever a name is recorded, found by any
spacing or full-width form of the same name."""

from __future__ import annotations

import pytest

from chengxin.collection.tests.factories import id_number
from chengxin.identity.models import Subject
from chengxin.identity.selectors import name_index_of
from chengxin.identity.services import subject_get_or_create, subjects_get_or_create_many

pytestmark = pytest.mark.django_db


def test_a_new_subject_gets_the_index_of_its_name():
    # when
    subject = subject_get_or_create(id_number=id_number(901), name="欧阳 小明", actor=None)

    # then
    subject.refresh_from_db()
    assert subject.name_index == name_index_of("欧阳小明")
    assert "欧阳" not in subject.name_index


def test_a_name_added_later_and_in_bulk_gets_its_index():
    # given
    subject_get_or_create(id_number=id_number(902), actor=None)

    # when
    subjects_get_or_create_many(
        people=[(id_number(902), "李四"), (id_number(903), "Ｊｏｈｎ　Ｓｍｉｔｈ")], actor=None
    )

    # then
    indexes = dict(Subject.objects.values_list("id_masked", "name_index"))
    assert sorted(indexes.values()) == sorted([name_index_of("李四"), name_index_of("JohnSmith")])


def test_no_name_no_index():
    # when
    subject = subject_get_or_create(id_number=id_number(904), actor=None)

    # then
    assert Subject.objects.get(pk=subject.pk).name_index == ""
    assert name_index_of("  ") == ""
