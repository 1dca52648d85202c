"""Vocabulary of the person's own file, who looked, and access challenges (docs/citizens.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    """What kind of look at a person's file a lookup is."""

    QUERY = "query", _("信用档案查询")
    CHECK = "check", _("联合奖惩核查")
    REPORT = "report", _("信用报告")
    BATCH = "batch", _("批量核查")
    CAMPUS = "campus", _("校园诚信档案查阅")
    AGENCY = "agency", _("征信机构查询")


class ChallengeStatus(models.TextChoices):
    """An access challenge's state: opened by the person, answered by the department (or the
    credit office), closed by the credit office."""

    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class ChallengeTransition(models.TextChoices):
    OPEN = "open", _("提出")
    ANSWER = "answer", _("答复")
    CLOSE = "close", _("办结")


# Transition → (allowed source states, target state).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    ChallengeTransition.ANSWER: ((ChallengeStatus.OPEN,), ChallengeStatus.ANSWERED),
    ChallengeTransition.CLOSE: (
        (ChallengeStatus.OPEN, ChallengeStatus.ANSWERED),
        ChallengeStatus.CLOSED,
    ),
}
UNFINISHED_STATUSES = (ChallengeStatus.OPEN, ChallengeStatus.ANSWERED)

# Query purposes of law enforcement (chengxin/inquiry/data/purposes.json): queries for them are
# shown to the person only after the deferral period (policy ``lookups.law_enforcement_deferral_days``).
LAW_ENFORCEMENT_PURPOSES = ("law_enforcement", "judicial_assistance")

CHALLENGE_OBJECT_TYPE = "myfile.accesschallenge"
FILE_OBJECT_TYPE = "myfile.creditfile"
LOOKUPS_OBJECT_TYPE = "myfile.lookups"
