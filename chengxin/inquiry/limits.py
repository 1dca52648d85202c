"""The longest text an officer's query, a credit report or a consent may carry (docs/inquiry.md,
"Limits").

Named here, beside the services that refuse longer values (422 ``text_too_long``), so that the
staff forms and the API schemas state the same maximum. A case number or a name must not hold an
ID number either (422 ``text_holds_id_number``, ``chengxin.core.text``): the number is its own
field.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

CASE_NO_MAX_LENGTH = 100
PURPOSE_CODE_MAX_LENGTH = 64
NAME_MAX_LENGTH = 100

CASE_NO = TextField(name="case_no", label=_("案件编号"), max_length=CASE_NO_MAX_LENGTH)
PURPOSE_CODE = TextField(name="purpose", label=_("查询事由"), max_length=PURPOSE_CODE_MAX_LENGTH)
NAME = TextField(name="name", label=_("姓名"), max_length=NAME_MAX_LENGTH)

# The catalog items one consent may name (an empty list: every item the grantee may read).
CONSENT_ITEMS_MAX = 50
