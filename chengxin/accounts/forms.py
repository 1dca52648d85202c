"""Forms of the staff sign-in: password, then a six-digit code from the authenticator app."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.limits import USERNAME_MAX_LENGTH
from chengxin.accounts.permissions import is_staff_member


class StaffPasswordForm(AuthenticationForm):
    """The first step: username and password (checked by Django's backends, counted by axes).

    Only staff accounts sign in here; citizens will have their own sign-in on the portal.
    """

    error_messages = {
        "invalid_login": _(
            "用户名或密码不正确。在同一网络地址连续失败 5 次后，账户将在该地址被暂时锁定。"
        ),
        "inactive": _("该账户已停用。"),
        "not_staff": _("此页面仅供工作人员登录。"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the field's max_length after building it, so the limit is only an HTML
        # attribute: without the validator, any length reached the backends and the lockout's
        # table (255 characters on PostgreSQL: a 500).
        self.fields["username"].validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH))

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not (is_staff_member(user) or user.is_superuser):
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class TotpCodeForm(forms.Form):
    """The second step: the current code of the user's authenticator app."""

    code = forms.CharField(
        label=_("动态验证码"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("请输入 6 位数字验证码。"))],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
