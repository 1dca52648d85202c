"""The longest text a submission may carry outside its rows' own fields (docs/collection.md,
"Limits").

Named here, beside the services that refuse longer values (422 ``text_too_long``), so that the
staff upload form and the API schemas state the same maximum. None of these texts may hold an ID
number either (422 ``text_holds_id_number``, ``chengxin.core.text``). The fields of the rows have
the limits of their catalog item's Table Schema (``maxLength``); a text field whose item states
none has at most ``RECORD_TEXT_MAX_LENGTH`` characters.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

IDEMPOTENCY_KEY_MAX_LENGTH = 200
FILE_NAME_MAX_LENGTH = 255
RECORD_TEXT_MAX_LENGTH = 10_000
# An unknown field's name is repeated in its row error; a longer one is shown cut, with an ellipsis.
UNKNOWN_FIELD_NAME_SHOWN = 64

IDEMPOTENCY_KEY = TextField(
    name="Idempotency-Key", label=_("幂等键"), max_length=IDEMPOTENCY_KEY_MAX_LENGTH
)
FILE_NAME = TextField(name="file", label=_("文件名"), max_length=FILE_NAME_MAX_LENGTH)
