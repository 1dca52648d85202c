"""Forms of the citizens' pages (sign-up, sign-in, account, password reset, closing) and of the
service counter. The rules live in ``chengxin.accounts.citizens``; a form only carries the
fields, with the same limits (``accounts.limits``), and shows the service's refusals beside the
fields they name. ID numbers are typed into ``IdNumberField``: a form that comes back never
shows them again.
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.mail import EmailMessage
from django.core.validators import MaxLengthValidator
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.backends import CITIZEN_AUDIENCE
from chengxin.accounts.choices import ACTIVE_CITIZEN_STATUSES, Role
from chengxin.accounts.limits import (
    CITIZEN_NAME_MAX_LENGTH,
    COUNTER_SEARCH_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    MOBILE_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    REFUSAL_REASON_MAX_LENGTH,
)
from chengxin.accounts.models import User
from chengxin.accounts.notices import DELIVERY_ERRORS
from chengxin.core.errors import DomainError
from chengxin.identity.forms import IdNumberField

logger = logging.getLogger(__name__)

CONTACT_LABEL = _("手机号码或电子邮箱")


def add_refusal(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal beside the fields it names (the whole form when it names none
    of the form's fields)."""
    errors = error.details.get("errors") or []
    shown = False
    for item in errors:
        field = item.get("field")
        if field in form.fields:
            form.add_error(field, item.get("message") or error.message)
            shown = True
    if not shown:
        form.add_error(None, error.message)


class SignUpForm(forms.Form):
    """What a person gives to open an account (``citizens.citizen_sign_up``)."""

    id_number = IdNumberField()
    name = forms.CharField(
        label=_("姓名"),
        max_length=CITIZEN_NAME_MAX_LENGTH,
        help_text=_("与身份证上的姓名一致。"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=MOBILE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("电子邮箱"),
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        help_text=_("手机号码和电子邮箱至少填写一项；找回密码需要电子邮箱。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        help_text=_("至少10个字符，不能全是数字，不能过于常见或与姓名、邮箱相似。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("再次输入密码"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    agreed = forms.BooleanField(label=_("我已阅读并同意《个人信息处理规则》"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return cleaned


class CitizenSignInForm(AuthenticationForm):
    """Mobile number or e-mail address and password; citizens only (the staff have their own
    page, and their accounts do not sign in here)."""

    error_messages = {
        "invalid_login": _(
            "手机号码（电子邮箱）或密码不正确。在同一网络地址连续失败 5 次后，账户将在该地址被暂时锁定。"
        ),
        "inactive": _("该账户已注销。"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = CONTACT_LABEL
        self.fields["username"].validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(
                self.request, username=username, password=password, audience=CITIZEN_AUDIENCE
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        account = getattr(user, "citizen_account", None)
        if user.role != Role.CITIZEN or account is None:
            raise self.get_invalid_login_error()
        if account.status not in ACTIVE_CITIZEN_STATUSES:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")


class ContactForm(forms.Form):
    """Contact details and the channels of notices, on the account page."""

    mobile = forms.CharField(label=_("手机号码"), max_length=MOBILE_MAX_LENGTH, required=False)
    email = forms.CharField(
        label=_("电子邮箱"),
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    notify_by_email = forms.BooleanField(label=_("通过电子邮件通知我"), required=False)
    notify_by_sms = forms.BooleanField(label=_("通过短信通知我"), required=False)


class CloseAccountForm(forms.Form):
    """Closing an account: its password, or for an account without one (signed up through the
    real-name provider) the word the page asks for."""

    CONFIRMATION_WORD = "注销"

    password = forms.CharField(
        label=_("密码"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirmation = forms.CharField(label=_("确认"), max_length=10, required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["confirmation"]
        else:
            del self.fields["password"]

    def clean(self):
        cleaned = super().clean()
        if "password" in self.fields and not self.user.check_password(cleaned.get("password", "")):
            self.add_error("password", _("密码不正确。"))
        if "confirmation" in self.fields and cleaned.get("confirmation") != self.CONFIRMATION_WORD:
            self.add_error("confirmation", _("请输入“注销”两个字确认。"))
        return cleaned


class CitizenPasswordResetForm(PasswordResetForm):
    """Django's password reset by e-mail, for citizens' open accounts only (staff passwords are
    reset by the security admin). A mail server that fails is logged, and the page says the
    same as when the mail went out: it never tells whether an address has an account."""

    email = forms.EmailField(
        label=_("注册时填写的电子邮箱"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        users = User.objects.filter(
            role=Role.CITIZEN,
            is_active=True,
            email=email.strip().lower(),
            citizen_account__status__in=ACTIVE_CITIZEN_STATUSES,
        )
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """The reset message, as plain text. A failure is logged by its kind only: Django's own
        form logs the exception, whose text may name the address."""
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        try:
            EmailMessage(subject, body, from_email, [to_email]).send()
        except DELIVERY_ERRORS as error:
            logger.warning("A password reset e-mail was not sent (%s).", type(error).__name__)


class CounterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("身份证号码后四位或手机号码"),
        max_length=COUNTER_SEARCH_MAX_LENGTH,
        required=False,
    )


class CounterConfirmForm(forms.Form):
    id_number = IdNumberField(
        label=_("身份证上的号码"),
        help_text=_("请查验申请人本人的身份证原件，照证件输入号码；号码须与注册时填写的一致。"),
    )


class CounterRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("不予核验的原因"),
        max_length=REFUSAL_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
