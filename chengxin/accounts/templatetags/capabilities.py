"""``{% load capabilities %}`` then ``{% if user|can:"read_audit_log" %}``: capability checks in
templates, answered by ``chengxin.accounts.permissions``."""

from django import template

from chengxin.accounts.choices import DEPARTMENT_ROLES, Role
from chengxin.accounts.permissions import can_view_all_data_quality, has_capability

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    return has_capability(user, capability)


@register.filter
def sees_submissions(user) -> bool:
    """A department's staff (and the credit office's reviewers) see its submissions."""
    return getattr(user, "role", "") in (Role.REVIEWER, *DEPARTMENT_ROLES)


@register.filter
def sees_data_quality(user) -> bool:
    """The credit office sees every department's data quality, a department its own."""
    return can_view_all_data_quality(user) or (
        getattr(user, "role", "") in DEPARTMENT_ROLES and user.department_id is not None
    )
