"""Forms of the collection app's staff pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.catalog.models import CatalogItem
from chengxin.collection.limits import FILE_NAME_MAX_LENGTH
from chengxin.core.errors import DomainError


class UploadForm(forms.Form):
    """A file of one catalog item that the user's department provides."""

    catalog_item = forms.ChoiceField(label=_("目录项"))
    file = forms.FileField(
        label=_("文件（CSV 或 XLSX）"),
        max_length=FILE_NAME_MAX_LENGTH,
        help_text=_(
            "可使用目录项的 XLSX 模板，也可使用表头为字段中文名称或字段名的 CSV（UTF-8 或 GB18030）。"
        ),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        items = CatalogItem.objects.filter(departments=user.department_id, is_active=True).order_by(
            "code"
        )
        self.fields["catalog_item"].choices = [
            (item.code, f"{item.name}（{item.code}）") for item in items
        ]
        self.refusal = ""

    def add_refusal(self, error: DomainError) -> None:
        """Show a refusal of the whole file, with each problem of the file on its own line."""
        problems = error.details.get("file_errors") or []
        if not problems:
            self.refusal = error.message
            return
        self.refusal = _("文件无法导入，请修改以下问题后重新上传。")
        for problem in problems:
            self.add_error("file", str(problem["message"]))
