"""``{% load tipoff_tags %}``: whether the staff navigation shows the tip-off queue."""

from django import template

from chengxin.dueprocess.tipoffs.selectors import can_answer, can_screen

register = template.Library()


@register.filter
def sees_tipoffs(user) -> bool:
    return can_screen(user) or can_answer(user)
