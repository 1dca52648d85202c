"""How the permission matrix calls each route (``permission_matrix.py``): the ``Entry`` of one
route and method, the bodies it sends, and the world's objects its path names."""

from __future__ import annotations

import datetime
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from chengxin.collection.tests.factories import csv_bytes, id_number, row, valid_rows
from chengxin.supervision.tests.factories import uscc as supervision_uscc
from tests.system.matrix_world import (
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
from tests.system.matrix_world_apps import AGENCY_PURPOSE

ADMIN_OBJECT = "admin:"
ADMIN_APP_LIST = (
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


def submission_body(world: World) -> dict[str, Any]:
    return {"catalog_item": world["item"], "operation": "upsert", "records": [row("N-1")]}


def upload_body(world: World) -> dict[str, Any]:
    content = csv_bytes(valid_rows(2, start=50))
    return {"catalog_item": world["item"], "file": SimpleUploadedFile("处罚.csv", content)}


def check_body(world: World) -> dict[str, Any]:
    return {
        "id_number": id_number(PERSON),
        "matter": MATTER,
        "case_no": CASE_NO,
        "purpose": PURPOSE,
    }


def batch_body(world: World) -> dict[str, Any]:
    return {**check_body(world), "id_numbers": [id_number(PERSON)]}


def batch_upload(world: World) -> dict[str, Any]:
    numbers = f"身份证号码\n{id_number(PERSON)}\n".encode()
    fields = {key: value for key, value in check_body(world).items() if key != "id_number"}
    return {**fields, "file": SimpleUploadedFile("名单.csv", numbers)}


FEEDBACK_REASON = "已限制其参加本次采购。"


def feedback_body(world: World) -> dict[str, Any]:
    return {"measure_code": world["measure"], "applied": True, "reason": FEEDBACK_REASON}


def feedback_form(world: World) -> dict[str, Any]:
    code = world["measure"]
    fields = {"measure_code": code, "applied": "1", "reason": FEEDBACK_REASON, "date": "2026-12-01"}
    return {"measure_code": code, **{f"{code}-{name}": value for name, value in fields.items()}}


def profile_body(world: World) -> dict[str, Any]:
    return {"id_number": id_number(PERSON), "purpose": REPORT_PURPOSE, "case_no": REPORT_CASE_NO}


def query_form(world: World) -> dict[str, Any]:
    return {**profile_body(world), "action": "query"}


def verification_form(world: World) -> dict[str, Any]:
    return {"code": world["verification_code"]}


def receipt_body(world: World) -> dict[str, Any]:
    return {"receipt": {"check_id": world["check"]}}


OBJECTION_TEXT = "该记录内容有误。"


def objection_form(world: World) -> dict[str, Any]:
    return {"grounds": "wrong", "text": OBJECTION_TEXT}


def counter_form(world: World) -> dict[str, Any]:
    return {
        "record_id": world["objectionable_record"],
        "id_number": id_number(PERSON),
        "grounds": "not_mine",
        "text": OBJECTION_TEXT,
        "power_of_attorney": SimpleUploadedFile("授权委托书.pdf", b"%PDF-1.4\n%%EOF\n"),
    }


def refusal_form(world: World) -> dict[str, Any]:
    return {"reason": "unrelated", "reasons": "异议内容与该记录无关。"}


def extension_form(world: World) -> dict[str, Any]:
    return {"working_days": 10, "reason": "需调取案卷。"}


def decision_form(world: World) -> dict[str, Any]:
    return {"outcome": "rejected", "reasons": "经核查，记录无误。"}


def review_decision_form(world: World) -> dict[str, Any]:
    return {"outcome": "confirmed", "reasons": "维持原决定。"}


def statement_form(world: World) -> dict[str, Any]:
    return {"text": "本人对该记录有不同意见。"}


def review_request_form(world: World) -> dict[str, Any]:
    return {"reason": "请信用办复核。"}


def sign_in_form(world: World) -> dict[str, Any]:
    return {"username": "matrix-officer", "password": "wrong password"}


def sign_up_form(world: World) -> dict[str, Any]:
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


def citizen_sign_in_form(world: World) -> dict[str, Any]:
    return {"username": "13900000004", "password": "wrong password"}


def contact_form(world: World) -> dict[str, Any]:
    return {"mobile": "13900000009", "email": "", "notify_by_sms": "on"}


def close_form(world: World) -> dict[str, Any]:
    return {"password": "wrong password"}


def reset_form(world: World) -> dict[str, Any]:
    return {"email": "matrix-citizen@example.cn"}


def counter_confirm_form(world: World) -> dict[str, Any]:
    return {"id_number": id_number(PENDING_PERSON)}


def counter_refuse_form(world: World) -> dict[str, Any]:
    return {"reason": "证件与申请人不符"}


def language_form(world: World) -> dict[str, Any]:
    return {"language": "en", "next": "/"}


def display_form(world: World) -> dict[str, Any]:
    return {"text_size": "large", "contrast": "high", "next": "/"}


def tipoff_form(world: World) -> dict[str, Any]:
    return {"category": "dishonest_conduct", "text": "某公司提供虚假纳税证明。"}


def tipoff_status_form(world: World) -> dict[str, Any]:
    return {"number": world["tipoff_number"], "code": "WRONG-CODE-0000"}


def tipoff_route_form(world: World) -> dict[str, Any]:
    return {"department": world["tax_department_id"], "note": ""}


def tipoff_refuse_form(world: World) -> dict[str, Any]:
    return {"reason": "no_facts", "reasons": "举报内容不具体。"}


def tipoff_answer_form(world: World) -> dict[str, Any]:
    return {"outcome": "not_substantiated", "answer": "经核查，举报不属实。"}


def public_query_form(world: World) -> dict[str, Any]:
    return {"name": "王小明", "id_number": id_number(PERSON)}


def repair_application(world: World) -> dict[str, Any]:
    return {
        "text": "罚款已缴清。",
        "attachments": SimpleUploadedFile("缴款凭证.pdf", b"%PDF-1.4\n%%EOF\n"),
        "commitment_version": world["commitment_version"],
        "commitment_accepted": "true",
    }


def repair_counter_form(world: World) -> dict[str, Any]:
    return {
        **repair_application(world),
        "record_id": world["repairable_record"],
        "id_number": id_number(PERSON),
        "power_of_attorney": SimpleUploadedFile("授权委托书.pdf", b"%PDF-1.4\n%%EOF\n"),
    }


def repair_decision_form(world: World) -> dict[str, Any]:
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


def agency_query_body(world: World) -> dict[str, Any]:
    return {"id_number": id_number(PERSON), "purpose": AGENCY_PURPOSE}


def consent_form(world: World) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "grantee": f"agency:{world['sv_agency']}",
        "purpose": AGENCY_PURPOSE,
        "valid_from": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=30)).isoformat(),
    }


def consent_lookup_form(world: World) -> dict[str, Any]:
    return {"action": "lookup", "id_number": id_number(PERSON)}


def challenge_form(world: World) -> dict[str, Any]:
    return {"reason": "我没有办理过该事项。"}


def challenge_answer_form(world: World) -> dict[str, Any]:
    return {"explanation": "依行政许可审查查询。"}


def challenge_close_form(world: World) -> dict[str, Any]:
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


def wp_report_form(world: World) -> dict[str, Any]:
    # The first quarter of this year has always begun.
    return {"year": world["wp_year"], "quarter": "1", "percent": "40", "status": "in_progress",
            "text": "矩阵报送。"}  # fmt: skip


def wp_note_form(world: World) -> dict[str, Any]:
    return {"written_on": "2026-01-05", "text": "请按期报送。"}


def wp_score_form(world: World) -> dict[str, Any]:
    return {"department": str(world["wp_department"]), "year": world["wp_year"], "score": "80"}


def sv_agency_form(world: World) -> dict[str, Any]:
    return {
        "name": "矩阵新征信有限公司",
        "uscc": supervision_uscc(904),
        "licence_no": "银征字〔2026〕904号",
        "licence_status": "licensed",
        "regulator": str(world["sv_regulator"]),
    }


def sv_practitioner_form(world: World) -> dict[str, Any]:
    return {"name": "孙从业", "id_number": id_number(42), "role": "staff"}


def sv_token_form(world: World) -> dict[str, Any]:
    return {"token_prefix": world["sv_token_prefix"]}


def sv_handler_form(world: World) -> dict[str, Any]:
    return {
        "name": "矩阵应用开发公司",
        "uscc": supervision_uscc(905),
        "kind": "app_developer",
        "collects": "位置信息｜个人同意",
    }


def sv_inspection_form(world: World) -> dict[str, Any]:
    return {
        "handler": str(world["sv_handler"]),
        "inspected_on": "2026-12-01",
        "inspectors": "张检查",
        "scope": "个人信息收集使用",
        "findings": "超范围收集位置信息。",
    }


def sv_follow_up_form(world: World) -> dict[str, Any]:
    return {"follow_up": "限期整改。", "follow_up_due": "2027-01-10"}


def sv_close_form(world: World) -> dict[str, Any]:
    return {"note": "整改到位。"}


def sv_violation_form(world: World) -> dict[str, Any]:
    return {
        "severity": "general",
        "description": "档案管理不规范。",
        "basis": "《征信业务管理办法》",
        "decided_on": "2026-12-01",
        "responsible": [str(world["sv_practitioner"])],
    }


def sv_delist_form(world: World) -> dict[str, Any]:
    return {"reason": "decision", "note": "复议撤销原决定。"}


def article_form(world: World) -> dict[str, Any]:
    return {"kind": "news", "title": "诚信宣传进社区", "body": "正文。", "summary": ""}


def activity_form(world: World) -> dict[str, Any]:
    return {
        "campaign": "credit-record-day",
        "year": "2026",
        "held_on": "",
        "title": "信用记录关爱日宣传",
        "organiser": "市市场监管局",
        "description": "设咨询台。",
    }


def activity_report_form(world: World) -> dict[str, Any]:
    return {"report": "共接待群众咨询两百余人次。"}


def content_return_form(world: World) -> dict[str, Any]:
    return {"reason": "请补充活动时间。"}


def _picture() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(output, format="PNG")
    return output.getvalue()


def content_image_form(world: World) -> dict[str, Any]:
    return {"image": SimpleUploadedFile("现场.png", _picture()), "alt": "活动现场"}


def content_attachment_form(world: World) -> dict[str, Any]:
    return {"attachments": SimpleUploadedFile("通知.png", _picture())}


def ed_course_form(world: World) -> dict[str, Any]:
    return {
        "title": "信用修复业务培训",
        "description": "信用修复管理办法。",
        "hours": "8",
        "organiser": str(world["ed_department"]),
    }


def ed_session_form(world: World) -> dict[str, Any]:
    return {"starts_on": "2026-12-10", "ends_on": "2026-12-11", "place": "培训室", "capacity": "20"}


def ed_enrol_form(world: World) -> dict[str, Any]:
    return {"name": "钱学员", "id_number": id_number(53)}


def ed_attendance_form(world: World) -> dict[str, Any]:
    return {"attended": [str(world["ed_enrolment"])], "shown": [str(world["ed_enrolment"])]}


def ed_verify_form(world: World) -> dict[str, Any]:
    return {"code": world["ed_certificate_code"]}


def ed_school_form(world: World) -> dict[str, Any]:
    return {"name": "矩阵师范学校", "code": "4123018888", "department": str(world["ed_department"])}


def ed_campus_form(world: World) -> dict[str, Any]:
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


def unit_activity_form(world: World) -> dict[str, Any]:
    return {
        "campaign": "credit-record-day",
        "year": "2026",
        "held_on": "",
        "title": "信用知识进校园",
        "description": "讲座一场。",
    }


def unit_report_form(world: World) -> dict[str, Any]:
    return {"report": "参加讲座的学生三百人。", "participants": "300"}


UNIT_ACTIVITY = {"activity_id": "unit_activity"}
UNIT_ACTIVITY_PHOTO = {**UNIT_ACTIVITY, "attachment_id": "unit_activity_photo"}

ARTICLE_DRAFT = {"article_id": "article_draft"}
ARTICLE_REVIEW = {"article_id": "article_review"}
ARTICLE_PUBLISHED = {"article_id": "article_published"}
ARTICLE_IMAGE = {**ARTICLE_PUBLISHED, "image_id": "article_image"}
ARTICLE_FILE = {**ARTICLE_PUBLISHED, "attachment_id": "article_attachment"}
DEAD_LETTER = {"event_id": "dead_letter"}
