"""``{% load accessibility %}``: the visitor's display settings in templates
(``chengxin.core.accessibility``)."""

from django import template

from chengxin.core.accessibility import display_classes, display_settings_of

register = template.Library()


@register.simple_tag(takes_context=True)
def display_root_classes(context) -> str:
    """The classes of ``<html>`` for the chosen text size and contrast."""
    return display_classes(context.get("request"))


@register.simple_tag(takes_context=True)
def display_settings(context) -> dict[str, str]:
    """``{% display_settings as display %}``: ``display.text_size`` and ``display.contrast``."""
    request = context.get("request")
    if request is None:
        return {"text_size": "normal", "contrast": "normal"}
    return display_settings_of(request)
