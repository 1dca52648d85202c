"""Training of credit practitioners in the browser: a reviewer creates a course and a session,
enrols a trainee, takes attendance and issues the certificate; anyone verifies it on the public
site by its code and sees a masked name. A school officer opens a student's campus file and is
refused for a student under 18. A unit plans and reports a campaign activity, shown on the
public page of its date."""

from __future__ import annotations

import datetime
import re

from django.core.management import call_command
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.services import user_create
from chengxin.collection.tests.factories import id_number
from chengxin.education import campus
from chengxin.education.models import Certificate, School
from chengxin.identity.synthetic import synthetic_id_number
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling


def test_a_reviewer_runs_a_course_and_anyone_verifies_the_certificate(page, screenshot, db):
    # given: the reference data and a reviewer of the credit office
    call_command("seed", verbosity=0)
    user_create(
        username="wang.pei",
        department_code="market",
        role=Role.REVIEWER,
        password=PASSWORD,
        actor=None,
    )
    today = timezone.localdate()

    # when: the reviewer creates a course and a session from the menu
    sign_in_enrolling(page, "wang.pei")
    page.get_by_role("link", name="从业人员培训").click()
    page.get_by_role("link", name="新建培训课程").click()
    page.fill("#id_title", "个人征信业务合规培训")
    page.fill("#id_description", "征信业管理条例、个人信息保护法要点与信用修复实务。")
    page.fill("#id_hours", "16")
    page.get_by_label("主办单位").select_option(label="齐齐哈尔市市场监督管理局")
    screenshot("training-course-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/staff/training/courses/*/")
    page.fill("#id_starts_on", (today - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_ends_on", today.isoformat())
    page.fill("#id_place", "市政务服务中心三楼培训室")
    page.fill("#id_capacity", "30")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/staff/training/sessions/*/")

    # and: enrols two trainees, marks one attended and issues the certificate
    for name, sequence in (("周文静", 71), ("吴国栋", 72)):
        page.fill("#id_name", name)
        page.fill("#id_id_number", id_number(sequence))
        page.get_by_role("button", name="报名").click()
        page.wait_for_url("**/staff/training/sessions/*/")
    assert id_number(71) not in page.content()
    page.locator("input[name=attended]").first.check()
    page.get_by_role("button", name="保存本页考勤").click()
    page.get_by_role("button", name="颁发证书").click()
    page.wait_for_url("**/staff/training/sessions/*/")
    screenshot("training-session")
    certificate = Certificate.objects.get()
    assert re.fullmatch(r"PX-\d{4}-000001", certificate.number)
    assert certificate.number in page.locator("main").inner_text()
    page.get_by_role("link", name="培训证书").first.click()
    screenshot("training-certificates")

    # then: anyone verifies the certificate by its code and sees the holder's name masked
    page.goto("/certificates/verify/")
    page.fill("#id_code", certificate.verification_code.lower())
    page.get_by_role("button", name="核验").click()
    main = page.locator("main").inner_text()
    assert "证书真实有效" in main
    assert certificate.number in main and "周**" in main and "周文静" not in main
    screenshot("certificate-verified")

    # and: a wrong code says so
    page.fill("#id_code", "AAAA-BBBB-CCCC")
    page.get_by_role("button", name="核验").click()
    assert "没有与该验证码对应的培训证书" in page.locator("main").inner_text()
    screenshot("certificate-not-found")


def test_a_school_officer_opens_an_adult_students_file_and_is_refused_for_a_minor(
    page, screenshot, db
):
    # given: a school of the education bureau and an officer acting for it
    call_command("seed", verbosity=0)
    reviewer = user_create(
        username="zhou.shen", department_code="market", role=Role.REVIEWER, actor=None
    ).user
    school = campus.school_register(
        actor=reviewer, name="齐齐哈尔大学", code="4123010232", department=reviewer.department
    )
    School.objects.filter(pk=school.pk).update(department_id=_education_department_id())
    user_create(
        username="sun.xiao",
        department_code="education",
        role=Role.OFFICER,
        password=PASSWORD,
        actor=None,
    )
    minor = synthetic_id_number(
        region_code="230202", birth_date=datetime.date(2010, 3, 1), sequence=81
    )
    adult = synthetic_id_number(
        region_code="230202", birth_date=datetime.date(2004, 3, 1), sequence=82
    )

    # when: the officer asks for a minor's file
    sign_in_enrolling(page, "sun.xiao")
    page.get_by_role("link", name="查阅校园诚信档案").click()
    page.get_by_label("用途").select_option(label="奖学金评定")
    page.fill("#id_case_no", "奖学金〔2026〕12号")
    page.fill("#id_id_number", minor)
    page.get_by_role("button", name="查阅").click()

    # then: refused with the reason, the number not shown back
    main = page.locator("main").inner_text()
    assert "未满18周岁" in main
    assert minor not in page.content()
    screenshot("campus-refused-minor")

    # when: an adult student's file
    page.fill("#id_id_number", adult)
    page.fill("#id_case_no", "奖学金〔2026〕12号")
    page.get_by_role("button", name="查阅").click()
    assert "档案内容" in page.locator("main").inner_text()
    assert adult not in page.content()
    screenshot("campus-opened")
    page.get_by_role("link", name="查阅记录").click()
    assert "奖学金评定" in page.locator("main").inner_text()
    screenshot("campus-accesses")


def test_a_unit_plans_and_reports_an_activity_shown_on_its_calendar_date(page, screenshot, db):
    # given
    call_command("seed", verbosity=0)
    user_create(
        username="li.na", department_code="tax", role=Role.PROVIDER, password=PASSWORD, actor=None
    )
    # when: the unit plans an activity for 6.14 and reports it
    sign_in_enrolling(page, "li.na")
    page.get_by_role("link", name="宣传活动").click()
    page.get_by_label("宣传节点").select_option(label="全国信用记录关爱日")
    page.fill("#id_title", "信用记录关爱日纳税信用宣传")
    page.fill("#id_description", "在办税服务厅设咨询台，讲解纳税信用评价。")
    page.get_by_role("button", name="登记计划").click()
    page.get_by_role("link", name="报告开展情况").click()
    page.fill("#id_report", "接待纳税人咨询150余人次，发放《信用知识读本》300册。")
    page.fill("#id_participants", "150")
    page.set_input_files(
        "#id_attachments", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="提交报告").click()
    assert "已报告" in page.locator("main").inner_text()
    screenshot("activities-unit")
    # then: the public page of the date shows the report and the photo
    page.goto("/campaigns/credit-record-day/")
    main = page.locator("main").inner_text()
    assert "接待纳税人咨询150余人次" in main and "150" in main
    assert page.locator(".campaign-photos img").count() == 1
    page.wait_for_function("document.querySelector('.campaign-photos img').naturalWidth > 0")
    screenshot("campaign-day-public")


def _education_department_id() -> int:
    from chengxin.accounts.models import Department

    return Department.objects.get(code="education").pk


def _png() -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (480, 300), (46, 108, 164)).save(output, format="PNG")
    return output.getvalue()
