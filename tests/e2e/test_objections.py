"""A person objects to a record of their file on the portal, and a provider of the tax bureau
accepts the objection and upholds it, correcting the record: the pages as each of them sees
them. The person's sign-in page belongs to citizen accounts; here the person's browser gets a
signed-in session directly."""

import io

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from PIL import Image

from chengxin.accounts.tests.factories import confirmed_citizen
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.dueprocess.objections.models import Objection
from tests.e2e.test_staff import sign_in_enrolling
from tests.e2e.test_using_data import _person_with_a_serious_tax_record

GROUNDS = "2026年3月的复议决定书已撤销原处罚决定，请核实并更正文书编号。"
REASONS = "经核查，原处罚决定文书编号录入有误，已按复议决定更正。"


def _signed_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _receipt(tmp_path) -> str:
    path = tmp_path / "复议决定书.png"
    image = Image.new("RGB", (320, 200), (245, 245, 240))
    output = io.BytesIO()
    image.save(output, format="PNG")
    path.write_bytes(output.getvalue())
    return str(path)


def test_a_person_objects_and_a_provider_upholds_and_corrects_the_record(
    page, screenshot, db, live_server, tmp_path
):
    # given: the shipped catalog, a person with a serious tax record and a confirmed account
    call_command("seed", verbosity=0)
    person = _person_with_a_serious_tax_record()
    record = CreditRecord.objects.get(source_id__startswith="E2E-")
    citizen = confirmed_citizen(person.id_number, username="zhao.min")
    _signed_in_as(page, live_server, citizen)

    # when: the person opens the form of that record and objects, with a photo of the decision
    page.goto(f"/my/records/{record.pk}/object/")
    screenshot("citizen-objection-form")
    page.get_by_label("记录内容有误").check()
    page.fill("#id_text", GROUNDS)
    page.set_input_files("#id_attachments", _receipt(tmp_path))
    screenshot("citizen-objection-form-filled")
    page.get_by_role("button", name="提交异议").click()

    # then: the objection page says it is filed, the record flagged, and when it is due
    page.wait_for_url("**/my/objections/*/")
    filed = page.locator("main").inner_text()
    assert "待受理" in filed and "异议中" in filed and "办理期限" in filed
    assert person.id_number not in filed
    screenshot("citizen-objection-filed")

    # when: a provider of the tax bureau opens the queue and the case
    page.context.clear_cookies()
    sign_in_enrolling(page, "sun.li")
    page.get_by_role("link", name="异议处理").first.click()
    page.wait_for_url("**/staff/objections/")
    screenshot("staff-objection-queue")
    page.locator("main table a").first.click()
    case = page.locator("main").inner_text()
    assert GROUNDS in case and "复议决定书.png" in case
    screenshot("staff-objection-case")

    # when: the provider accepts it, then upholds it and corrects the document number
    page.get_by_role("button", name="受理该异议").click()
    page.wait_for_url("**/staff/objections/*/")
    page.get_by_label("异议成立", exact=True).check()
    page.select_option("#id_resolution", "corrected")
    page.locator("details summary", has_text="更正记录时").click()
    page.fill("#id_correction__document_no", "齐税稽罚〔2026〕18号")
    page.fill("#id_reasons", REASONS)
    screenshot("staff-objection-decision-form")
    page.get_by_role("button", name="提交决定").click()

    # then: the case is upheld with a corrected version
    page.wait_for_url("**/staff/objections/*/")
    decided = page.locator("main").inner_text()
    assert "已作出处理决定" in decided and "更正记录" in decided
    screenshot("staff-objection-decided")
    current = RecordVersion.objects.get(record=record, superseded_at__isnull=True)
    assert (current.number, current.values["document_no"]) == (2, "齐税稽罚〔2026〕18号")
    assert CreditRecord.objects.get(pk=record.pk).disputed is False

    # when: the person looks at the objection again
    objection = Objection.objects.get()
    _signed_in_as(page, live_server, citizen)
    page.goto(f"/my/objections/{objection.pk}/")

    # then: the decision and its reasons, the flag gone
    result = page.locator("main").inner_text()
    assert "异议成立" in result and REASONS in result
    screenshot("citizen-objection-decided")
