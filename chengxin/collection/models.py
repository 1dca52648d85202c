"""Submissions, credit records with their versions, and the quarantine of rejected rows.

Personal data: a record references its ``Subject`` (which holds the ID number and name encrypted)
and carries the subject's blind index (``subject_index``) for sharding and look-ups. A version's
``values`` never hold the ID number or the name: those live only in the subject. A quarantined row
keeps its original values encrypted, since they may hold an ID number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.catalog.choices import Category, Severity
from chengxin.collection.choices import (
    Operation,
    RecordStatus,
    SubmissionChannel,
    SubmissionStatus,
)
from chengxin.core import rotation

QUARANTINE_PURPOSE = "collection.quarantine.values"


class Submission(models.Model):
    """One delivery of rows by a provider: an API request, a file or a CLI import.

    ``(department, idempotency_key)`` is unique, so a retried request finds its first answer in
    ``response`` instead of writing twice; ``request_hash`` tells a retry from a different body.
    """

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="submissions"
    )
    item = models.ForeignKey("catalog.CatalogItem", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=8, choices=SubmissionChannel.choices)
    operation = models.CharField(_("操作"), max_length=8, choices=Operation.choices)
    idempotency_key = models.CharField(_("幂等键"), max_length=200, blank=True)
    request_hash = models.CharField(_("请求摘要"), max_length=64, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    received = models.PositiveIntegerField(_("接收行数"), default=0)
    accepted = models.PositiveIntegerField(_("接受行数"), default=0)
    rejected = models.PositiveIntegerField(_("拒收行数"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化行数"), default=0)
    outcomes = models.JSONField(_("各结果行数"), default=dict, blank=True)
    response = models.JSONField(_("应答"), null=True, blank=True)
    # A file submission: its name, size and SHA-256 (duplicate detection), the last row number
    # committed (``position``, for resuming after a crash), an estimate of its data rows for the
    # progress bar, and the problems of the file as a whole.
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_size = models.BigIntegerField(_("文件大小"), null=True, blank=True)
    content_hash = models.CharField(_("文件摘要"), max_length=64, blank=True)
    position = models.PositiveIntegerField(_("已处理至行号"), default=0)
    total_rows = models.PositiveIntegerField(_("预计行数"), null=True, blank=True)
    file_errors = models.JSONField(_("文件错误"), default=list, blank=True)
    file_warnings = models.JSONField(_("文件提示"), default=list, blank=True)
    started_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报送批次")
        verbose_name_plural = _("报送批次")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="collection_submission_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["department", "-created_at"]),
            models.Index(fields=["department", "item", "content_hash"]),
        ]

    def __str__(self) -> str:
        return f"submission {self.pk}"


class SubmissionFile(models.Model):
    """An uploaded file waiting for the worker, encrypted (it holds ID numbers).

    The content is emptied (``purged_at``) as soon as the import has finished: a file is kept only
    as long as it is needed to (re)start its import.
    """

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="stored_file"
    )
    ciphertext = models.BinaryField(_("文件密文"))
    key_id = models.CharField(_("密钥编号"), max_length=32)
    algorithm = models.CharField(_("加密算法"), max_length=32)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    purged_at = models.DateTimeField(_("清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待处理文件")
        verbose_name_plural = _("待处理文件")

    def __str__(self) -> str:
        return f"file of submission {self.submission_id}"


# What the public lists filter by besides the order (``collection_*_listed`` indexes).
LIST_INDEX_INCLUDES = ("item", "category", "department", "disclosure_ends_on", "valid_until")
# The same without the item, for the index that leads with it.
ITEM_LIST_INDEX_INCLUDES = ("category", "department", "disclosure_ends_on", "valid_until")
# What the batch check reads of a person's records besides the status (``collection_record_subject``).
SUBJECT_INDEX_INCLUDES = (
    "decided_on", "category", "severity", "item", "department", "disputed", "id",
)  # fmt: skip


class CreditRecord(models.Model):
    """A record in a person's credit file, identified by (provider, item, ``source_id``).

    ``category`` and ``severity`` are copied from the item so that disclosure and checks need no
    join; the computed dates come from ``lifecycle.record_dates`` (SPEC §5).
    """

    # No index of its own: the unique (department, item, source_id) index starts with it, and
    # every insert of an import pays for each index (docs/performance.md).
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="credit_records",
        db_index=False,
        db_constraint=False,
    )
    item = models.ForeignKey(
        "catalog.CatalogItem",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source_id = models.CharField(_("来源记录编号"), max_length=100)
    # Constrained but not indexed: a person's records are found by ``subject_index``; the index
    # would serve only the database's check when a subject is deleted, which never happens.
    subject = models.ForeignKey(
        "identity.Subject", on_delete=models.PROTECT, related_name="credit_records", db_index=False
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("失信程度"), max_length=16, choices=Severity.choices, blank=True)
    decided_on = models.DateField(_("决定日期"))
    disclosure_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    repairable_from = models.DateField(_("最早可修复日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    disputed = models.BooleanField(_("异议中"), default=False)
    current_version = models.PositiveIntegerField(_("当前版本号"), default=1)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "item", "source_id"], name="collection_record_identity"
            )
        ]
        indexes = [
            # A person's records, and the batch check's reads of many persons' (history and
            # listed records, ``measures.checks.bulk``): the columns they read are carried in
            # the index (PostgreSQL), so a join of many people reads the index alone instead of
            # visiting the table or scanning it whole.
            models.Index(
                fields=["subject_index", "status"],
                include=SUBJECT_INDEX_INCLUDES,
                name="collection_record_subject",
            ),
            models.Index(fields=["status", "disclosure_ends_on"]),
            models.Index(fields=["status", "valid_until"]),
            # The lists (red list, serious dishonesty) read the active records of a few items;
            # a department's records are found by the unique index above.
            models.Index(fields=["item", "status"]),
            # The public site's lists read today's disclosed records newest first, a page at a
            # time (chengxin.portal.selectors.disclosed_records, docs/public.md). The columns the
            # lists filter on are carried in the index (PostgreSQL), so a page's keys are found
            # in the index alone before its rows are read.
            models.Index(
                fields=["-decided_on", "-id"],
                condition=models.Q(status="active", severity="serious"),
                include=LIST_INDEX_INCLUDES,
                name="collection_serious_listed",
            ),
            # The red list's items hold a small share of the positive records, so its pages are
            # read item by item, newest first, and merged (``portal.selectors.page_query``): an
            # index on the order alone would be walked through every other positive record.
            models.Index(
                fields=["item", "-decided_on", "-id"],
                condition=models.Q(status="active", category="positive"),
                include=ITEM_LIST_INDEX_INCLUDES,
                name="collection_positive_by_item",
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.pk}"


class RecordVersion(models.Model):
    """One version of a record: valid time (``valid_from`` … ``valid_to``) and system time
    (``recorded_at`` … ``superseded_at``), so the file can be read as it stood at any moment.

    ``values`` are the cleaned non-personal fields; the ID number and name are only in the subject.
    """

    # No index of its own: the unique (record, number) index starts with it.
    record = models.ForeignKey(
        CreditRecord, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    number = models.PositiveIntegerField(_("版本号"))
    values = models.JSONField(_("字段值"))
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices)
    catalog_version = models.ForeignKey(
        "catalog.CatalogVersion",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"))
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        null=True,
        related_name="versions",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("信用记录版本")
        verbose_name_plural = _("信用记录版本")
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="collection_version_number")
        ]
        indexes = [models.Index(fields=["subject_index", "recorded_at"])]

    def __str__(self) -> str:
        return f"record {self.record_id} v{self.number}"


class QuarantineEntry(models.Model):
    """A rejected row, kept with its original values (encrypted) and one error per problem.

    Cleared (``cleared_at``) when a later submission of the same provider and item accepts a row
    with the same ``source_id``.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="quarantine_entries"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey("catalog.CatalogItem", on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField(_("行号"))
    source_id = models.CharField(_("来源记录编号"), max_length=100, blank=True)
    values_ciphertext = models.BinaryField(_("原始值密文"))
    values_key_id = models.CharField(_("原始值密钥编号"), max_length=32)
    values_algorithm = models.CharField(_("原始值加密算法"), max_length=32)
    errors = models.JSONField(_("错误"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    cleared_by_submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("隔离行")
        verbose_name_plural = _("隔离行")
        indexes = [
            models.Index(fields=["department", "item", "source_id"]),
            models.Index(fields=["submission", "row_number"]),
        ]

    def __str__(self) -> str:
        return f"quarantine {self.pk}"


rotation.register(
    QuarantineEntry,
    ciphertext_field="values_ciphertext",
    key_id_field="values_key_id",
    algorithm_field="values_algorithm",
    purpose=QUARANTINE_PURPOSE,
)
