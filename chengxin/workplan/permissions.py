"""Who sees and who changes the work plan (docs/workplan.md, "Who may do what").

The credit office's reviewers manage the plan (``Capability.MANAGE_WORK_PLAN``): they load
plans, see every unit's progress, write inspection notes and scores and export the annual
assessment. The system admin and the auditor read all of it. A department's staff (providers
and officers) see the plan and report on the tasks their department answers for. The security
admin, agencies and citizens see none of it.
"""

from __future__ import annotations

from chengxin.accounts.choices import DEPARTMENT_ROLES, Capability, Role
from chengxin.accounts.permissions import has_capability, is_staff_member

READER_ROLES = frozenset({Role.REVIEWER, Role.ADMIN, Role.AUDITOR})


def can_manage(user) -> bool:
    """Whether ``user`` may load plans, write inspection notes and assessment scores."""
    return is_staff_member(user) and has_capability(user, Capability.MANAGE_WORK_PLAN)


def can_oversee(user) -> bool:
    """Whether ``user`` sees every unit's progress and the assessment."""
    return is_staff_member(user) and user.role in READER_ROLES


def can_report(user) -> bool:
    """Whether ``user`` reports progress for a department (its own)."""
    return (
        is_staff_member(user) and user.role in DEPARTMENT_ROLES and user.department_id is not None
    )


def can_open(user) -> bool:
    """Whether ``user`` may open the work-plan pages at all (the staff menu asks this)."""
    return can_oversee(user) or can_report(user)
