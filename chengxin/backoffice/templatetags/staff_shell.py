"""``{% load staff_shell %}``: the staff shell's navigation (``chengxin.backoffice.navigation``)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from chengxin.accounts.decorators import second_factor_satisfied
from chengxin.accounts.permissions import is_staff_member
from chengxin.backoffice.navigation import ShownEntry, ShownGroup, navigation_for

register = template.Library()

HOME_VIEW = "backoffice:home"


@dataclass(frozen=True)
class StaffNavigation:
    signed_in: bool
    groups: list[ShownGroup]
    is_home: bool
    current_group: ShownGroup | None
    current_entry: ShownEntry | None
    on_entry_page: bool


@register.simple_tag(takes_context=True)
def staff_navigation(context) -> StaffNavigation:
    """``{% staff_navigation as nav %}``: the signed-in user's menu for the current page."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    user = getattr(request, "user", None)
    signed_in = bool(
        request is not None and is_staff_member(user) and second_factor_satisfied(request)
    )
    groups = navigation_for(user, view_name) if signed_in else []
    current_group = next((group for group in groups if group.current), None)
    current_entry = (
        next(entry for entry in current_group.entries if entry.current) if current_group else None
    )
    return StaffNavigation(
        signed_in=signed_in,
        groups=groups,
        is_home=view_name == HOME_VIEW,
        current_group=current_group,
        current_entry=current_entry,
        on_entry_page=current_entry is not None and current_entry.url_name == view_name,
    )
