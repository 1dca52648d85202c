"""The permission matrix: for every route and API operation, the answer each role gets.

Columns, in this order (``matrix_world.ROLES``):

    anon  anonymous visitor
    cit   citizen A, signed in, bound to the person the objects are about
    cit'  citizen B, signed in, bound to another person
    prov  provider of the department that owns the objects (tax)
    off   officer of that department
    prov' provider of another department (court)
    off'  officer of another department
    rev   credit-office reviewer
    adm   system admin
    sec   security admin
    aud   auditor

Staff call the API with a bearer token and pages with a verified session; the citizen has a
session. Pages send anonymous visitors to the sign-in page (302). Another department's objects
are not found (404), so their existence is not revealed. A new route needs its line here.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from chengxin.collection.tests.factories import csv_bytes, id_number, row, valid_rows
from chengxin.supervision.tests.factories import uscc as supervision_uscc
from tests.system.matrix_world import (
    AGENCY_PURPOSE,
    CASE_NO,
    MATTER,
    PENDING_PERSON,
    PERSON,
    PURPOSE,
    REPORT_CASE_NO,
    REPORT_PURPOSE,
    SIGN_UP_PERSON,
    World,
)

ADMIN_OBJECT = "admin:"
_ADMIN_APP_LIST = (
    "staff/admin/^(?P<app_label>auth|otp_totp|otp_static|axes|django_tasks_database|core|audit"
    "|accounts|identity|catalog|measures)/$"
)
_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>[A-Za-z_]+)>")
Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    """One route and method: how to call it and the status each role gets (``expect``, one
    status per column of the module docstring, separated by spaces)."""

    method: str
    route: str
    expect: str
    path: dict[str, str] = field(default_factory=dict)
    body: Body | None = None
    encoding: str = "json"
    target: str = ""  # the URL itself, for routes written as regular expressions
    headers: dict[str, str] = field(default_factory=dict)
    signs_out: bool = False  # its answer to everyone is the way back to the sign-in page

    @property
    def key(self) -> str:
        return f"{self.method} /{self.route}"

    @property
    def statuses(self) -> list[int]:
        return [int(status) for status in self.expect.split()]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def url(self, world: World) -> str:
        if self.target:
            return self.target

        def value(match: re.Match) -> str:
            key = self.path[match["name"]]
            if key.startswith(ADMIN_OBJECT):
                return _first_object_id(key.removeprefix(ADMIN_OBJECT))
            return str(world[key]) if key in world.values else key

        return "/" + _PARAMETER.sub(value, self.route)

    def send(self, client, world: World, headers: dict[str, str]):
        url = self.url(world)
        headers = {**headers, **self.headers}
        if self.method == "GET":
            return client.get(url, **headers)
        body = self.body(world) if self.body else {}
        if self.encoding == "json":
            return client.post(url, json.dumps(body), content_type="application/json", **headers)
        return client.post(url, body, **headers)


def _first_object_id(label: str) -> str:
    """The id of the oldest object of a model (``app/model``), or 0 when there is none."""
    model = apps.get_model(*label.split("/"))
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return str(first if first is not None else 0)


def _submission_body(world: World) -> dict[str, Any]:
    return {"catalog_item": world["item"], "operation": "upsert", "records": [row("N-1")]}


def _upload_body(world: World) -> dict[str, Any]:
    content = csv_bytes(valid_rows(2, start=50))
    return {"catalog_item": world["item"], "file": SimpleUploadedFile("处罚.csv", content)}


def _check_body(world: World) -> dict[str, Any]:
    return {
        "id_number": id_number(PERSON),
        "matter": MATTER,
        "case_no": CASE_NO,
        "purpose": PURPOSE,
    }


def _batch_body(world: World) -> dict[str, Any]:
    return {**_check_body(world), "id_numbers": [id_number(PERSON)]}


def _batch_upload(world: World) -> dict[str, Any]:
    numbers = f"身份证号码\n{id_number(PERSON)}\n".encode()
    fields = {key: value for key, value in _check_body(world).items() if key != "id_number"}
    return {**fields, "file": SimpleUploadedFile("名单.csv", numbers)}


FEEDBACK_REASON = "已限制其参加本次采购。"


def _feedback_body(world: World) -> dict[str, Any]:
    return {"measure_code": world["measure"], "applied": True, "reason": FEEDBACK_REASON}


def _feedback_form(world: World) -> dict[str, Any]:
    code = world["measure"]
    fields = {"measure_code": code, "applied": "1", "reason": FEEDBACK_REASON, "date": "2026-12-01"}
    return {"measure_code": code, **{f"{code}-{name}": value for name, value in fields.items()}}


def _profile_body(world: World) -> dict[str, Any]:
    return {"id_number": id_number(PERSON), "purpose": REPORT_PURPOSE, "case_no": REPORT_CASE_NO}


def _query_form(world: World) -> dict[str, Any]:
    return {**_profile_body(world), "action": "query"}


def _verification_form(world: World) -> dict[str, Any]:
    return {"code": world["verification_code"]}


def _receipt_body(world: World) -> dict[str, Any]:
    return {"receipt": {"check_id": world["check"]}}


OBJECTION_TEXT = "该记录内容有误。"


def _objection_form(world: World) -> dict[str, Any]:
    return {"grounds": "wrong", "text": OBJECTION_TEXT}


def _counter_form(world: World) -> dict[str, Any]:
    return {
        "record_id": world["objectionable_record"],
        "id_number": id_number(PERSON),
        "grounds": "not_mine",
        "text": OBJECTION_TEXT,
        "power_of_attorney": SimpleUploadedFile("授权委托书.pdf", b"%PDF-1.4\n%%EOF\n"),
    }


def _refusal_form(world: World) -> dict[str, Any]:
    return {"reason": "unrelated", "reasons": "异议内容与该记录无关。"}


def _extension_form(world: World) -> dict[str, Any]:
    return {"working_days": 10, "reason": "需调取案卷。"}


def _decision_form(world: World) -> dict[str, Any]:
    return {"outcome": "rejected", "reasons": "经核查，记录无误。"}


def _review_decision_form(world: World) -> dict[str, Any]:
    return {"outcome": "confirmed", "reasons": "维持原决定。"}


def _statement_form(world: World) -> dict[str, Any]:
    return {"text": "本人对该记录有不同意见。"}


def _review_request_form(world: World) -> dict[str, Any]:
    return {"reason": "请信用办复核。"}


def _sign_in_form(world: World) -> dict[str, Any]:
    return {"username": "matrix-officer", "password": "wrong password"}


def _sign_up_form(world: World) -> dict[str, Any]:
    password = "Matrix-sign-up-2026"
    return {
        "id_number": id_number(SIGN_UP_PERSON),
        "name": "钱七",
        "mobile": "13900000005",
        "email": "",
        "password": password,
        "password_again": password,
        "agreed": "on",
    }


def _citizen_sign_in_form(world: World) -> dict[str, Any]:
    return {"username": "13900000004", "password": "wrong password"}


def _contact_form(world: World) -> dict[str, Any]:
    return {"mobile": "13900000009", "email": "", "notify_by_sms": "on"}


def _close_form(world: World) -> dict[str, Any]:
    return {"password": "wrong password"}


def _reset_form(world: World) -> dict[str, Any]:
    return {"email": "matrix-citizen@example.cn"}


def _counter_confirm_form(world: World) -> dict[str, Any]:
    return {"id_number": id_number(PENDING_PERSON)}


def _counter_refuse_form(world: World) -> dict[str, Any]:
    return {"reason": "证件与申请人不符"}


def _language_form(world: World) -> dict[str, Any]:
    return {"language": "en", "next": "/"}


def _display_form(world: World) -> dict[str, Any]:
    return {"text_size": "large", "contrast": "high", "next": "/"}


def _tipoff_form(world: World) -> dict[str, Any]:
    return {"category": "dishonest_conduct", "text": "某公司提供虚假纳税证明。"}


def _tipoff_status_form(world: World) -> dict[str, Any]:
    return {"number": world["tipoff_number"], "code": "WRONG-CODE-0000"}


def _tipoff_route_form(world: World) -> dict[str, Any]:
    return {"department": world["tax_department_id"], "note": ""}


def _tipoff_refuse_form(world: World) -> dict[str, Any]:
    return {"reason": "no_facts", "reasons": "举报内容不具体。"}


def _tipoff_answer_form(world: World) -> dict[str, Any]:
    return {"outcome": "not_substantiated", "answer": "经核查，举报不属实。"}


def _public_query_form(world: World) -> dict[str, Any]:
    return {"name": "王小明", "id_number": id_number(PERSON)}


def _repair_application(world: World) -> dict[str, Any]:
    return {
        "text": "罚款已缴清。",
        "attachments": SimpleUploadedFile("缴款凭证.pdf", b"%PDF-1.4\n%%EOF\n"),
        "commitment_version": world["commitment_version"],
        "commitment_accepted": "true",
    }


def _repair_counter_form(world: World) -> dict[str, Any]:
    return {
        **_repair_application(world),
        "record_id": world["repairable_record"],
        "id_number": id_number(PERSON),
        "power_of_attorney": SimpleUploadedFile("授权委托书.pdf", b"%PDF-1.4\n%%EOF\n"),
    }


def _repair_decision_form(world: World) -> dict[str, Any]:
    return {"outcome": "rejected", "reasons": "罚款尚未缴清。"}


SUBMISSION = {"submission_id": "submission"}
CHECK = {"check_id": "check"}
BATCH = {"batch_id": "batch"}
REPORT = {"number": "report"}
ITEM = {"code": "item"}
FORM = "form"
MULTIPART = "multipart"
KEY = {"HTTP_IDEMPOTENCY_KEY": "matrix-1"}
OBJECTION = {"objection_id": "objection"}
OBJECTION_ACCEPTED = {"objection_id": "objection_accepted"}
OBJECTION_REJECTED = {"objection_id": "objection_rejected"}
OBJECTION_REVIEW = {"objection_id": "objection_review"}
OBJECTION_FILE = {**OBJECTION, "attachment_id": "objection_attachment"}
OBJECTIONABLE_RECORD = {"record_id": "objectionable_record"}
HONOUR_RECORD = {"record_id": "honour_record"}
WITHDRAWN_RECORD = {"record_id": "withdrawn_record"}
LOOK = {"kind": "look_kind", "access_id": "look_id"}
CHALLENGE = {"challenge_id": "challenge"}
CHALLENGE_ANSWERED = {"challenge_id": "challenge_answered"}


CONSENT = {"consent_id": "consent"}


def _agency_query_body(world: World) -> dict[str, Any]:
    return {"id_number": id_number(PERSON), "purpose": AGENCY_PURPOSE}


def _consent_form(world: World) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "grantee": f"agency:{world['sv_agency']}",
        "purpose": AGENCY_PURPOSE,
        "valid_from": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=30)).isoformat(),
    }


def _consent_lookup_form(world: World) -> dict[str, Any]:
    return {"action": "lookup", "id_number": id_number(PERSON)}


def _challenge_form(world: World) -> dict[str, Any]:
    return {"reason": "我没有办理过该事项。"}


def _challenge_answer_form(world: World) -> dict[str, Any]:
    return {"explanation": "依行政许可审查查询。"}


def _challenge_close_form(world: World) -> dict[str, Any]:
    return {"note": "查询合规，已告知当事人。"}


REPAIR = {"repair_id": "repair"}
REPAIR_FILE = {**REPAIR, "attachment_id": "repair_attachment"}
REPAIRABLE_RECORD = {"record_id": "repairable_record"}
TIPOFF_FILED = {"tipoff_id": "tipoff_filed"}
TIPOFF_ROUTED = {"tipoff_id": "tipoff_routed"}
TIPOFF_ANSWERED = {"tipoff_id": "tipoff_answered"}
TIPOFF_FILE = {**TIPOFF_ROUTED, "attachment_id": "tipoff_attachment"}

# --- supervision bodies (docs/supervision.md) -------------------------------------------------
SV_AGENCY = {"agency_id": "sv_agency"}
SV_INSPECTION = {"inspection_id": "sv_inspection"}
SV_LISTING = {"listing_id": "sv_listing"}
WP_TASK = {"task_id": "wp_task"}
WP_FILE = {"report_id": "wp_report", "attachment_id": "wp_attachment"}
WP_YEAR = {"year": "wp_year"}


def _wp_report_form(world: World) -> dict[str, Any]:
    # The first quarter of this year has always begun.
    return {"year": world["wp_year"], "quarter": "1", "percent": "40", "status": "in_progress",
            "text": "矩阵报送。"}  # fmt: skip


def _wp_note_form(world: World) -> dict[str, Any]:
    return {"written_on": "2026-01-05", "text": "请按期报送。"}


def _wp_score_form(world: World) -> dict[str, Any]:
    return {"department": str(world["wp_department"]), "year": world["wp_year"], "score": "80"}


def _sv_agency_form(world: World) -> dict[str, Any]:
    return {
        "name": "矩阵新征信有限公司",
        "uscc": supervision_uscc(904),
        "licence_no": "银征字〔2026〕904号",
        "licence_status": "licensed",
        "regulator": str(world["sv_regulator"]),
    }


def _sv_practitioner_form(world: World) -> dict[str, Any]:
    return {"name": "孙从业", "id_number": id_number(42), "role": "staff"}


def _sv_token_form(world: World) -> dict[str, Any]:
    return {"token_prefix": world["sv_token_prefix"]}


def _sv_handler_form(world: World) -> dict[str, Any]:
    return {
        "name": "矩阵应用开发公司",
        "uscc": supervision_uscc(905),
        "kind": "app_developer",
        "collects": "位置信息｜个人同意",
    }


def _sv_inspection_form(world: World) -> dict[str, Any]:
    return {
        "handler": str(world["sv_handler"]),
        "inspected_on": "2026-12-01",
        "inspectors": "张检查",
        "scope": "个人信息收集使用",
        "findings": "超范围收集位置信息。",
    }


def _sv_follow_up_form(world: World) -> dict[str, Any]:
    return {"follow_up": "限期整改。", "follow_up_due": "2027-01-10"}


def _sv_close_form(world: World) -> dict[str, Any]:
    return {"note": "整改到位。"}


def _sv_violation_form(world: World) -> dict[str, Any]:
    return {
        "severity": "general",
        "description": "档案管理不规范。",
        "basis": "《征信业务管理办法》",
        "decided_on": "2026-12-01",
        "responsible": [str(world["sv_practitioner"])],
    }


def _sv_delist_form(world: World) -> dict[str, Any]:
    return {"reason": "decision", "note": "复议撤销原决定。"}


def _article_form(world: World) -> dict[str, Any]:
    return {"kind": "news", "title": "诚信宣传进社区", "body": "正文。", "summary": ""}


def _activity_form(world: World) -> dict[str, Any]:
    return {
        "campaign": "credit-record-day",
        "year": "2026",
        "held_on": "",
        "title": "信用记录关爱日宣传",
        "organiser": "市市场监管局",
        "description": "设咨询台。",
    }


def _activity_report_form(world: World) -> dict[str, Any]:
    return {"report": "共接待群众咨询两百余人次。"}


def _content_return_form(world: World) -> dict[str, Any]:
    return {"reason": "请补充活动时间。"}


def _picture() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(output, format="PNG")
    return output.getvalue()


def _content_image_form(world: World) -> dict[str, Any]:
    return {"image": SimpleUploadedFile("现场.png", _picture()), "alt": "活动现场"}


def _content_attachment_form(world: World) -> dict[str, Any]:
    return {"attachments": SimpleUploadedFile("通知.png", _picture())}


def _ed_course_form(world: World) -> dict[str, Any]:
    return {
        "title": "信用修复业务培训",
        "description": "信用修复管理办法。",
        "hours": "8",
        "organiser": str(world["ed_department"]),
    }


def _ed_session_form(world: World) -> dict[str, Any]:
    return {"starts_on": "2026-12-10", "ends_on": "2026-12-11", "place": "培训室", "capacity": "20"}


def _ed_enrol_form(world: World) -> dict[str, Any]:
    return {"name": "钱学员", "id_number": id_number(53)}


def _ed_attendance_form(world: World) -> dict[str, Any]:
    return {"attended": [str(world["ed_enrolment"])], "shown": [str(world["ed_enrolment"])]}


def _ed_verify_form(world: World) -> dict[str, Any]:
    return {"code": world["ed_certificate_code"]}


def _ed_school_form(world: World) -> dict[str, Any]:
    return {"name": "矩阵师范学校", "code": "4123018888", "department": str(world["ed_department"])}


def _ed_campus_form(world: World) -> dict[str, Any]:
    return {
        "school": str(world["ed_school"]),
        "decision": "scholarship",
        "case_no": "奖学金-1",
        "id_number": id_number(PERSON),
    }


ED_COURSE = {"course_id": "ed_course"}
ED_SESSION = {"session_id": "ed_session"}
ED_ENROLMENT = {"enrolment_id": "ed_enrolment"}
ED_CERTIFICATE = {"number": "ed_certificate"}


def _unit_activity_form(world: World) -> dict[str, Any]:
    return {
        "campaign": "credit-record-day",
        "year": "2026",
        "held_on": "",
        "title": "信用知识进校园",
        "description": "讲座一场。",
    }


def _unit_report_form(world: World) -> dict[str, Any]:
    return {"report": "参加讲座的学生三百人。", "participants": "300"}


UNIT_ACTIVITY = {"activity_id": "unit_activity"}
UNIT_ACTIVITY_PHOTO = {**UNIT_ACTIVITY, "attachment_id": "unit_activity_photo"}

ARTICLE_DRAFT = {"article_id": "article_draft"}
ARTICLE_REVIEW = {"article_id": "article_review"}
ARTICLE_PUBLISHED = {"article_id": "article_published"}
ARTICLE_IMAGE = {**ARTICLE_PUBLISHED, "image_id": "article_image"}
ARTICLE_FILE = {**ARTICLE_PUBLISHED, "attachment_id": "article_attachment"}
DEAD_LETTER = {"event_id": "dead_letter"}

# fmt: off
ENTRIES: list[Entry] = [
    #      method  route                                                          anon cit cit' prov off prov' off' rev adm sec aud
    # --- the public site ---------------------------------------------------------------------------------------------------
    Entry("GET",  "",                                                              "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "verify/",                                                       "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("POST", "verify/",                                                       "200 200 200 200 200 200 200 200 200 200 200", body=_verification_form, encoding=FORM),
    Entry("POST", "i18n/setlang/",                                                 "302 302 302 302 302 302 302 302 302 302 302", body=_language_form, encoding=FORM),
    Entry("POST", "display/",                                                      "302 302 302 302 302 302 302 302 302 302 302", body=_display_form, encoding=FORM),
    Entry("GET",  "display/",                                                      "405 405 405 405 405 405 405 405 405 405 405"),
    # disclosure lists, public query, robots and sitemap (docs/public.md)
    Entry("GET",  "disclosure/<slug:slug>/",                                       "200 200 200 200 200 200 200 200 200 200 200", path={"slug": "serious"}),
    Entry("GET",  "disclosure/<slug:slug>/<str:public_id>/",                       "200 200 200 200 200 200 200 200 200 200 200", path={"slug": "serious", "public_id": "public_entry"}),
    Entry("GET",  "query/",                                                        "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("POST", "query/",                                                        "200 200 200 200 200 200 200 200 200 200 200", body=_public_query_form, encoding=FORM),
    Entry("GET",  "robots.txt",                                                    "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "sitemap.xml",                                                   "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "sitemap-<section>.xml",                                         "200 200 200 200 200 200 200 200 200 200 200", path={"section": "serious"}),
    # --- citizens' accounts (docs/citizens.md) -----------------------------------------------------------------------------
    Entry("GET",  "account/",                                                      "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("POST", "account/",                                                      "302 302 302 403 403 403 403 403 403 403 403", body=_contact_form, encoding=FORM),
    Entry("GET",  "account/signup/",                                               "200 302 302 403 403 403 403 403 403 403 403"),
    Entry("POST", "account/signup/",                                               "302 302 302 403 403 403 403 403 403 403 403", body=_sign_up_form, encoding=FORM),
    Entry("GET",  "account/privacy/",                                              "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "account/login/",                                                "200 200 200 403 403 403 403 403 403 403 403"),
    Entry("POST", "account/login/",                                                "200 200 200 403 403 403 403 403 403 403 403", body=_citizen_sign_in_form, encoding=FORM),
    Entry("POST", "account/logout/",                                               "302 302 302 302 302 302 302 302 302 302 302", encoding=FORM, signs_out=True),
    Entry("GET",  "account/oidc/start/",                                           "404 404 404 404 404 404 404 404 404 404 404"),
    Entry("GET",  "account/oidc/callback/",                                        "404 404 404 404 404 404 404 404 404 404 404"),
    Entry("GET",  "account/password/",                                             "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("GET",  "account/password/reset/",                                       "200 200 200 403 403 403 403 403 403 403 403"),
    Entry("POST", "account/password/reset/",                                       "302 302 302 403 403 403 403 403 403 403 403", body=_reset_form, encoding=FORM),
    Entry("GET",  "account/password/reset/sent/",                                  "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "account/password/reset/<uidb64>/<token>/",                      "200 200 200 200 200 200 200 200 200 200 200", path={"uidb64": "MQ", "token": "made-up"}),
    Entry("GET",  "account/password/reset/complete/",                              "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "account/delete/",                                               "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("POST", "account/delete/",                                               "302 200 200 403 403 403 403 403 403 403 403", body=_close_form, encoding=FORM),
    Entry("GET",  "account/notices/",                                              "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("POST", "account/notices/read-all/",                                     "302 302 302 403 403 403 403 403 403 403 403", encoding=FORM),
    Entry("POST", "account/notices/<int:notice_id>/read/",                         "302 302 404 403 403 403 403 403 403 403 403", path={"notice_id": "notice"}, encoding=FORM),
    # --- the API -----------------------------------------------------------------------------------------------------------
    Entry("GET",  "api/v1/",                                                       "404 404 404 404 404 404 404 404 404 404 404"),
    Entry("GET",  "api/v1/openapi.json",                                           "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "api/v1/docs",                                                   "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "api/v1/catalog",                                                "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "api/v1/catalog/<code>",                                         "200 200 200 200 200 200 200 200 200 200 200", path=ITEM),
    Entry("GET",  "api/v1/catalog/<code>/template.xlsx",                           "200 200 200 200 200 200 200 200 200 200 200", path=ITEM),
    Entry("GET",  "api/v1/me",                                                     "401 401 401 200 200 200 200 200 200 200 200"),
    Entry("POST", "api/v1/submissions",                                            "401 401 401 200 403 403 403 403 403 403 403", body=_submission_body, headers=KEY),
    Entry("POST", "api/v1/submissions/upload",                                     "401 401 401 202 403 403 403 403 403 403 403", body=_upload_body, encoding=MULTIPART),
    Entry("GET",  "api/v1/submissions/<int:submission_id>",                        "401 401 401 200 200 404 404 200 404 404 404", path=SUBMISSION),
    Entry("POST", "api/v1/submissions/<int:submission_id>/retry",                  "401 401 401 409 403 404 404 403 404 404 404", path=SUBMISSION),
    Entry("GET",  "api/v1/submissions/<int:submission_id>/errors",                 "401 401 401 200 200 404 404 200 404 404 404", path=SUBMISSION),
    Entry("GET",  "api/v1/quality",                                                "401 401 401 200 200 200 200 200 200 403 403"),
    Entry("GET",  "api/v1/profiles/purposes",                                      "401 401 401 200 200 200 200 200 200 200 200"),
    Entry("POST", "api/v1/profiles",                                               "401 401 401 403 200 403 200 403 403 403 403", body=_profile_body),
    Entry("POST", "api/v1/reports",                                                "401 403 403 403 200 403 200 403 403 403 403", body=_profile_body),
    Entry("GET",  "api/v1/reports/verify/<code>",                                  "200 200 200 200 200 200 200 200 200 200 200", path={"code": "verification_code"}),
    Entry("GET",  "api/v1/reports/<number>.pdf",                                   "401 404 404 404 200 404 404 404 404 404 404", path=REPORT),
    Entry("POST", "api/v1/checks",                                                 "401 401 401 403 200 403 200 403 403 403 403", body=_check_body),
    Entry("POST", "api/v1/agency-queries",                                         "401 401 401 403 403 403 403 403 403 403 403", body=_agency_query_body),
    Entry("GET",  "api/v1/checks/keys",                                            "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("POST", "api/v1/checks/verify",                                          "200 200 200 200 200 200 200 200 200 200 200", body=_receipt_body),
    Entry("GET",  "api/v1/checks/feedback-rates",                                  "401 401 401 403 200 403 200 200 403 403 403"),
    Entry("POST", "api/v1/checks/batch",                                           "401 401 401 403 200 403 200 403 403 403 403", body=_batch_body),
    Entry("POST", "api/v1/checks/batch/upload",                                    "401 401 401 403 200 403 200 403 403 403 403", body=_batch_upload, encoding=MULTIPART),
    Entry("GET",  "api/v1/checks/batch/<batch_id>",                                "401 401 401 403 200 403 404 403 403 403 403", path=BATCH),
    Entry("GET",  "api/v1/checks/batch/<batch_id>/result",                         "401 401 401 403 200 403 404 403 403 403 403", path=BATCH),
    Entry("GET",  "api/v1/checks/<check_id>",                                      "401 401 401 403 200 403 404 403 403 403 403", path=CHECK),
    Entry("POST", "api/v1/checks/<check_id>/feedback",                             "401 401 401 403 201 403 404 403 403 403 403", path=CHECK, body=_feedback_body),
    Entry("POST", "api/v1/objections",                                             "401 401 401 403 403 403 403 201 403 403 403", body=_counter_form, encoding=MULTIPART),
    Entry("GET",  "api/v1/objections",                                             "401 401 401 200 403 200 403 200 403 403 403"),
    Entry("GET",  "api/v1/objections/<objection_id>",                              "401 401 401 200 403 404 403 200 403 403 403", path=OBJECTION),
    Entry("POST", "api/v1/objections/<objection_id>/accept",                       "401 401 401 200 403 404 403 403 403 403 403", path=OBJECTION),
    Entry("POST", "api/v1/objections/<objection_id>/not-admissible",               "401 401 401 200 403 404 403 403 403 403 403", path=OBJECTION, body=_refusal_form),
    Entry("POST", "api/v1/objections/<objection_id>/extension",                    "401 401 401 200 403 404 403 403 403 403 403", path=OBJECTION, body=_extension_form),
    Entry("POST", "api/v1/objections/<objection_id>/decision",                     "401 401 401 200 403 404 403 403 403 403 403", path=OBJECTION_ACCEPTED, body=_decision_form),
    Entry("POST", "api/v1/objections/<objection_id>/review-decision",              "401 401 401 403 403 404 403 200 403 403 403", path=OBJECTION_REVIEW, body=_review_decision_form),
    Entry("GET",  "api/v1/objections/<objection_id>/attachments/<attachment_id>",  "401 401 401 200 403 404 403 200 403 403 403", path=OBJECTION_FILE),
    # --- staff sign-in -----------------------------------------------------------------------------------------------------
    Entry("GET",  "staff/accounts/login/",                                         "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("POST", "staff/accounts/login/",                                         "200 200 200 200 200 200 200 200 200 200 200", body=_sign_in_form, encoding=FORM),
    Entry("GET",  "staff/accounts/login/verify/",                                  "302 302 302 302 302 302 302 302 302 302 302"),
    Entry("GET",  "staff/accounts/login/enrol/",                                   "302 302 302 302 302 302 302 302 302 302 302"),
    Entry("POST", "staff/accounts/logout/",                                        "302 302 302 302 302 302 302 302 302 302 302", encoding=FORM, signs_out=True),
    # --- staff pages -------------------------------------------------------------------------------------------------------
    Entry("GET",  "staff/",                                                        "302 403 403 200 200 200 200 200 200 200 200"),
    Entry("GET",  "staff/health/",                                                 "302 403 403 403 403 403 403 403 200 403 403"),
    Entry("GET",  "staff/catalog/",                                                "302 403 403 200 200 200 200 200 200 200 200"),
    Entry("GET",  "staff/catalog/<slug:code>/",                                    "302 403 403 200 200 200 200 200 200 200 200", path=ITEM),
    Entry("GET",  "staff/collection/quality/",                                     "302 403 403 200 200 200 200 200 200 403 403"),
    Entry("GET",  "staff/collection/submissions/",                                 "302 403 403 200 200 200 200 200 403 403 403"),
    Entry("POST", "staff/collection/submissions/upload/",                          "302 403 403 302 403 422 403 403 403 403 403", body=_upload_body, encoding=MULTIPART),
    Entry("GET",  "staff/collection/submissions/<int:submission_id>/",             "302 403 403 200 200 404 404 200 404 404 404", path=SUBMISSION),
    Entry("GET",  "staff/collection/submissions/<int:submission_id>/progress/",    "302 403 403 200 200 404 404 200 404 404 404", path=SUBMISSION),
    Entry("POST", "staff/collection/submissions/<int:submission_id>/retry/",       "302 403 403 302 403 404 404 403 404 404 404", path=SUBMISSION, encoding=FORM),
    Entry("GET",  "staff/collection/submissions/<int:submission_id>/errors.<str:fmt>", "302 403 403 200 200 404 404 200 404 404 404", path={**SUBMISSION, "fmt": "csv"}),
    Entry("GET",  "staff/measures/",                                               "302 403 403 200 200 200 200 200 200 200 200"),
    Entry("GET",  "staff/measures/<slug:code>/",                                   "302 403 403 200 200 200 200 200 200 200 200", path={"code": "measure"}),
    Entry("GET",  "staff/checks/",                                                 "302 403 403 403 200 403 200 403 403 403 403"),
    Entry("POST", "staff/checks/",                                                 "302 403 403 403 302 403 302 403 403 403 403", body=_check_body, encoding=FORM),
    Entry("GET",  "staff/checks/feedback/",                                        "302 403 403 403 200 403 200 200 403 403 403"),
    Entry("GET",  "staff/checks/batch/",                                           "302 403 403 403 200 403 200 403 403 403 403"),
    Entry("GET",  "staff/checks/batch/<uuid:batch_id>/",                           "302 403 403 403 200 403 404 403 403 403 403", path=BATCH),
    Entry("GET",  "staff/checks/batch/<uuid:batch_id>/result.csv",                 "302 403 403 403 200 403 404 403 403 403 403", path=BATCH),
    Entry("GET",  "staff/checks/<uuid:check_id>/",                                 "302 403 403 403 200 403 404 403 403 403 403", path=CHECK),
    Entry("GET",  "staff/checks/<uuid:check_id>/receipt.json",                     "302 403 403 403 200 403 404 403 403 403 403", path=CHECK),
    Entry("POST", "staff/checks/<uuid:check_id>/feedback/",                        "302 403 403 403 302 403 404 403 403 403 403", path=CHECK, body=_feedback_form, encoding=FORM),
    Entry("GET",  "staff/citizens/",                                               "302 403 403 403 403 403 403 200 403 403 403"),
    Entry("GET",  "staff/citizens/<int:account_id>/",                              "302 403 403 403 403 403 403 200 403 403 403", path={"account_id": "pending_account"}),
    Entry("POST", "staff/citizens/<int:account_id>/confirm/",                      "302 403 403 403 403 403 403 302 403 403 403", path={"account_id": "pending_account"}, body=_counter_confirm_form, encoding=FORM),
    Entry("POST", "staff/citizens/<int:account_id>/refuse/",                       "302 403 403 403 403 403 403 302 403 403 403", path={"account_id": "pending_account"}, body=_counter_refuse_form, encoding=FORM),
    Entry("GET",  "staff/audit/",                                                  "302 403 403 403 403 403 403 403 403 403 200"),
    Entry("GET",  "staff/inquiry/",                                                "302 403 403 403 200 403 200 403 403 403 403"),
    Entry("POST", "staff/inquiry/",                                                "302 403 403 403 200 403 200 403 403 403 403", body=_query_form, encoding=FORM),
    Entry("GET",  "staff/inquiry/consents/",                                       "302 403 403 403 200 403 200 200 403 403 403"),
    Entry("POST", "staff/inquiry/consents/",                                       "302 403 403 403 200 403 200 200 403 403 403", body=_consent_lookup_form, encoding=FORM),
    Entry("GET",  "staff/inquiry/reports/<str:number>/",                           "302 403 403 404 200 404 404 404 404 404 404", path=REPORT),
    Entry("GET",  "staff/inquiry/reports/<str:number>.pdf",                        "302 403 403 404 200 404 404 404 404 404 404", path=REPORT),
    Entry("GET",  "staff/objections/",                                             "302 403 403 200 403 200 403 200 403 403 403"),
    Entry("GET",  "staff/objections/new/",                                         "302 403 403 403 403 403 403 200 403 403 403"),
    Entry("POST", "staff/objections/new/",                                         "302 403 403 403 403 403 403 302 403 403 403", body=_counter_form, encoding=MULTIPART),
    Entry("GET",  "staff/objections/<int:objection_id>/",                          "302 403 403 200 403 404 403 200 403 403 403", path=OBJECTION),
    Entry("POST", "staff/objections/<int:objection_id>/accept/",                   "302 403 403 302 403 404 403 403 403 403 403", path=OBJECTION, encoding=FORM),
    Entry("POST", "staff/objections/<int:objection_id>/not-admissible/",           "302 403 403 302 403 404 403 403 403 403 403", path=OBJECTION, body=_refusal_form, encoding=FORM),
    Entry("POST", "staff/objections/<int:objection_id>/extend/",                   "302 403 403 302 403 404 403 403 403 403 403", path=OBJECTION, body=_extension_form, encoding=FORM),
    Entry("POST", "staff/objections/<int:objection_id>/decide/",                   "302 403 403 302 403 404 403 403 403 403 403", path=OBJECTION_ACCEPTED, body=_decision_form, encoding=FORM),
    Entry("POST", "staff/objections/<int:objection_id>/review/",                   "302 403 403 403 403 404 403 302 403 403 403", path=OBJECTION_REVIEW, body=_review_decision_form, encoding=FORM),
    Entry("GET",  "staff/objections/<int:objection_id>/attachments/<uuid:attachment_id>/", "302 403 403 200 403 404 403 200 403 403 403", path=OBJECTION_FILE),
    # --- the person's pages (citizen B is another person: not found) -------------------------------------------------------
    Entry("GET",  "my/records/<int:record_id>/object/",                            "302 200 404 403 403 403 403 403 403 403 403", path=OBJECTIONABLE_RECORD),
    Entry("POST", "my/records/<int:record_id>/object/",                            "302 302 404 403 403 403 403 403 403 403 403", path=OBJECTIONABLE_RECORD, body=_objection_form, encoding=MULTIPART),
    Entry("GET",  "my/objections/",                                                "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("GET",  "my/objections/<int:objection_id>/",                             "302 200 404 403 403 403 403 403 403 403 403", path=OBJECTION),
    Entry("POST", "my/objections/<int:objection_id>/withdraw/",                    "302 302 404 403 403 403 403 403 403 403 403", path=OBJECTION, encoding=FORM),
    Entry("POST", "my/objections/<int:objection_id>/statement/",                   "302 302 404 403 403 403 403 403 403 403 403", path=OBJECTION_REJECTED, body=_statement_form, encoding=FORM),
    Entry("POST", "my/objections/<int:objection_id>/review/",                      "302 302 404 403 403 403 403 403 403 403 403", path=OBJECTION_REJECTED, body=_review_request_form, encoding=FORM),
    # --- my credit file, who looked, access challenges, opt-out (docs/citizens.md) --------------------------------------------
    Entry("GET",  "my/",                                                           "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("GET",  "my/records/<int:record_id>/",                                   "302 200 404 403 403 403 403 403 403 403 403", path=OBJECTIONABLE_RECORD),
    Entry("POST", "my/records/<int:record_id>/withdraw/",                          "302 302 404 403 403 403 403 403 403 403 403", path=HONOUR_RECORD, encoding=FORM),
    Entry("POST", "my/records/<int:record_id>/reinstate/",                         "302 302 404 403 403 403 403 403 403 403 403", path=WITHDRAWN_RECORD, encoding=FORM),
    Entry("POST", "my/report/",                                                    "302 200 200 403 403 403 403 403 403 403 403", encoding=FORM),
    Entry("GET",  "my/lookups/",                                                   "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("GET",  "my/lookups/<str:kind>/<str:access_id>/challenge/",              "302 200 404 403 403 403 403 403 403 403 403", path=LOOK),
    Entry("POST", "my/lookups/<str:kind>/<str:access_id>/challenge/",              "302 302 404 403 403 403 403 403 403 403 403", path=LOOK, body=_challenge_form, encoding=FORM),
    Entry("GET",  "my/consents/",                                                  "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("POST", "my/consents/",                                                  "302 302 302 403 403 403 403 403 403 403 403", body=_consent_form, encoding=FORM),
    Entry("POST", "my/consents/<int:consent_id>/revoke/",                          "302 302 404 403 403 403 403 403 403 403 403", path=CONSENT, encoding=FORM),
    Entry("GET",  "my/challenges/",                                                "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("GET",  "my/challenges/<int:challenge_id>/",                             "302 200 404 403 403 403 403 403 403 403 403", path=CHALLENGE),
    Entry("GET",  "staff/challenges/",                                             "302 403 403 200 200 200 200 200 403 403 403"),
    Entry("GET",  "staff/challenges/<int:challenge_id>/",                          "302 403 403 200 200 404 404 200 403 403 403", path=CHALLENGE),
    Entry("POST", "staff/challenges/<int:challenge_id>/answer/",                   "302 403 403 302 302 404 404 302 403 403 403", path=CHALLENGE, body=_challenge_answer_form, encoding=FORM),
    Entry("POST", "staff/challenges/<int:challenge_id>/close/",                    "302 403 403 403 403 404 404 302 403 403 403", path=CHALLENGE_ANSWERED, body=_challenge_close_form, encoding=FORM),
    # --- tip-offs (docs/dueprocess.md, "Tip-offs"): public pages, the reporter's own, the staff's ------------------------------
    Entry("GET",  "tipoffs/new/",                                                  "200 200 200 403 403 403 403 403 403 403 403"),
    Entry("POST", "tipoffs/new/",                                                  "422 200 200 403 403 403 403 403 403 403 403", body=_tipoff_form, encoding=MULTIPART),
    Entry("GET",  "tipoffs/captcha.png",                                           "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "tipoffs/status/",                                               "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("POST", "tipoffs/status/",                                               "200 200 200 200 200 200 200 200 200 200 200", body=_tipoff_status_form, encoding=FORM),
    Entry("GET",  "my/tipoffs/",                                                   "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("GET",  "my/tipoffs/<int:tipoff_id>/",                                   "302 200 404 403 403 403 403 403 403 403 403", path=TIPOFF_FILED),
    Entry("GET",  "staff/tipoffs/",                                                "302 403 403 200 200 200 200 200 403 403 403"),
    Entry("GET",  "staff/tipoffs/<int:tipoff_id>/",                                "302 403 403 200 200 404 404 200 403 403 403", path=TIPOFF_ROUTED),
    Entry("POST", "staff/tipoffs/<int:tipoff_id>/route/",                          "302 403 403 404 404 404 404 302 403 403 403", path=TIPOFF_FILED, body=_tipoff_route_form, encoding=FORM),
    Entry("POST", "staff/tipoffs/<int:tipoff_id>/not-admissible/",                 "302 403 403 404 404 404 404 302 403 403 403", path=TIPOFF_FILED, body=_tipoff_refuse_form, encoding=FORM),
    Entry("POST", "staff/tipoffs/<int:tipoff_id>/answer/",                         "302 403 403 302 302 404 404 403 403 403 403", path=TIPOFF_ROUTED, body=_tipoff_answer_form, encoding=FORM),
    Entry("POST", "staff/tipoffs/<int:tipoff_id>/close/",                          "302 403 403 403 403 404 404 302 403 403 403", path=TIPOFF_ANSWERED, encoding=FORM),
    Entry("GET",  "staff/tipoffs/<int:tipoff_id>/attachments/<uuid:attachment_id>/", "302 403 403 200 200 404 404 200 403 403 403", path=TIPOFF_FILE),
    # --- the units' campaign activities (docs/outreach.md): a unit plans and reports its own, the credit office all ----
    Entry("GET",  "staff/content/campaigns/unit/",                                 "302 403 403 200 200 200 200 200 403 403 403"),
    Entry("POST", "staff/content/campaigns/unit/",                                 "302 403 403 302 302 302 302 302 403 403 403", body=_unit_activity_form, encoding=FORM),
    Entry("GET",  "staff/content/campaigns/unit/<int:activity_id>/report/",        "302 403 403 200 200 404 404 200 403 403 403", path=UNIT_ACTIVITY),
    Entry("POST", "staff/content/campaigns/unit/<int:activity_id>/report/",        "302 403 403 302 302 404 404 302 403 403 403", path=UNIT_ACTIVITY, body=_unit_report_form, encoding=MULTIPART),
    Entry("GET",  "campaigns/<slug:code>/",                                        "200 200 200 200 200 200 200 200 200 200 200", path={"code": "credit-record-day"}),
    Entry("GET",  "campaigns/activities/<int:activity_id>/files/<uuid:attachment_id>/", "200 200 200 200 200 200 200 200 200 200 200", path=UNIT_ACTIVITY_PHOTO),
    # --- training (docs/education.md): reviewers run it, the admin and the auditor read; anyone verifies a certificate ----
    Entry("GET",  "staff/training/",                                               "302 403 403 403 403 403 403 200 200 403 200"),
    Entry("GET",  "staff/training/courses/new/",                                   "302 403 403 403 403 403 403 200 403 403 403"),
    Entry("POST", "staff/training/courses/new/",                                   "302 403 403 403 403 403 403 302 403 403 403", body=_ed_course_form, encoding=FORM),
    Entry("GET",  "staff/training/courses/<int:course_id>/",                       "302 403 403 403 403 403 403 200 200 403 200", path=ED_COURSE),
    Entry("POST", "staff/training/courses/<int:course_id>/",                       "302 403 403 403 403 403 403 302 403 403 403", path=ED_COURSE, body=_ed_session_form, encoding=FORM),
    Entry("GET",  "staff/training/sessions/<int:session_id>/",                     "302 403 403 403 403 403 403 200 200 403 200", path=ED_SESSION),
    Entry("POST", "staff/training/sessions/<int:session_id>/enrol/",               "302 403 403 403 403 403 403 302 403 403 403", path=ED_SESSION, body=_ed_enrol_form, encoding=FORM),
    Entry("POST", "staff/training/sessions/<int:session_id>/attendance/",          "302 403 403 403 403 403 403 302 403 403 403", path=ED_SESSION, body=_ed_attendance_form, encoding=FORM),
    Entry("POST", "staff/training/sessions/<int:session_id>/close/",               "302 403 403 403 403 403 403 302 403 403 403", path=ED_SESSION, encoding=FORM),
    Entry("POST", "staff/training/enrolments/<int:enrolment_id>/certificate/",     "302 403 403 403 403 403 403 302 403 403 403", path=ED_ENROLMENT, encoding=FORM),
    Entry("GET",  "staff/training/certificates/",                                  "302 403 403 403 403 403 403 200 200 403 200"),
    Entry("GET",  "staff/training/certificates/<str:number>.pdf",                  "302 403 403 403 403 403 403 200 403 403 403", path=ED_CERTIFICATE),
    Entry("GET",  "certificates/verify/",                                          "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("POST", "certificates/verify/",                                          "200 200 200 200 200 200 200 200 200 200 200", body=_ed_verify_form, encoding=FORM),
    # --- campus integrity files (docs/education.md): officers of a school's department open files; the credit office keeps the register ----
    Entry("GET",  "staff/campus/",                                                 "302 403 403 403 200 403 200 403 403 403 403"),
    Entry("POST", "staff/campus/",                                                 "302 403 403 403 200 403 422 403 403 403 403", body=_ed_campus_form, encoding=FORM),
    Entry("GET",  "staff/campus/schools/",                                         "302 403 403 403 200 403 200 200 200 403 200"),
    Entry("POST", "staff/campus/schools/",                                         "302 403 403 403 403 403 403 302 302 403 403", body=_ed_school_form, encoding=FORM),
    Entry("GET",  "staff/campus/accesses/",                                        "302 403 403 403 200 403 200 200 200 403 200"),
    # --- supervision (docs/supervision.md): reviewers and the admin keep the registers, reviewers decide, auditors read ----
    Entry("GET",  "staff/supervision/",                                            "302 403 403 403 403 403 403 200 200 403 200"),
    Entry("GET",  "staff/supervision/agencies/new/",                               "302 403 403 403 403 403 403 200 200 403 403"),
    Entry("POST", "staff/supervision/agencies/new/",                               "302 403 403 403 403 403 403 302 302 403 403", body=_sv_agency_form, encoding=FORM),
    Entry("GET",  "staff/supervision/agencies/<int:agency_id>/",                   "302 403 403 403 403 403 403 200 200 403 200", path=SV_AGENCY),
    Entry("GET",  "staff/supervision/agencies/<int:agency_id>/edit/",              "302 403 403 403 403 403 403 200 200 403 403", path=SV_AGENCY),
    Entry("POST", "staff/supervision/agencies/<int:agency_id>/edit/",              "302 403 403 403 403 403 403 302 302 403 403", path=SV_AGENCY, body=_sv_agency_form, encoding=FORM),
    Entry("POST", "staff/supervision/agencies/<int:agency_id>/practitioners/",     "302 403 403 403 403 403 403 302 302 403 403", path=SV_AGENCY, body=_sv_practitioner_form, encoding=FORM),
    Entry("POST", "staff/supervision/agencies/<int:agency_id>/tokens/",            "302 403 403 403 403 403 403 302 302 403 403", path=SV_AGENCY, body=_sv_token_form, encoding=FORM),
    Entry("GET",  "staff/supervision/handlers/",                                   "302 403 403 403 403 403 403 200 200 403 200"),
    Entry("GET",  "staff/supervision/handlers/new/",                               "302 403 403 403 403 403 403 200 200 403 403"),
    Entry("POST", "staff/supervision/handlers/new/",                               "302 403 403 403 403 403 403 302 302 403 403", body=_sv_handler_form, encoding=FORM),
    Entry("GET",  "staff/supervision/handlers/<int:handler_id>/",                  "302 403 403 403 403 403 403 200 200 403 200", path={"handler_id": "sv_handler"}),
    Entry("GET",  "staff/supervision/inspections/",                                "302 403 403 403 403 403 403 200 200 403 200"),
    Entry("GET",  "staff/supervision/inspections/new/",                            "302 403 403 403 403 403 403 200 200 403 403"),
    Entry("POST", "staff/supervision/inspections/new/",                            "302 403 403 403 403 403 403 302 302 403 403", body=_sv_inspection_form, encoding=FORM),
    Entry("GET",  "staff/supervision/inspections/<int:inspection_id>/",            "302 403 403 403 403 403 403 200 200 403 200", path=SV_INSPECTION),
    Entry("POST", "staff/supervision/inspections/<int:inspection_id>/follow-up/",  "302 403 403 403 403 403 403 302 302 403 403", path=SV_INSPECTION, body=_sv_follow_up_form, encoding=FORM),
    Entry("POST", "staff/supervision/inspections/<int:inspection_id>/close/",      "302 403 403 403 403 403 403 302 302 403 403", path=SV_INSPECTION, body=_sv_close_form, encoding=FORM),
    Entry("POST", "staff/supervision/inspections/<int:inspection_id>/violations/", "302 403 403 403 403 403 403 302 403 403 403", path=SV_INSPECTION, body=_sv_violation_form, encoding=FORM),
    Entry("GET",  "staff/supervision/blacklist/",                                  "302 403 403 403 403 403 403 200 200 403 200"),
    Entry("GET",  "staff/supervision/blacklist/<int:listing_id>/",                 "302 403 403 403 403 403 403 200 200 403 200", path=SV_LISTING),
    Entry("POST", "staff/supervision/blacklist/<int:listing_id>/",                 "302 403 403 403 403 403 403 302 403 403 403", path=SV_LISTING, body=_sv_delist_form, encoding=FORM),
    Entry("GET",  "disclosure/agency-blacklist/",                                  "200 200 200 200 200 200 200 200 200 200 200"),
    # --- content and the campaign calendar (docs/outreach.md) --------------------------------------------------------------
    Entry("GET",  "news/",                                                         "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "articles/<int:article_id>/",                                    "200 200 200 200 200 200 200 200 200 200 200", path=ARTICLE_PUBLISHED),
    Entry("GET",  "articles/<int:article_id>/images/<int:image_id>/",              "200 200 200 200 200 200 200 200 200 200 200", path=ARTICLE_IMAGE),
    Entry("GET",  "articles/<int:article_id>/files/<uuid:attachment_id>/",         "200 200 200 200 200 200 200 200 200 200 200", path=ARTICLE_FILE),
    Entry("GET",  "policies/",                                                     "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "policies/plan/",                                                "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "policies/rules/",                                               "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "campaigns/",                                                    "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "education/",                                                    "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "education/culture/",                                            "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "education/models/",                                             "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "education/warnings/",                                           "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "education/reader/",                                             "200 200 200 200 200 200 200 200 200 200 200"),
    Entry("GET",  "staff/content/",                                                "302 403 403 200 403 200 403 200 403 403 403"),
    Entry("GET",  "staff/content/new/",                                            "302 403 403 200 403 200 403 200 403 403 403"),
    Entry("POST", "staff/content/new/",                                            "302 403 403 302 403 302 403 302 403 403 403", body=_article_form, encoding=FORM),
    Entry("GET",  "staff/content/campaigns/",                                      "302 403 403 403 403 403 403 200 403 403 403"),
    Entry("POST", "staff/content/campaigns/",                                      "302 403 403 403 403 403 403 302 403 403 403", body=_activity_form, encoding=FORM),
    Entry("POST", "staff/content/campaigns/<int:activity_id>/report/",             "302 403 403 403 403 403 403 302 403 403 403", path={"activity_id": "campaign_activity"}, body=_activity_report_form, encoding=FORM),
    Entry("GET",  "staff/content/<int:article_id>/",                               "302 403 403 200 403 404 403 200 403 403 403", path=ARTICLE_DRAFT),
    Entry("POST", "staff/content/<int:article_id>/",                               "302 403 403 302 403 404 403 302 403 403 403", path=ARTICLE_DRAFT, body=_article_form, encoding=FORM),
    Entry("GET",  "staff/content/<int:article_id>/preview/",                       "302 403 403 200 403 404 403 200 403 403 403", path=ARTICLE_DRAFT),
    Entry("POST", "staff/content/<int:article_id>/submit/",                        "302 403 403 302 403 404 403 302 403 403 403", path=ARTICLE_DRAFT, encoding=FORM),
    Entry("POST", "staff/content/<int:article_id>/return/",                        "302 403 403 403 403 404 403 302 403 403 403", path=ARTICLE_REVIEW, body=_content_return_form, encoding=FORM),
    Entry("POST", "staff/content/<int:article_id>/publish/",                       "302 403 403 403 403 404 403 302 403 403 403", path=ARTICLE_REVIEW, encoding=FORM),
    Entry("POST", "staff/content/<int:article_id>/unpublish/",                     "302 403 403 403 403 404 403 302 403 403 403", path=ARTICLE_PUBLISHED, encoding=FORM),
    Entry("POST", "staff/content/<int:article_id>/images/",                        "302 403 403 302 403 404 403 302 403 403 403", path=ARTICLE_DRAFT, body=_content_image_form, encoding=MULTIPART),
    Entry("GET",  "staff/content/<int:article_id>/images/<int:image_id>/",         "302 403 403 200 403 404 403 200 403 403 403", path=ARTICLE_IMAGE),
    Entry("POST", "staff/content/<int:article_id>/attachments/",                   "302 403 403 302 403 404 403 302 403 403 403", path=ARTICLE_DRAFT, body=_content_attachment_form, encoding=MULTIPART),
    # --- the upstream push (docs/exchange.md): the system administrator -----------------------------------------------------
    Entry("GET",  "staff/exchange/",                                               "302 403 403 403 403 403 403 403 200 403 403"),
    Entry("POST", "staff/exchange/dead-letters/retry/",                            "302 403 403 403 403 403 403 403 302 403 403", encoding=FORM),
    Entry("POST", "staff/exchange/events/<int:event_id>/retry/",                   "302 403 403 403 403 403 403 403 302 403 403", path=DEAD_LETTER, encoding=FORM),
    Entry("POST", "staff/exchange/notices/<int:notice_id>/acknowledge/",           "302 403 403 403 403 403 403 403 302 403 403", path={"notice_id": "correction_notice"}, encoding=FORM),
    # --- credit repair (docs/dueprocess.md, "Credit repair") ---------------------------------------------------------------
    Entry("POST", "api/v1/repairs",                                                "401 401 401 403 403 403 403 201 403 403 403", body=_repair_counter_form, encoding=MULTIPART),
    Entry("GET",  "api/v1/repairs",                                                "401 401 401 200 403 200 403 200 403 403 403"),
    Entry("GET",  "api/v1/repairs/commitment",                                     "401 401 401 200 200 200 200 200 200 200 200"),
    Entry("GET",  "api/v1/repairs/<repair_id>",                                    "401 401 401 200 403 404 403 200 403 403 403", path=REPAIR),
    Entry("POST", "api/v1/repairs/<repair_id>/decision",                           "401 401 401 200 403 404 403 403 403 403 403", path=REPAIR, body=_repair_decision_form),
    Entry("GET",  "api/v1/repairs/<repair_id>/attachments/<attachment_id>",        "401 401 401 200 403 404 403 200 403 403 403", path=REPAIR_FILE),
    Entry("GET",  "staff/repairs/",                                                "302 403 403 200 403 200 403 200 403 403 403"),
    Entry("GET",  "staff/repairs/new/",                                            "302 403 403 403 403 403 403 200 403 403 403"),
    Entry("POST", "staff/repairs/new/",                                            "302 403 403 403 403 403 403 302 403 403 403", body=_repair_counter_form, encoding=MULTIPART),
    Entry("GET",  "staff/repairs/<int:repair_id>/",                                "302 403 403 200 403 404 403 200 403 403 403", path=REPAIR),
    Entry("POST", "staff/repairs/<int:repair_id>/decide/",                         "302 403 403 302 403 404 403 403 403 403 403", path=REPAIR, body=_repair_decision_form, encoding=FORM),
    Entry("GET",  "staff/repairs/<int:repair_id>/attachments/<uuid:attachment_id>/", "302 403 403 200 403 404 403 200 403 403 403", path=REPAIR_FILE),
    Entry("GET",  "my/records/<int:record_id>/repair/",                            "302 200 404 403 403 403 403 403 403 403 403", path=REPAIRABLE_RECORD),
    Entry("POST", "my/records/<int:record_id>/repair/",                            "302 302 404 403 403 403 403 403 403 403 403", path=REPAIRABLE_RECORD, body=_repair_application, encoding=MULTIPART),
    Entry("GET",  "my/repairs/",                                                   "302 200 200 403 403 403 403 403 403 403 403"),
    Entry("GET",  "my/repairs/<int:repair_id>/",                                   "302 200 404 403 403 403 403 403 403 403 403", path=REPAIR),
    # --- dashboards (docs/dashboards.md): the credit office, admin and auditor all departments, a department its own -----
    Entry("GET",  "staff/dashboards/",                                             "302 403 403 200 200 200 200 200 200 403 200"),
    Entry("GET",  "staff/dashboards/<slug:slug>/",                                 "302 403 403 200 200 200 200 200 200 403 200", path={"slug": "collection"}),
    Entry("GET",  "staff/dashboards/<slug:slug>/<slug:panel>.csv",                 "302 403 403 200 200 200 200 200 200 403 200", path={"slug": "collection", "panel": "collection-items"}),
    Entry("GET",  "statistics/",                                                   "200 200 200 200 200 200 200 200 200 200 200"),
    # --- the work plan (docs/workplan.md): the credit office oversees, reviewers manage, responsible units report -----------
    Entry("GET",  "staff/workplan/",                                               "302 403 403 200 200 200 200 200 200 403 200"),
    Entry("GET",  "staff/workplan/plans/load/",                                    "302 403 403 403 403 403 403 200 403 403 403"),
    Entry("POST", "staff/workplan/plans/load/",                                    "302 403 403 403 403 403 403 422 403 403 403", encoding=MULTIPART),
    Entry("GET",  "staff/workplan/plans/template.xlsx",                            "302 403 403 403 403 403 403 200 403 403 403"),
    Entry("GET",  "staff/workplan/tasks/<int:task_id>/",                           "302 403 403 200 200 200 200 200 200 403 200", path=WP_TASK),
    Entry("POST", "staff/workplan/tasks/<int:task_id>/report/",                    "302 403 403 302 302 403 403 403 403 403 403", path=WP_TASK, body=_wp_report_form, encoding=FORM),
    Entry("GET",  "staff/workplan/reports/<int:report_id>/attachments/<uuid:attachment_id>/", "302 403 403 200 200 404 404 200 200 403 200", path=WP_FILE),
    Entry("GET",  "staff/workplan/units/",                                         "302 403 403 200 200 200 200 200 200 403 200"),
    Entry("GET",  "staff/workplan/overdue/",                                       "302 403 403 200 200 200 200 200 200 403 200"),
    Entry("GET",  "staff/workplan/notes/",                                         "302 403 403 200 200 200 200 200 200 403 200"),
    Entry("POST", "staff/workplan/notes/",                                         "302 403 403 403 403 403 403 302 403 403 403", body=_wp_note_form, encoding=FORM),
    Entry("GET",  "staff/workplan/assessment/",                                    "302 403 403 403 403 403 403 200 200 403 200"),
    Entry("POST", "staff/workplan/assessment/",                                    "302 403 403 403 403 403 403 302 403 403 403", body=_wp_score_form, encoding=FORM),
    Entry("GET",  "staff/workplan/assessment/<int:year>.xlsx",                     "302 403 403 403 403 403 403 200 200 403 200", path=WP_YEAR),
    Entry("GET",  "staff/workplan/assessment/<int:year>.pdf",                      "302 403 403 403 403 403 403 200 200 403 200", path=WP_YEAR),
]

TOTP_DEVICE = {"pk": ADMIN_OBJECT + "otp_totp/totpdevice"}

# The Django admin (reference data, accounts and the audit log) is for the administrative roles.
ADMIN_SITE: list[Entry] = [
    #      method  route                                                          anon cit cit' prov off prov' off' rev adm sec aud
    Entry("GET",  "staff/admin/",                                                  "302 403 403 403 403 403 403 403 200 200 200"),
    Entry("GET",  "staff/admin/login/",                                            "302 403 403 403 403 403 403 403 403 403 403"),
    Entry("POST", "staff/admin/logout/",                                           "302 403 403 403 403 403 403 403 200 200 200", encoding=FORM),
    Entry("GET",  "staff/admin/password_change/",                                  "302 403 403 403 403 403 403 403 200 200 200"),
    Entry("GET",  "staff/admin/password_change/done/",                             "302 403 403 403 403 403 403 403 200 200 200"),
    Entry("GET",  "staff/admin/jsi18n/",                                           "302 403 403 403 403 403 403 403 200 200 200"),
    Entry("GET",  "staff/admin/autocomplete/",                                     "302 403 403 403 403 403 403 403 403 403 403"),
    Entry("GET",  "staff/admin/r/<path:content_type_id>/<path:object_id>/",        "302 403 403 403 403 403 403 403 404 404 404", path={"content_type_id": "user_content_type", "object_id": "0"}),
    Entry("GET",  "staff/admin/otp_totp/totpdevice/<int:pk>/config/",              "302 403 403 403 403 403 403 403 403 403 403", path=TOTP_DEVICE),
    Entry("GET",  "staff/admin/otp_totp/totpdevice/<int:pk>/qrcode/",              "302 403 403 403 403 403 403 403 403 403 403", path=TOTP_DEVICE),
    Entry("GET",  _ADMIN_APP_LIST,                                                 "302 403 403 403 403 403 403 403 200 200 404", target="/staff/admin/accounts/"),
    Entry("GET",  "staff/admin/(?P<url>.*)$",                                      "302 403 403 403 403 403 403 403 404 404 404", target="/staff/admin/no-such-page/"),
]

# Per model: the answers of its pages, in the order of ADMIN_PAGES (list, add, object, which
# redirects to change, change, delete, history).
_NOBODY = "302 403 403 403 403 403 403 403 403 403 403"
_REDIRECT = "302 403 403 403 403 403 403 403 302 302 302"
_ADMIN = "302 403 403 403 403 403 403 403 200 403 403"
_SECURITY = "302 403 403 403 403 403 403 403 403 200 403"
_AUDITOR = "302 403 403 403 403 403 403 403 403 403 200"
ADMIN_PAGES = ("", "add/", "<path:object_id>/", "<path:object_id>/change/", "<path:object_id>/delete/", "<path:object_id>/history/")
ADMIN_MODELS: dict[str, tuple[str, ...]] = {
    #                              list       add        object     change     delete     history
    "accounts/department":        (_ADMIN,    _ADMIN,    _REDIRECT, _ADMIN,    _NOBODY,   _ADMIN),
    "accounts/user":              (_SECURITY, _SECURITY, _REDIRECT, _SECURITY, _NOBODY,   _SECURITY),
    "accounts/apitoken":          (_SECURITY, _SECURITY, _REDIRECT, _SECURITY, _NOBODY,   _SECURITY),
    "catalog/catalogitem":        (_ADMIN,    _ADMIN,    _REDIRECT, _ADMIN,    _NOBODY,   _ADMIN),
    "measures/measure":           (_ADMIN,    _ADMIN,    _REDIRECT, _ADMIN,    _NOBODY,   _ADMIN),
    "core/policyvalue":           (_ADMIN,    _NOBODY,   _REDIRECT, _ADMIN,    _NOBODY,   _ADMIN),
    "core/policychange":          (_ADMIN,    _NOBODY,   _REDIRECT, _ADMIN,    _NOBODY,   _ADMIN),
    "core/calendarday":           (_ADMIN,    _ADMIN,    _REDIRECT, _ADMIN,    _ADMIN,    _ADMIN),
    "audit/auditevent":           (_AUDITOR,  _NOBODY,   _REDIRECT, _AUDITOR,  _NOBODY,   _AUDITOR),
    "audit/auditseal":            (_AUDITOR,  _NOBODY,   _REDIRECT, _AUDITOR,  _NOBODY,   _AUDITOR),
    "audit/auditcheckpoint":      (_AUDITOR,  _NOBODY,   _REDIRECT, _AUDITOR,  _NOBODY,   _AUDITOR),
    # Personal data and the platform's machinery are shown to no one in the admin.
    "identity/subject":           (_NOBODY,   _NOBODY,   _REDIRECT, _NOBODY,   _NOBODY,   _NOBODY),
    "auth/group":                 (_NOBODY,   _NOBODY,   _REDIRECT, _NOBODY,   _NOBODY,   _NOBODY),
    "otp_totp/totpdevice":        (_NOBODY,   _NOBODY,   _REDIRECT, _NOBODY,   _NOBODY,   _NOBODY),
    "otp_static/staticdevice":    (_NOBODY,   _NOBODY,   _REDIRECT, _NOBODY,   _NOBODY,   _NOBODY),
    "axes/accessattempt":         (_NOBODY,   _NOBODY,   _REDIRECT, _NOBODY,   _NOBODY,   _NOBODY),
    "axes/accesslog":             (_NOBODY,   _NOBODY,   _REDIRECT, _NOBODY,   _NOBODY,   _NOBODY),
    "axes/accessfailurelog":      (_NOBODY,   _NOBODY,   _REDIRECT, _NOBODY,   _NOBODY,   _NOBODY),
    "django_tasks_database/dbtaskresult": (_NOBODY, _NOBODY, _REDIRECT, _NOBODY, _NOBODY, _NOBODY),
}
# fmt: on


def entries() -> list[Entry]:
    """Every entry of the matrix: the routes above and the admin's pages of every model."""
    return [*ENTRIES, *ADMIN_SITE, *_admin_model_entries()]


def _admin_model_entries() -> list[Entry]:
    """The pages of every model the admin lists; a model without a line answers nothing, so the
    test that compares the matrix with the URL map names it."""
    found = []
    for model in admin.site._registry:
        label = f"{model._meta.app_label}/{model._meta.model_name}"
        pages = ADMIN_MODELS.get(label)
        if pages is None:
            continue
        for page, expect in zip(ADMIN_PAGES, pages, strict=True):
            route = f"staff/admin/{label}/{page}"
            found.append(Entry("GET", route, expect, path={"object_id": ADMIN_OBJECT + label}))
    return found
