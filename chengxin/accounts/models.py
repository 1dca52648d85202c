"""Departments and users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.choices import (
    ACTIVE_CITIZEN_STATUSES,
    ADMINISTRATIVE_ROLES,
    STAFF_ROLES,
    CitizenAccountStatus,
    DepartmentKind,
    IdentityProofing,
    NoticeKind,
    Role,
    TokenHashAlgorithm,
)


class Department(models.Model):
    """A responsible unit of the work plan (市税务局, 市法院, …) that provides or uses records.

    Reference data: loaded by ``chengxin seed`` and editable afterwards. ``code`` is stable and is
    what files, the CLI and the API refer to.
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    kind = models.CharField(
        _("类别"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.GOVERNMENT
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    is_credit_office = models.BooleanField(_("信用办（牵头单位）"), default=False)
    succeeds = models.CharField(
        _("原单位名称"),
        max_length=200,
        blank=True,
        help_text=_("2017年工作方案中的单位名称（机构改革前）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: staff of a department, the credit office, or a citizen.

    Staff of providing and using departments belong to exactly one department; the
    administrative roles (system admin, security admin, auditor) are separate accounts.
    """

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["provider", "officer"])
                | models.Q(department__isnull=False),
                name="accounts_user_department_staff_has_department",
                violation_error_message=_("报送员和经办员必须指定所属部门。"),
            ),
            # Citizens sign in with their e-mail address (or mobile number): one account each.
            # Closed and refused accounts have theirs cleared (docs/citizens.md).
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(role="citizen") & ~models.Q(email=""),
                name="accounts_user_citizen_email_unique",
                violation_error_message=_("该电子邮箱已被其他账户使用。"),
            ),
        ]

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_administrative(self) -> bool:
        return self.role in ADMINISTRATIVE_ROLES


class ApiToken(models.Model):
    """A bearer token for the API, belonging to one user.

    Only the hash of the token is stored; the plaintext is shown once, when it is issued. ``prefix``
    (the first characters of the plaintext) identifies a token in lists and on the command line
    without revealing it. A token is usable while it is neither expired nor revoked and its user is
    active. Created and revoked only through ``accounts.services``.
    """

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途说明"), max_length=100)
    prefix = models.CharField(_("令牌前缀"), max_length=16, unique=True)
    token_hash = models.CharField(_("令牌摘要"), max_length=128, unique=True)
    hash_algorithm = models.CharField(
        _("摘要算法"),
        max_length=16,
        choices=TokenHashAlgorithm.choices,
        default=TokenHashAlgorithm.SHA256,
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("签发人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("吊销人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def has_expired(self, *, now) -> bool:
        return self.expires_at <= now

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CitizenAccount(models.Model):
    """A citizen's account bound to one person by the blind index of the person's ID number.

    Invariants: at most one pending or confirmed account per person (a database constraint); the
    number itself is never stored here, only its blind index and its mask for the owner; a
    pending account sees nothing of the file until its identity is proofed (at the service
    counter, or by the real-name identity provider). Changed only through ``accounts.services``.
    """

    user = models.OneToOneField(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="citizen_account"
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    id_masked = models.CharField(_("证件号码（脱敏）"), max_length=18)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CitizenAccountStatus.choices,
        default=CitizenAccountStatus.PENDING,
    )
    proofing = models.CharField(_("身份核验方式"), max_length=16, choices=IdentityProofing.choices)
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    # The person's file (if any) holds another name than the one given at sign-up: counter
    # staff see the flag, the applicant never sees the file's name.
    name_differs = models.BooleanField(_("姓名与档案不一致"), default=False)
    notify_by_email = models.BooleanField(_("邮件通知"), default=False)
    notify_by_sms = models.BooleanField(_("短信通知"), default=False)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        verbose_name=_("核验人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    refused_at = models.DateTimeField(_("不予核验时间"), null=True, blank=True)
    refused_by = models.ForeignKey(
        User,
        verbose_name=_("不予核验人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal_reason = models.CharField(_("不予核验原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("公众账户")
        verbose_name_plural = _("公众账户")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_index"],
                condition=models.Q(status__in=ACTIVE_CITIZEN_STATUSES),
                name="accounts_citizen_one_active_account_per_person",
                violation_error_message=_("该身份证号码已注册账户。"),
            ),
            # Citizens sign in with their mobile number (or e-mail address): one account each.
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~models.Q(mobile=""),
                name="accounts_citizen_mobile_unique",
                violation_error_message=_("该手机号码已被其他账户使用。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.id_masked} ({self.get_status_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == CitizenAccountStatus.CONFIRMED

    @property
    def is_pending(self) -> bool:
        return self.status == CitizenAccountStatus.PENDING


class Notice(models.Model):
    """A message to a person with an account (SPEC §8): shown in the account's inbox, and sent by
    e-mail or SMS when the person chose so. It never carries a full ID number (its text goes
    through the free-text guard). Written only by ``accounts.notices.notice_send``."""

    user = models.ForeignKey(
        User, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("类别"), max_length=32, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), max_length=2000)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    channels = models.JSONField(_("发送渠道"), default=list)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
