"""``{% load capabilities %}`` then ``{% if user|can:"read_audit_log" %}``: capability checks in
templates, answered by ``chengxin.accounts.permissions``."""

from django import template

from chengxin.accounts.permissions import (
    can_open_data_quality,
    can_see_submissions,
    has_capability,
)

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    return has_capability(user, capability)


@register.filter
def sees_submissions(user) -> bool:
    """A department's staff (and the credit office's reviewers) see its submissions."""
    return can_see_submissions(user)


@register.filter
def sees_data_quality(user) -> bool:
    """The credit office sees every department's data quality, a department its own."""
    return can_open_data_quality(user)
