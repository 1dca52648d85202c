"""Django admin in Chinese for departments, users and API tokens.

Each model belongs to one administrative role: departments to the system admin, users and tokens
to the security admin. Every save goes through ``accounts.services``, so the admin writes the same
audit events as the command line. A token's plaintext is shown once, in the message after it is
issued; its digest is never displayed.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.choices import Capability
from chengxin.accounts.models import ApiToken, Department, User
from chengxin.accounts.permissions import can_unlock_accounts, has_capability
from chengxin.accounts.services import (
    DEPARTMENT_EDITABLE_FIELDS,
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    CreatedUser,
    api_token_create,
    api_token_revoke,
    department_create,
    department_update,
    user_create,
    user_password_reset,
    user_second_factor_reset,
    user_unlock,
    user_update,
)
from chengxin.core.errors import DomainError


class ServiceForm(forms.ModelForm):
    """A model form whose save is a service call, made once the form and model checks passed.

    The admin sets ``actor`` (the signed-in user) on the form class of each request. A refusal of
    the service becomes a form error, so nothing is half-saved; ``result`` keeps what it returned.
    """

    actor = None
    result: object = None

    def apply(self) -> object:
        raise ImproperlyConfigured(f"{type(self).__name__} must define apply().")

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            self.result = self.apply()
        except DomainError as error:
            self.add_error(None, error.message)


class CapabilityAdmin(admin.ModelAdmin):
    """Admin permissions from one capability (``capability``); nothing is ever deleted here.

    Forms are ``ServiceForm``s: the service has saved by the time ``save_model`` runs.
    """

    capability: str = ""

    def allowed(self, request) -> bool:
        return bool(self.capability) and has_capability(request.user, self.capability)

    def has_module_permission(self, request) -> bool:
        return self.allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.allowed(request)

    def has_add_permission(self, request) -> bool:
        return self.allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        form_class.actor = request.user
        return form_class

    def save_model(self, request, obj, form, change) -> None:
        saved = self.saved_object(form.result)
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def saved_object(self, result):
        return result


class DepartmentAddForm(ServiceForm):
    class Meta:
        model = Department
        fields = ("code", "name", "short_name", "name_en", "kind", "succeeds", "is_credit_office")

    def apply(self) -> Department:
        return department_create(actor=self.actor, **self.cleaned_data)


class DepartmentChangeForm(ServiceForm):
    class Meta:
        model = Department
        fields = DEPARTMENT_EDITABLE_FIELDS

    def apply(self) -> Department:
        return department_update(
            department=self.instance, changes=dict(self.cleaned_data), actor=self.actor
        )


@admin.register(Department)
class DepartmentAdmin(CapabilityAdmin):
    list_display = ("code", "name", "short_name", "kind", "is_credit_office", "is_active")
    list_filter = ("kind", "is_credit_office", "is_active")
    search_fields = ("code", "name", "short_name", "name_en")

    capability = Capability.MANAGE_DEPARTMENTS

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = DepartmentChangeForm if obj is not None else DepartmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        form = DepartmentChangeForm if obj is not None else DepartmentAddForm
        return list(form._meta.fields)


def _department_code(data: dict) -> str:
    return data["department"].code if data.get("department") else ""


class UserAddForm(ServiceForm):
    """A new account: the password is generated and shown once after saving."""

    class Meta:
        model = User
        fields = ("username", "display_name", "role", "department")

    def apply(self) -> CreatedUser:
        data = self.cleaned_data
        return user_create(
            username=data["username"],
            department_code=_department_code(data),
            role=data["role"],
            display_name=data["display_name"],
            actor=self.actor,
        )


class UserChangeForm(ServiceForm):
    class Meta:
        model = User
        fields = ("display_name", "role", "department", "is_active")

    def apply(self) -> User:
        data = self.cleaned_data
        return user_update(
            user=self.instance,
            role=data["role"],
            department_code=_department_code(data),
            display_name=data["display_name"],
            is_active=data["is_active"],
            actor=self.actor,
        )


@admin.register(User)
class UserAdmin(CapabilityAdmin):
    list_display = ("username", "display_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "display_name")
    list_select_related = ("department",)
    actions = ("unlock_selected", "reset_second_factor", "reset_password")

    capability = Capability.MANAGE_USERS

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = UserChangeForm if obj is not None else UserAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return list(UserChangeForm._meta.fields if obj else UserAddForm._meta.fields)

    def saved_object(self, result):
        return result.user if isinstance(result, CreatedUser) else result

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if isinstance(form.result, CreatedUser):
            message = _one_time_password_message(form.result.password)
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("解除所选账户的登录锁定"))
    def unlock_selected(self, request, queryset) -> None:
        if not can_unlock_accounts(request.user):
            return
        for user in queryset:
            user_unlock(user=user, actor=request.user)
        self.message_user(request, gettext("已解除所选账户的锁定。"), messages.SUCCESS)

    @admin.action(description=_("重置所选账户的身份验证器"))
    def reset_second_factor(self, request, queryset) -> None:
        for user in queryset:
            user_second_factor_reset(user=user, actor=request.user)
        self.message_user(
            request, gettext("已重置；这些用户下次登录时需重新绑定身份验证器。"), messages.SUCCESS
        )

    @admin.action(description=_("重置所选账户的密码"))
    def reset_password(self, request, queryset) -> None:
        for user in queryset:
            password = user_password_reset(user=user, actor=request.user)
            message = gettext("%(username)s：") % {"username": user.get_username()}
            self.message_user(request, message + _one_time_password_message(password))


def _one_time_password_message(password: str | None) -> str:
    return gettext("初始密码（只显示这一次，请当面或通过安全渠道交给本人）：%(password)s") % {
        "password": password
    }


class ApiTokenAddForm(ServiceForm):
    expires_in_days = forms.IntegerField(
        label=_("有效天数"), min_value=1, max_value=TOKEN_MAX_DAYS, initial=TOKEN_DEFAULT_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ("user", "name")

    def apply(self) -> tuple[ApiToken, str]:
        return api_token_create(
            user=self.cleaned_data["user"],
            name=self.cleaned_data["name"],
            expires_in_days=self.cleaned_data["expires_in_days"],
            actor=self.actor,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(CapabilityAdmin):
    list_display = (
        "prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user",)
    readonly_fields = (
        "prefix",
        "name",
        "user",
        "hash_algorithm",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    )
    actions = ("revoke_selected",)

    capability = Capability.MANAGE_TOKENS

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["user", "name", "expires_in_days"] if obj is None else list(self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def saved_object(self, result):
        token, _plaintext = result
        return token

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        _token, plaintext = form.result
        message = gettext("接口令牌（只显示这一次，请立即复制保存）：%(token)s") % {
            "token": plaintext
        }
        self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("吊销所选令牌"))
    def revoke_selected(self, request, queryset) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, actor=request.user)
        self.message_user(request, gettext("所选令牌已吊销。"), messages.SUCCESS)
