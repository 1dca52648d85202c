"""Limits of credit repair: the longest text each field from outside may carry (every text goes
through ``core.text.text_checked``: 422 ``text_too_long`` over its limit, ``text_holds_id_number``
when it holds an ID number), and the page sizes of the queue."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

TEXT_MAX_LENGTH = 2000
REASONS_MAX_LENGTH = 2000
COMMITMENT_VERSION_MAX_LENGTH = 20
PAGE_SIZE = 25
PAGE_SIZE_MAX = 100

TEXT = TextField(name="text", label=_("履行情况说明"), max_length=TEXT_MAX_LENGTH)
REASONS = TextField(name="reasons", label=_("决定理由"), max_length=REASONS_MAX_LENGTH)
