"""``chengxin integrity``: count the rows of the ingest tables whose parent row is missing.

Exit status 0 when every reference holds, 1 otherwise (``collection.integrity``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chengxin.collection.integrity import dangling_references


class Command(BaseCommand):
    help = _("检查信用记录及其版本引用的部门、目录项、目录版本、报送批次和用户是否都存在。")

    def handle(self, *args, **options) -> None:
        broken = 0
        for reference in dangling_references():
            line = f"{reference.table}.{reference.column} -> {reference.target}: {reference.count}"
            self.stdout.write(line)
            broken += reference.count
        if broken:
            raise CommandError(
                _("有%(count)d行引用了不存在的记录，请从备份恢复缺失的行或联系维护人员。")
                % {"count": broken}
            )
        self.stdout.write(_("所有引用均完整。"))
