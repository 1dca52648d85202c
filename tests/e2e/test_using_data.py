"""An officer of the tax bureau checks a person before a procurement award, then queries the
person's file and issues a credit report: the pages as the officer sees them."""

import random
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from chengxin.accounts.services import user_create
from chengxin.catalog.selectors import catalog_item_get, catalog_item_table_schema
from chengxin.collection.services import submission_create
from chengxin.collection.synthetic import synthetic_rows
from chengxin.identity.synthetic import demo_people
from chengxin.inquiry.models import CreditReport
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling

ITEM = "major-tax-violation"


def _person_with_a_serious_tax_record():
    """One synthetic person with an active record of the shipped serious tax item."""
    person = demo_people(count=1, seed=11)[0]
    provider = user_create(
        username="sun.li", department_code="tax", role="provider", password=PASSWORD, actor=None
    ).user
    today = timezone.localdate()
    (row,) = synthetic_rows(
        item_schema=catalog_item_table_schema(catalog_item_get(code=ITEM)),
        people=[person],
        rng=random.Random(5),
        today=today,
        source_prefix="E2E-",
    )
    row["decided_on"] = (today - timedelta(days=40)).isoformat()
    answer = submission_create(
        actor=provider,
        department=provider.department,
        item_code=ITEM,
        operation="upsert",
        records=[row],
        idempotency_key="e2e-serious-tax",
    )
    assert answer.rejected == 0, answer.errors
    return person


def test_an_officer_checks_a_person_queries_the_file_and_issues_a_report(
    page, screenshot, db, tmp_path
):
    # given: the shipped catalog, measures and purposes; one person on the key supervision list
    call_command("seed", verbosity=0)
    person = _person_with_a_serious_tax_record()
    user_create(
        username="qian.wei", department_code="tax", role="officer", password=PASSWORD, actor=None
    )
    sign_in_enrolling(page, "qian.wei")

    # when: the officer checks the person for a public procurement award
    page.get_by_role("link", name="奖惩核查").first.click()
    page.fill("#id_id_number", person.id_number)
    page.select_option("#id_matter", "public_procurement")
    page.fill("#id_purpose", "政府采购供应商资格审查")
    page.fill("#id_case_no", "齐采〔2026〕17号")
    screenshot("staff-check-form")
    page.get_by_role("button", name="核查", exact=True).click()

    # then: the answer names the list and the measures, and the number is masked
    page.wait_for_url("**/staff/checks/*/")
    answer = page.locator("main").inner_text()
    assert "重点监管对象名单" in answer
    assert "法律依据" in answer or "依据" in answer
    assert person.id_number not in answer
    assert person.id_number not in page.url
    screenshot("staff-check-answer")

    # when: the officer looks up why the measure applies
    page.get_by_role("link", name="奖惩措施").first.click()

    # then: the catalog lists the shipped measures with their legal basis
    assert "限制参加政府采购活动" in page.locator("main").inner_text()
    screenshot("staff-measures")

    # when: the officer checks a list of bidders from a file
    bidders = tmp_path / "投标人名单.csv"
    bidders.write_bytes(
        f"姓名,身份证号码\r\n{person.name},{person.id_number}\r\n某某,12345\r\n".encode("gb18030")
    )
    page.get_by_role("link", name="奖惩核查").first.click()
    page.get_by_role("link", name="批量核查（上传文件）").click()
    page.set_input_files("#id_file", str(bidders))
    page.select_option("#id_matter", "public_procurement")
    page.fill("#id_purpose", "政府采购投标人资格审查")
    page.fill("#id_case_no", "齐采〔2026〕18号")
    page.get_by_role("button", name="上传并核查").click()

    # then: the batch page counts one person checked and one invalid number
    page.wait_for_url("**/staff/checks/batch/*/")
    batch = page.locator("main").inner_text()
    assert "已完成" in batch and "下载结果" in batch
    screenshot("staff-batch-check")

    # when: the officer queries the person's file for a stated purpose
    page.get_by_role("link", name="信用查询").first.click()
    page.fill("#id_id_number", person.id_number)
    page.select_option("#id_purpose", "administrative_licensing")
    page.fill("#id_case_no", "齐许〔2026〕88号")
    page.get_by_role("button", name="查询", exact=True).click()

    # then: the record is listed with the deciding authority
    page.wait_for_load_state()
    assert "重大税收违法失信" in page.locator("main").inner_text()
    screenshot("staff-profile-query")

    # when: the officer issues a credit report
    page.fill("#id_id_number", person.id_number)
    page.select_option("#id_purpose", "administrative_licensing")
    page.fill("#id_case_no", "齐许〔2026〕88号")
    page.get_by_role("button", name="出具信用报告").click()

    # then: the report page shows its number and verification code; the PDF downloads
    page.wait_for_url("**/staff/inquiry/reports/*/")
    report = page.locator("main").inner_text()
    assert "QQHR-" in report
    assert person.id_number not in report
    screenshot("staff-credit-report")

    # when: anyone holding the report opens the public verification page with its code
    issued = CreditReport.objects.get()
    pdf = page.request.get(f"/staff/inquiry/reports/{issued.number}.pdf").body()
    (tmp_path / "report.pdf").write_bytes(pdf)
    (tmp_path / "changed.pdf").write_bytes(pdf + b"%% appended\n")
    page.goto("/verify/")
    page.fill("#id_code", issued.verification_code.lower())
    page.get_by_role("button", name="核验").click()

    # then: the page confirms the number and shows only the masked identity
    verified = page.locator("main").inner_text()
    assert "报告真实有效" in verified and issued.number in verified
    assert person.id_number not in verified and person.name not in verified

    # when: the reader checks the PDF they were given, then a changed copy
    page.set_input_files("#pdf-file", str(tmp_path / "report.pdf"))

    # then: the file is recognised as the one issued; the changed copy is not
    answer = page.locator("#pdf-check [data-answer]")
    answer.filter(has_text="一致").wait_for()
    assert answer.inner_text() == "该文件与出具的报告一致。"
    screenshot("portal-verify-report")
    page.set_input_files("#pdf-file", str(tmp_path / "changed.pdf"))
    answer.filter(has_text="不一致").wait_for()
