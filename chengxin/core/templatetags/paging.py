"""``{% load paging %}``: links of the shared pager (``templates/pagination.html``)."""

from django import template

from chengxin.core.paging import PAGE_PARAMETER
from chengxin.core.paging import page_window as window

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """``?`` and the current query string with ``page`` set to ``number`` (filters are kept)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?{PAGE_PARAMETER}={number}"
    query[PAGE_PARAMETER] = str(number)
    return f"?{query.urlencode()}"


@register.filter
def page_window(page) -> list[int]:
    return window(page)
