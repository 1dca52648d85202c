"""Synthetic people (the ``demo-data`` command is tested in the collection app)."""

from datetime import date

from chengxin.identity.masking import COMPOUND_SURNAMES
from chengxin.identity.synthetic import demo_people, synthetic_id_number
from chengxin.identity.validation import validate_id_number

AS_OF = date(2024, 6, 30)
QIQIHAR_COUNTIES = {
    "230202", "230203", "230204", "230205", "230206", "230207", "230208", "230221",
    "230223", "230224", "230225", "230227", "230229", "230230", "230231", "230281",
}  # fmt: skip


def test_people_are_valid_local_adults_with_plausible_names():
    # when
    people = demo_people(count=300, seed=1, as_of=AS_OF)

    # then
    assert len({person.id_number for person in people}) == 300
    for person in people:
        validation = validate_id_number(person.id_number, today=AS_OF)
        assert validation.is_valid is True
        assert validation.warnings == []
        assert person.id_number[:6] in QIQIHAR_COUNTIES
        assert date(1943, 7, 1) <= person.birth_date <= date(2006, 6, 30)
        assert int(person.id_number[16]) % 2 == (1 if person.is_male else 0)
        assert 2 <= len(person.name) <= 4
    assert {person.id_number[:6] for person in people} == QIQIHAR_COUNTIES
    assert any(person.name[:2] in COMPOUND_SURNAMES for person in people)


def test_same_seed_gives_the_same_people_and_another_seed_does_not():
    # when
    first = demo_people(count=20, seed=5, as_of=AS_OF)
    again = demo_people(count=20, seed=5, as_of=AS_OF)
    other = demo_people(count=20, seed=6, as_of=AS_OF)

    # then
    assert first == again
    assert first != other


def test_region_comes_from_settings(settings):
    # given
    settings.CHENGXIN_REGION_CODE = "110100"

    # when
    people = demo_people(count=30, seed=2, as_of=AS_OF)

    # then
    assert {person.id_number[:4] for person in people} == {"1101"}


def test_synthetic_id_number_from_parts():
    # when
    number = synthetic_id_number(region_code="110105", birth_date=date(1949, 12, 31), sequence=2)

    # then
    assert number == "11010519491231002X"
