"""``{% load objection_tags %}``: how pages say the working days left to a deadline."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_left(count: int | None) -> str:
    """``剩余 3 个工作日``, ``今天到期``, ``已超期 2 个工作日``; empty for no deadline."""
    if count is None:
        return ""
    if count == 0:
        return _("今天到期")
    if count > 0:
        return ngettext("剩余 %(count)d 个工作日", "剩余 %(count)d 个工作日", count) % {
            "count": count
        }
    late = -count
    return ngettext("已超期 %(count)d 个工作日", "已超期 %(count)d 个工作日", late) % {
        "count": late
    }
