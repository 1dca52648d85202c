"""The seed plan as loaded by ``chengxin seed`` against the plan's own text
(``../shared/seed/000_1b18d4a4597e6d68.txt``, copied under tests/data): every numbered task of
part two and every measure of part three, with units and deadlines, exactly."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from chengxin.accounts.choices import DepartmentKind
from chengxin.accounts.models import Department
from chengxin.workplan.choices import DeadlineKind
from chengxin.workplan.models import Responsibility, Safeguard, Section, Task
from chengxin.workplan.tests.factories import seed_plan

pytestmark = pytest.mark.django_db

SEED_TEXT = Path(__file__).resolve().parent / "data" / "seed_plan.txt"
# The characters of the plan's unit names as the seed writes them, and as the reference data's
# "succeeds" names (the plan's units before the institutional reform) write them.
SIMPLIFIED = str.maketrans(
    "傳辦網銀齊爾務郵藥監環質稅衛計檢團財遊縣區關門國",
    "传办网银齐尔务邮药监环质税卫计检团财游县区关门国",
)
GENERAL = {"其他有关部门", "各有关部门"}
COUNTIES = "各县(市)区政府"


def _seed_parts() -> tuple[list[dict], list[dict]]:
    """Part two's tasks and part three's measures, read from the text line by line."""
    tasks, measures, part, section = [], [], "", None
    for line in SEED_TEXT.read_text(encoding="utf-8").splitlines():
        if re.match(r"^[一二三四五六七八九十]、", line):
            part = line[0]
            continue
        heading = re.fullmatch(r"\((.)\)([^。]+)", line)
        if part == "二" and heading:
            section = (heading[1], heading[2])
            continue
        task = re.fullmatch(
            r"(\d+)\.([^。]+)。(.*)[(\[]完成時間:([^。]+)。責任單位:(.+)[)\]]", line
        )
        if part == "二" and task:
            tasks.append(
                {
                    "section": section,
                    "number": int(task[1]),
                    "title": task[2],
                    "summary": task[3],
                    "deadline": task[4],
                    "units": re.split("[、,]", task[5]),
                }
            )
        measure = re.fullmatch(r"\((.)\)([^。]+)。(.*)[(\[]責任單位:(.+)[)\]]", line)
        if part == "三" and measure:
            measures.append(
                {
                    "number": measure[1],
                    "title": measure[2],
                    "summary": measure[3],
                    "units": re.split("[、,]", measure[4]),
                }
            )
    return tasks, measures


def _expected_departments(units: list[str]) -> tuple[list[str], bool]:
    """The department codes the reference data gives for the plan's unit names, by the names
    it says each department succeeds, in the plan's order; and whether other departments are
    named in general."""
    succeeded = {
        name: department.code
        for department in Department.objects.all()
        for name in department.succeeds.split("、")
        if name
    }
    counties = list(
        Department.objects.filter(kind=DepartmentKind.DISTRICT)
        .order_by("code")
        .values_list("code", flat=True)
    )
    codes: list[str] = []
    general = False
    for unit in units:
        name = unit.translate(SIMPLIFIED)
        if name in GENERAL:
            general = True
            continue
        found = counties if name == COUNTIES else [succeeded[name]]
        codes += [code for code in found if code not in codes]
    return codes, general


def _deadline(text: str) -> tuple[str, datetime.date | None]:
    if text == "持續實施":
        return DeadlineKind.ONGOING, None
    year = int(re.fullmatch(r"(\d{4})年底前", text)[1])
    return DeadlineKind.YEAR_END, datetime.date(year, 12, 31)


def test_the_seed_text_has_the_fourteen_tasks_and_two_measures_this_test_reads():
    # given / when
    tasks, measures = _seed_parts()
    # then: the parser of this test finds every numbered line (else the comparison is empty)
    assert [(task["section"][0], task["number"]) for task in tasks] == [
        ("一", 1), ("一", 2), ("一", 3), ("一", 4), ("一", 5),
        ("二", 1), ("二", 2),
        ("三", 1), ("三", 2),
        ("四", 1), ("四", 2),
        ("五", 1), ("五", 2), ("五", 3),
    ]  # fmt: skip
    assert [measure["number"] for measure in measures] == ["一", "二"]


def test_every_task_of_part_two_is_loaded_as_the_plan_writes_it():
    # given
    expected, _measures = _seed_parts()
    # when
    plan = seed_plan()
    tasks = list(Task.objects.filter(plan=plan).select_related("section", "lead"))
    # then
    assert len(tasks) == len(expected)
    for position, (task, seed) in enumerate(zip(tasks, expected, strict=True), start=1):
        codes, general = _expected_departments(seed["units"])
        responsible = list(
            Responsibility.objects.filter(task=task)
            .order_by("position")
            .values_list("department__code", "is_lead")
        )
        assert task.position == position
        assert (task.section.number, task.section.title) == seed["section"]
        assert task.number == seed["number"]
        assert task.title == seed["title"]
        assert task.summary == seed["summary"]
        assert task.deadline_text == seed["deadline"]
        assert (task.deadline_kind, task.deadline) == _deadline(seed["deadline"])
        assert task.units_as_written == seed["units"]
        assert task.includes_other_departments is general
        assert responsible == [(code, index == 0) for index, code in enumerate(codes)]
        assert task.lead.code == codes[0]


def test_the_sections_are_the_five_headings_of_part_two_in_order():
    # given
    expected, _measures = _seed_parts()
    # when
    plan = seed_plan()
    # then
    headings = list(dict.fromkeys(task["section"] for task in expected))
    assert list(Section.objects.filter(plan=plan).values_list("number", "title")) == headings


def test_the_measures_of_part_three_are_loaded_with_their_units():
    # given
    _tasks, expected = _seed_parts()
    # when
    plan = seed_plan()
    measures = list(Safeguard.objects.filter(plan=plan).prefetch_related("departments"))
    # then
    assert len(measures) == len(expected) == 2
    for measure, seed in zip(measures, expected, strict=True):
        codes, _general = _expected_departments(seed["units"])
        assert (measure.number, measure.title, measure.summary) == (
            seed["number"],
            seed["title"],
            seed["summary"],
        )
        assert measure.units_as_written == seed["units"]
        assert sorted(department.code for department in measure.departments.all()) == sorted(codes)


def test_seeding_twice_keeps_the_plan_once():
    # given
    plan = seed_plan()
    # when
    again = seed_plan()
    # then
    assert again.pk == plan.pk
    assert Task.objects.filter(plan=plan).count() == 14
