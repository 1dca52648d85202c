"""HTTP answers of the collection app shared by the API and the staff pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from chengxin.catalog.selectors import catalog_item_current_version, catalog_version_table_schema
from chengxin.collection.exports import rejected_rows_csv, rejected_rows_xlsx
from chengxin.collection.models import Submission

CSV_FORMAT = "csv"
XLSX_FORMAT = "xlsx"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rejected_rows_response(
    submission: Submission, rows: list[dict[str, Any]], *, export_format: str
) -> HttpResponse:
    """The rejected rows of ``submission`` as a CSV or XLSX download, headed with the item's
    current Chinese titles so that the fixed file can be uploaded again."""
    version = catalog_item_current_version(submission.item)
    columns = catalog_version_table_schema(version)["fields"]
    if export_format == CSV_FORMAT:
        content, content_type = rejected_rows_csv(rows, columns=columns), CSV_CONTENT_TYPE
    else:
        content, content_type = rejected_rows_xlsx(rows, columns=columns), XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    filename = f"submission-{submission.pk}-errors.{export_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
