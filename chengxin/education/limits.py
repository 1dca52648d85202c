"""The longest text each education field may carry, and the sizes of lists (docs/education.md,
"Limits"). Every text goes through ``core.text.text_checked``: over its limit it is refused
(422 ``text_too_long``), and none may hold an ID number (422 ``text_holds_id_number``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 2000
PLACE_MAX_LENGTH = 200
PERSON_NAME_MAX_LENGTH = 30
SCHOOL_NAME_MAX_LENGTH = 200
SCHOOL_CODE_MAX_LENGTH = 20
CASE_NO_MAX_LENGTH = 64
HOURS_MAX = 200
CAPACITY_MAX = 1000
PAGE_SIZE = 25
# The age from which a student has a campus integrity file (SPEC §10: "aged 18 and over").
CAMPUS_MINIMUM_AGE = 18

TITLE = TextField(name="title", label=_("课程名称"), max_length=TITLE_MAX_LENGTH)
DESCRIPTION = TextField(name="description", label=_("课程内容"), max_length=DESCRIPTION_MAX_LENGTH)
PLACE = TextField(name="place", label=_("培训地点"), max_length=PLACE_MAX_LENGTH)
PERSON_NAME = TextField(name="name", label=_("姓名"), max_length=PERSON_NAME_MAX_LENGTH)
SCHOOL_NAME = TextField(name="name", label=_("学校名称"), max_length=SCHOOL_NAME_MAX_LENGTH)
SCHOOL_CODE = TextField(name="code", label=_("学校标识码"), max_length=SCHOOL_CODE_MAX_LENGTH)
CASE_NO = TextField(name="case_no", label=_("事项编号"), max_length=CASE_NO_MAX_LENGTH)
