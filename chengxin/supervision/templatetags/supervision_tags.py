"""Template filters of supervision: whether the staff menu shows its entry."""

from django import template

from chengxin.supervision.permissions import can_read

register = template.Library()


@register.filter
def sees_supervision(user) -> bool:
    return can_read(user)
