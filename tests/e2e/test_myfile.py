"""A person reads their credit file, opts out of a good-conduct record and takes it back, finds
an officer's check in who looked and challenges it; the officer's department answers the
challenge on its queue: the pages as each of them sees them."""

import random
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from chengxin.accounts.services import user_create
from chengxin.accounts.tests.factories import confirmed_citizen
from chengxin.catalog.selectors import catalog_item_get, catalog_item_table_schema
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.dueprocess.myfile.models import AccessChallenge
from chengxin.measures.checks.services import check_run
from tests.e2e.test_objections import _signed_in_as
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling
from tests.e2e.test_using_data import _person_with_a_serious_tax_record

HONOUR = "outstanding-volunteer"
REASON = "我从未向税务部门申请过政府采购，不认可这次核查。"
EXPLANATION = "该次核查为政府采购项目供应商资格审查，系核查人员录入号码有误，已更正。"


def _honour_of(person) -> CreditRecord:
    """An active 优秀志愿者 record of ``person`` from the civilization office."""
    from chengxin.collection.synthetic import synthetic_rows

    provider = user_create(
        username="wen.ming",
        department_code="civilization",
        role="provider",
        password=PASSWORD,
        actor=None,
    ).user
    today = timezone.localdate()
    (row,) = synthetic_rows(
        item_schema=catalog_item_table_schema(catalog_item_get(code=HONOUR)),
        people=[person],
        rng=random.Random(7),
        today=today,
        source_prefix="E2E-H-",
    )
    row["decided_on"] = (today - timedelta(days=60)).isoformat()
    answer = submission_create(
        actor=provider,
        department=provider.department,
        item_code=HONOUR,
        operation="upsert",
        records=[row],
        idempotency_key="e2e-honour",
    )
    assert answer.rejected == 0, answer.errors
    return CreditRecord.objects.get(source_id__startswith="E2E-H-")


def test_a_person_reads_the_file_opts_out_and_challenges_a_look(page, screenshot, db, live_server):
    # given: the shipped catalog, a person with a serious tax record and an honour, an account,
    # and a check of the person by an officer of the tax bureau
    call_command("seed", verbosity=0)
    person = _person_with_a_serious_tax_record()
    honour = _honour_of(person)
    officer = user_create(
        username="qian.feng", department_code="tax", role="officer", password=PASSWORD, actor=None
    ).user
    check_run(
        actor=officer,
        id_number=person.id_number,
        matter="public_procurement",
        case_no="齐采〔2026〕15号",
        purpose="政府采购供应商资格审查",
    )
    citizen = confirmed_citizen(person.id_number, username="zhao.min")
    _signed_in_as(page, live_server, citizen)

    # when: the person opens their credit file
    page.goto("/my/")

    # then: both records, why they are there, the dates, and the report offered; no full number
    file_text = page.locator("main").inner_text()
    assert "优秀志愿者" in file_text and "重大税收违法失信" in file_text
    assert "最早可修复" in file_text and "下载本人信用报告" in file_text
    assert person.id_number not in file_text
    screenshot("citizen-my-file")

    # when: the person opens the honour and opts out of it
    page.get_by_role("link", name="优秀志愿者").click()
    page.wait_for_url(f"**/my/records/{honour.pk}/")
    screenshot("citizen-my-record")
    page.get_by_role("button", name="退出该守信记录").click()

    # then: the record is withdrawn, still in the person's own file, and can be reinstated
    page.wait_for_url(f"**/my/records/{honour.pk}/")
    withdrawn = page.locator("main").inner_text()
    assert "已退出" in withdrawn and "恢复该守信记录" in withdrawn
    assert CreditRecord.objects.get(pk=honour.pk).status == RecordStatus.WITHDRAWN
    screenshot("citizen-opted-out")
    page.get_by_role("button", name="恢复该守信记录").click()
    page.wait_for_url(f"**/my/records/{honour.pk}/")
    assert CreditRecord.objects.get(pk=honour.pk).status == RecordStatus.ACTIVE

    # when: the person opens who looked and challenges the check
    page.goto("/my/lookups/")
    looks = page.locator("main").inner_text()
    assert "齐采〔2026〕15号" in looks and "qian.feng" not in looks
    screenshot("citizen-who-looked")
    page.get_by_role("link", name="我不认可这次查询").first.click()
    page.fill("#id_reason", REASON)
    screenshot("citizen-challenge-form")
    page.get_by_role("button", name="提交核实申请").click()

    # then: the challenge is open
    page.wait_for_url("**/my/challenges/*/")
    assert "待答复" in page.locator("main").inner_text()
    screenshot("citizen-challenge-open")

    # when: the officer's department answers on its queue
    page.context.clear_cookies()
    sign_in_enrolling(page, "qian.feng")
    page.goto("/staff/challenges/")
    screenshot("staff-challenge-queue")
    page.locator("main table a").first.click()
    assert REASON in page.locator("main").inner_text()
    page.fill("#id_explanation", EXPLANATION)
    screenshot("staff-challenge-answer-form")
    page.get_by_role("button", name="答复").click()
    page.wait_for_url("**/staff/challenges/*/")

    # then: the person reads the explanation
    challenge = AccessChallenge.objects.get()
    _signed_in_as(page, live_server, citizen)
    page.goto(f"/my/challenges/{challenge.pk}/")
    answered = page.locator("main").inner_text()
    assert "已答复" in answered and EXPLANATION in answered
    screenshot("citizen-challenge-answered")
