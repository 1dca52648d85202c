"""``{% load capabilities %}`` then ``{% if user|can:"read_audit_log" %}``: capability checks in
templates, answered by ``chengxin.accounts.permissions``."""

from django import template

from chengxin.accounts.permissions import has_capability

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    return has_capability(user, capability)
