"""A department clerk uploads a file, watches it being imported and downloads the rejected rows."""

import csv
import io
import random
from datetime import date

from django.core.management import call_command

from chengxin.accounts.services import user_create
from chengxin.catalog.selectors import catalog_item_get, catalog_item_table_schema
from chengxin.collection.synthetic import synthetic_rows
from chengxin.collection.tests.factories import imports_stopping_after
from chengxin.identity.synthetic import demo_people
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling

ITEM = "tax-agent-violation"


def _department_file(tmp_path, *, rows: int, bad: int):
    """A GB18030 CSV headed with the Chinese titles, as a department's office software writes."""
    schema = catalog_item_table_schema(catalog_item_get(code=ITEM))
    people = demo_people(count=rows, seed=3)
    values = list(
        synthetic_rows(
            item_schema=schema,
            people=people,
            rng=random.Random(1),
            today=date(2026, 11, 1),
            source_prefix="E-",
        )
    )
    for broken in values[:bad]:
        broken["decided_on"] = "2026年13月1日"
    fields = schema["fields"]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([field["title"] for field in fields])
    for row in values:
        writer.writerow([row.get(field["name"], "") for field in fields])
    path = tmp_path / "涉税服务失信人员.csv"
    path.write_bytes(text.getvalue().encode("gb18030"))
    return path


def test_a_clerk_uploads_a_file_and_watches_its_import(page, screenshot, db, tmp_path):
    # given
    call_command("seed", verbosity=0)
    user_create(
        username="zhao.lei", department_code="tax", role="provider", password=PASSWORD, actor=None
    )
    path = _department_file(tmp_path, rows=300, bad=3)
    sign_in_enrolling(page, "zhao.lei")

    # when: the clerk chooses the item and the file and uploads it
    page.get_by_role("link", name="数据报送").first.click()
    page.select_option("#id_catalog_item", ITEM)
    page.set_input_files("#id_file", str(path))
    screenshot("staff-upload-form")
    page.get_by_role("button", name="上传并导入").click()

    # then: the import waits for the worker, and the page says so
    page.wait_for_url("**/staff/collection/submissions/*/")
    assert "已接收" in page.locator("#submission-progress").inner_text()
    screenshot("staff-upload-queued")

    # when: the worker runs; the page follows by itself
    _run_worker(page)
    page.get_by_role("heading", name="被拒收的行").wait_for(timeout=15_000)

    # then: the results, with the bad rows by line number in the file
    progress = page.locator("#submission-progress").inner_text()
    assert "已完成" in progress
    assert "接受 297" in progress.replace("\n", " ")
    table = page.locator("main table").inner_text()
    assert "decided_on" in table
    screenshot("staff-upload-done")

    # when: the clerk downloads the rejected rows to fix them
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()

    # then
    assert download.value.suggested_filename.endswith("-errors.xlsx")


def test_a_clerk_resumes_an_import_that_stopped(page, screenshot, db, tmp_path, monkeypatch):
    # given: an upload whose import committed its first 100 rows and then stopped
    call_command("seed", verbosity=0)
    user_create(
        username="zhao.lei", department_code="tax", role="provider", password=PASSWORD, actor=None
    )
    sign_in_enrolling(page, "zhao.lei")
    _upload(page, _department_file(tmp_path, rows=300, bad=0))
    with imports_stopping_after(monkeypatch, 1, chunk_rows=100):
        _run_worker(page)
    page.reload()

    # then: the page says where the import stopped and offers to go on
    alert = page.get_by_role("alert").filter(has_text="处理中断")
    assert "已保存至文件第 101 行（100 行数据）" in alert.inner_text()
    assert "正在后台处理" not in page.locator("main").inner_text()
    screenshot("staff-upload-stopped")

    # when: the clerk resumes it and the worker runs
    page.get_by_role("button", name="继续处理").click()
    page.wait_for_url("**/staff/collection/submissions/*/")
    _run_worker(page)
    page.reload()

    # then: every row is in, once
    progress = page.locator("#submission-progress").inner_text().replace("\n", " ")
    assert "已完成" in progress
    assert "接受 300" in progress
    screenshot("staff-upload-resumed")


def _upload(page, path) -> None:
    """Choose the item and the file on the submissions page and upload it."""
    page.get_by_role("link", name="数据报送").first.click()
    page.select_option("#id_catalog_item", ITEM)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/staff/collection/submissions/*/")


def _run_worker(page) -> None:
    """Run the worker once, holding the page's progress polls meanwhile (the test database is
    one in-memory SQLite shared by the test and the server threads)."""
    page.route("**/progress/", lambda route: route.abort())
    call_command("worker", batch=True, verbosity=0)
    page.unroute("**/progress/")
