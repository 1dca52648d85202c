"""Who runs training and who opens campus integrity files (docs/education.md, "Who may do what").

Training: the credit office's reviewers run courses, enrol trainees, mark attendance and issue
certificates (a certificate prints the trainee's full name, which only an account entitled to
read full identity data may put on it); the system admin and the auditor read. Campus files: an
officer of the department a registered school acts through opens a student's file for one of
the plan's school decisions; the credit office's reviewers and the system admin keep the school
register; the auditor reads it.
"""

from __future__ import annotations

from chengxin.accounts.choices import Role
from chengxin.accounts.permissions import is_staff_member

TRAINING_MANAGERS = frozenset({Role.REVIEWER})
TRAINING_READERS = TRAINING_MANAGERS | {Role.ADMIN, Role.AUDITOR}
SCHOOL_KEEPERS = frozenset({Role.REVIEWER, Role.ADMIN})
SCHOOL_READERS = SCHOOL_KEEPERS | {Role.AUDITOR}


def can_read_training(user) -> bool:
    return is_staff_member(user) and user.role in TRAINING_READERS


def can_manage_training(user) -> bool:
    return is_staff_member(user) and user.role in TRAINING_MANAGERS


def can_read_schools(user) -> bool:
    return is_staff_member(user) and user.role in SCHOOL_READERS


def can_keep_schools(user) -> bool:
    return is_staff_member(user) and user.role in SCHOOL_KEEPERS


def can_open_campus_files(user) -> bool:
    """Officers may open files; which schools they act for is checked per school."""
    return is_staff_member(user) and user.role == Role.OFFICER
