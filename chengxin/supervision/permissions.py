"""Who sees and who changes the supervision registers (docs/supervision.md, "Who may do what").

The credit office's reviewers and the system admin keep the registers and record inspections;
only reviewers, who manage the platform's lists (``Capability.MANAGE_LISTS``), record
violations and list or delist agencies: a listing sends records about named people, which
needs an account entitled to read their full identity data. Auditors read everything and
change nothing. Departments, the security admin, agencies and citizens see none of it.
"""

from __future__ import annotations

from chengxin.accounts.choices import Capability, Role
from chengxin.accounts.permissions import has_capability, is_staff_member

REGISTER_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})
READER_ROLES = REGISTER_ROLES | {Role.AUDITOR}


def can_read(user) -> bool:
    """Whether ``user`` may see the supervision pages."""
    return is_staff_member(user) and user.role in READER_ROLES


def can_keep_registers(user) -> bool:
    """Whether ``user`` may register agencies, practitioners, handlers and inspections."""
    return is_staff_member(user) and user.role in REGISTER_ROLES


def can_decide(user) -> bool:
    """Whether ``user`` may record violations and list or delist agencies."""
    return is_staff_member(user) and has_capability(user, Capability.MANAGE_LISTS)
