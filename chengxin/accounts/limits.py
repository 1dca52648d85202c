"""The longest text an account or an API token may carry (docs/accounts.md; the columns' sizes).

A username, a display name and a token's purpose are stored in clear, and a username is copied
into audit events and check receipts: none may hold an ID number (``chengxin.core.text``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

USERNAME_MAX_LENGTH = 150
DISPLAY_NAME_MAX_LENGTH = 60
TOKEN_NAME_MAX_LENGTH = 100

USERNAME = TextField(name="username", label=_("用户名"), max_length=USERNAME_MAX_LENGTH)
DISPLAY_NAME = TextField(name="display_name", label=_("姓名"), max_length=DISPLAY_NAME_MAX_LENGTH)
TOKEN_NAME = TextField(name="name", label=_("用途说明"), max_length=TOKEN_NAME_MAX_LENGTH)
