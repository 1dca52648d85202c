"""A person applies on the portal to repair a serious tax record once its earliest repair date
has passed, with a receipt and the accepted credit commitment, and a provider of the tax bureau
approves the repair: the pages as each of them sees them. The record leaves the check answers;
the person still sees it, repaired, in their own pages."""

import io
import random
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from chengxin.accounts.services import user_create
from chengxin.accounts.tests.factories import confirmed_citizen
from chengxin.catalog.selectors import catalog_item_get, catalog_item_table_schema
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.collection.services import submission_create
from chengxin.collection.synthetic import synthetic_rows
from chengxin.dueprocess.repairs.models import Repair
from chengxin.identity.synthetic import demo_people
from tests.e2e.test_objections import _signed_in_as
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling
from tests.e2e.test_using_data import ITEM

EXPLANATION = "所欠税款、滞纳金和罚款已于2026年9月全部缴清，附完税证明。"


def _person_with_a_repairable_tax_record():
    """One synthetic person with a record of the shipped serious tax item decided 400 days ago:
    past its twelve months, still disclosed."""
    person = demo_people(count=1, seed=12)[0]
    provider = user_create(
        username="sun.li", department_code="tax", role="provider", password=PASSWORD, actor=None
    ).user
    today = timezone.localdate()
    (row,) = synthetic_rows(
        item_schema=catalog_item_table_schema(catalog_item_get(code=ITEM)),
        people=[person],
        rng=random.Random(6),
        today=today,
        source_prefix="E2E-",
    )
    row["decided_on"] = (today - timedelta(days=400)).isoformat()
    answer = submission_create(
        actor=provider,
        department=provider.department,
        item_code=ITEM,
        operation="upsert",
        records=[row],
        idempotency_key="e2e-repairable-tax",
    )
    assert answer.rejected == 0, answer.errors
    return person


def _receipt(tmp_path) -> str:
    path = tmp_path / "完税证明.png"
    image = Image.new("RGB", (320, 200), (240, 245, 250))
    output = io.BytesIO()
    image.save(output, format="PNG")
    path.write_bytes(output.getvalue())
    return str(path)


def test_a_person_applies_for_repair_and_a_provider_approves_it(
    page, screenshot, db, live_server, tmp_path
):
    # given: a person with a serious tax record decided 400 days ago (repairable after a year)
    call_command("seed", verbosity=0)
    person = _person_with_a_repairable_tax_record()
    record = CreditRecord.objects.get(source_id__startswith="E2E-")
    citizen = confirmed_citizen(person.id_number, username="zhou.hong")
    _signed_in_as(page, live_server, citizen)

    # when: the person opens the repair form of that record, attaches the receipt and accepts
    page.goto(f"/my/records/{record.pk}/repair/")
    form = page.locator("main").inner_text()
    assert "本服务免费" in form and "信用承诺书" in form
    screenshot("citizen-repair-form")
    page.fill("#id_text", EXPLANATION)
    page.set_input_files("#id_attachments", _receipt(tmp_path))
    page.get_by_label("我已阅读并接受上述信用承诺书").check()
    screenshot("citizen-repair-form-filled")
    page.get_by_role("button", name="提交修复申请").click()

    # then: the application page says it waits for the decision, and until when
    page.wait_for_url("**/my/repairs/*/")
    applied = page.locator("main").inner_text()
    assert "待决定" in applied and "决定期限" in applied and "本服务免费" in applied
    assert person.id_number not in applied
    screenshot("citizen-repair-applied")

    # when: a provider of the tax bureau opens the repair queue and the case
    page.context.clear_cookies()
    sign_in_enrolling(page, "sun.li")
    page.get_by_role("link", name="信用修复办理").first.click()
    page.wait_for_url("**/staff/repairs/")
    screenshot("staff-repair-queue")
    page.locator("main table a").first.click()
    case = page.locator("main").inner_text()
    assert EXPLANATION in case and "完税证明.png" in case and "信用承诺书" in case
    screenshot("staff-repair-case")

    # when: the provider approves it
    page.get_by_label("准予修复", exact=True).check()
    page.fill("#id_reasons", "已履行全部义务，准予修复。")
    page.get_by_role("button", name="提交决定").click()

    # then: the record is repaired
    page.wait_for_url("**/staff/repairs/*/")
    decided = page.locator("main").inner_text()
    assert "已作出信用修复决定" in decided and "已修复" in decided
    screenshot("staff-repair-approved")
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.REPAIRED

    # when: the person looks at the application again
    repair = Repair.objects.get()
    _signed_in_as(page, live_server, citizen)
    page.goto(f"/my/repairs/{repair.pk}/")

    # then: approved, the record repaired but still shown to the person
    result = page.locator("main").inner_text()
    assert "准予修复" in result and "已修复" in result
    screenshot("citizen-repair-approved")
