"""Form fields of identity numbers for the platform's pages.

A page never shows a full ID number (SPEC §2): not even the one its visitor just typed. A form
that comes back (with the answer it asked for, or with an error in another field) therefore
renders the number's box empty and says why, so the number is neither in the page's HTML nor in
the browser's copy of it. The value is still read and validated as usual.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Room for a number typed with spaces (the validation removes them).
ID_NUMBER_FIELD_MAX_LENGTH = 40


class IdNumberInput(forms.TextInput):
    """A text box that never renders the value it was given."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value) -> None:
        return None


class IdNumberField(forms.CharField):
    """An ID number typed by staff or a person; the page that comes back shows it empty."""

    widget = IdNumberInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("身份证号码"))
        kwargs.setdefault("max_length", ID_NUMBER_FIELD_MAX_LENGTH)
        kwargs.setdefault(
            "help_text", _("为保护个人信息，提交后页面上不保留身份证号码，再次提交时请重新输入。")
        )
        super().__init__(**kwargs)
