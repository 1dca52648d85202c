"""Synthetic people for demonstrations and tests: valid numbers, plausible names, no real person.

Numbers are issued on the county codes in use today under the configured city
(``settings.CHENGXIN_REGION_CODE``, e.g. 230200 Qiqihar: 230202–230208, 230221, 230223–230225,
230227, 230229–230231, 230281), for people aged 18 to 80. The same seed gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from stdnum.cn import ric

from chengxin.identity.regions import current_county_codes

MIN_AGE = 18
MAX_AGE = 80
DAYS_PER_YEAR = 365.2425

# Common surnames with rough weights (most frequent first), then a few compound surnames.
SURNAMES = (
    ("王", 72), ("李", 70), ("张", 68), ("刘", 53), ("陈", 46), ("杨", 32), ("赵", 20),
    ("黄", 22), ("周", 18), ("吴", 18), ("徐", 14), ("孙", 14), ("胡", 11), ("朱", 11),
    ("高", 10), ("林", 10), ("何", 9), ("郭", 9), ("马", 9), ("罗", 7), ("梁", 7),
    ("宋", 6), ("郑", 6), ("谢", 5), ("韩", 5), ("唐", 5), ("冯", 5), ("于", 5),
    ("董", 5), ("萧", 4), ("程", 4), ("曹", 4), ("袁", 4), ("邓", 4), ("许", 4),
    ("傅", 3), ("沈", 3), ("曾", 3), ("彭", 3), ("吕", 3), ("苏", 3), ("卢", 3),
    ("蒋", 3), ("蔡", 3), ("贾", 2), ("丁", 2), ("魏", 2), ("薛", 2), ("叶", 2),
    ("阎", 2), ("崔", 2), ("任", 2), ("姜", 2), ("范", 2), ("付", 2), ("白", 2),
    ("欧阳", 1), ("司马", 1), ("上官", 1), ("诸葛", 1), ("东方", 1), ("令狐", 1),
)  # fmt: skip
GIVEN_NAME_CHARACTERS_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林国建志文博"
GIVEN_NAME_CHARACTERS_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美婷雪琳晶颖玲洁萍红燕月梅莉倩丹蕾欣悦怡"


@dataclass(frozen=True)
class SyntheticPerson:
    """One made-up person: an 18-character number valid under GB 11643, and a name."""

    id_number: str
    name: str
    is_male: bool
    birth_date: date
    region_code: str


def demo_people(*, count: int, seed: int, as_of: date | None = None) -> list[SyntheticPerson]:
    """``count`` distinct synthetic people of the configured city, reproducible from ``seed``.

    Ages are 18 to 80 on ``as_of`` (today in Asia/Shanghai by default).
    """
    generator = random.Random(seed)  # noqa: S311 - demo data, not a secret
    counties = current_county_codes(settings.CHENGXIN_REGION_CODE)
    as_of = as_of or timezone.localdate()
    people: dict[str, SyntheticPerson] = {}
    while len(people) < count:
        person = _person(generator, counties=counties, as_of=as_of)
        people.setdefault(person.id_number, person)
    return list(people.values())


def synthetic_id_number(*, region_code: str, birth_date: date, sequence: int) -> str:
    """A valid 18-character number from its parts (``sequence`` 1–999, odd for men)."""
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def _person(generator: random.Random, *, counties: list[str], as_of: date) -> SyntheticPerson:
    is_male = generator.random() < 0.5
    region_code = generator.choice(counties)
    birth_date = _birth_date(generator, as_of=as_of)
    sequence = generator.randrange(1 if is_male else 2, 1000, 2)
    return SyntheticPerson(
        id_number=synthetic_id_number(
            region_code=region_code, birth_date=birth_date, sequence=sequence
        ),
        name=_name(generator, is_male=is_male),
        is_male=is_male,
        birth_date=birth_date,
        region_code=region_code,
    )


def _birth_date(generator: random.Random, *, as_of: date) -> date:
    """A birth date giving an age of 18 to 80 years on ``as_of`` (whole years, inclusive)."""
    latest = _years_before(as_of, MIN_AGE)
    earliest = _years_before(as_of, MAX_AGE + 1) + timedelta(days=1)
    return earliest + timedelta(days=generator.randrange((latest - earliest).days + 1))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _name(generator: random.Random, *, is_male: bool) -> str:
    surnames, weights = zip(*SURNAMES, strict=True)
    surname = generator.choices(surnames, weights=weights)[0]
    characters = GIVEN_NAME_CHARACTERS_MALE if is_male else GIVEN_NAME_CHARACTERS_FEMALE
    length = 1 if generator.random() < 0.3 else 2
    return surname + "".join(generator.choice(characters) for _ in range(length))
