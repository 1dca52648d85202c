"""The longest text an account, an API token or a department code may carry (docs/accounts.md;
the columns' sizes).

A username, a display name, a token's purpose and a department code are stored in clear, and a
username and a department code are copied into audit events and check receipts: none may hold an
ID number (``chengxin.core.text``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

USERNAME_MAX_LENGTH = 150
DISPLAY_NAME_MAX_LENGTH = 60
TOKEN_NAME_MAX_LENGTH = 100
DEPARTMENT_CODE_MAX_LENGTH = 32

# Citizens (docs/citizens.md): the name given at sign-up is kept as the account's display name.
CITIZEN_NAME_MAX_LENGTH = 30
MOBILE_MAX_LENGTH = 20
EMAIL_MAX_LENGTH = 254
REFUSAL_REASON_MAX_LENGTH = 500
COUNTER_SEARCH_MAX_LENGTH = 20
PASSWORD_MAX_LENGTH = 128

USERNAME = TextField(name="username", label=_("用户名"), max_length=USERNAME_MAX_LENGTH)
DISPLAY_NAME = TextField(name="display_name", label=_("姓名"), max_length=DISPLAY_NAME_MAX_LENGTH)
TOKEN_NAME = TextField(name="name", label=_("用途说明"), max_length=TOKEN_NAME_MAX_LENGTH)
DEPARTMENT_CODE = TextField(name="code", label=_("代码"), max_length=DEPARTMENT_CODE_MAX_LENGTH)
CITIZEN_NAME = TextField(name="name", label=_("姓名"), max_length=CITIZEN_NAME_MAX_LENGTH)
MOBILE = TextField(name="mobile", label=_("手机号码"), max_length=MOBILE_MAX_LENGTH)
EMAIL = TextField(name="email", label=_("电子邮箱"), max_length=EMAIL_MAX_LENGTH)
REFUSAL_REASON = TextField(
    name="reason", label=_("不予核验原因"), max_length=REFUSAL_REASON_MAX_LENGTH
)
COUNTER_SEARCH = TextField(name="q", label=_("查找"), max_length=COUNTER_SEARCH_MAX_LENGTH)
