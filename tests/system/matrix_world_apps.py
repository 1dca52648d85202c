"""The permission matrix's objects of the outreach, exchange, supervision and education apps
(built by ``matrix_world.build_world``): articles and activities, a dead letter and its
correction notice, agencies and a data handler, a course and a school."""

from __future__ import annotations

import datetime
import io
import socket
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from PIL import Image

from chengxin.accounts.choices import Role
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection.tests.factories import tax_department
from chengxin.core.services import policy_value_set
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.exchange.choices import OutboxStatus
from chengxin.exchange.delivery import UpstreamConfig, upstream_push_round
from chengxin.exchange.models import OutboxEvent
from chengxin.exchange.signing import SigningKey
from chengxin.inquiry.consents import ConsentTerms, consent_grant_online
from chengxin.outreach import services as content_services
from chengxin.outreach.activities import activity_files, activity_plan, activity_report_by_unit
from chengxin.outreach.reference import load_reference_data as load_outreach_reference
from chengxin.supervision import services as supervision
from chengxin.supervision.tests import factories as supervision_factories

if TYPE_CHECKING:
    from tests.system.matrix_world import World

AGENCY_PURPOSE = "credit_lending"


def content_objects(world: World) -> dict[str, Any]:
    """The outreach reference data and three articles of the tax bureau's provider: a draft, one
    in review, and one published with a picture and a file (docs/outreach.md)."""
    load_outreach_reference(stdout=io.StringIO())
    author, publisher = world.users["provider"], world.users["reviewer"]

    def article(title: str):
        return content_services.article_create(
            actor=author, kind="news", title=title, body="正文。"
        )

    drafted = article("草稿")
    reviewed = article("待审核")
    content_services.article_submit(actor=author, article_id=reviewed.pk)
    public = article("已发布")
    picture = content_services.article_image_add(
        actor=author, article_id=public.pk, data=png(), alt="图片"
    )
    attachment = content_services.article_attachment_add(
        actor=author, article_id=public.pk, file=IncomingFile(name="通知.png", data=png())
    )
    content_services.article_submit(actor=author, article_id=public.pk)
    content_services.article_publish(actor=publisher, article_id=public.pk)
    activity = content_services.activity_create(
        actor=publisher,
        campaign_code="credit-record-day",
        year=2026,
        title="信用记录关爱日宣传",
        organiser="市市场监管局",
        description="设咨询台。",
    )
    unit_activity = activity_plan(
        actor=author,
        campaign_code="credit-record-day",
        year=timezone.localdate().year,
        title="税法宣传进社区",
        description="发放信用知识读本。",
    )
    activity_report_by_unit(
        actor=author,
        activity_id=unit_activity.pk,
        report="接待咨询两百人次。",
        participants=200,
        files=[IncomingFile(name="现场.png", data=png())],
    )
    (photo,) = activity_files([unit_activity.pk])[unit_activity.pk]
    return {
        "unit_activity": unit_activity.pk,
        "unit_activity_photo": str(photo.pk),
        "campaign_activity": activity.pk,
        "article_draft": drafted.pk,
        "article_review": reviewed.pk,
        "article_published": public.pk,
        "article_image": picture.pk,
        "article_attachment": str(attachment.pk),
    }


def dead_letter() -> dict[str, Any]:
    """The serious record M-1's outbox event, dead after its one allowed attempt against a
    provincial platform that refuses connections (a port just closed)."""
    policy_value_set(name="exchange.upstream_max_attempts", value=1, actor=None, reason="矩阵")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = UpstreamConfig(
        url=f"http://127.0.0.1:{port}/", key=SigningKey(key_id="u1", secret="matrix-key")
    )
    upstream_push_round(config=config)
    return {"dead_letter": OutboxEvent.objects.get(status=OutboxStatus.DEAD).pk}


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 90, 160)).save(output, format="PNG")
    return output.getvalue()


# --- supervision (docs/supervision.md) ---------------------------------------------------------


def supervision_objects(world: World) -> dict[str, Any]:
    """An agency with a practitioner and an open inspection, an agency account's unlinked
    token, a data handler, and a second agency on the violation blacklist."""
    reviewer = world.users["reviewer"]
    agency = supervision_factories.agency(reviewer, sequence=901, name="矩阵征信有限公司")
    supervision_factories.practitioner(reviewer, agency, sequence=41)
    inspection = supervision_factories.inspection(reviewer, agency=agency)
    token, _plaintext = api_token_create(
        user=staff_user(Role.AGENCY, username="matrix-agency"), name="征信查询", actor=None
    )
    handler = supervision.handler_register(
        actor=reviewer,
        name="矩阵数据科技有限公司",
        uscc=supervision_factories.uscc(902),
        kind="big_data",
        collects=[{"information": "手机号码", "basis": "个人同意"}],
    )
    listed = supervision_factories.agency(reviewer, sequence=903, name="矩阵违规征信公司")
    violation = supervision_factories.serious_violation(
        reviewer, supervision_factories.inspection(reviewer, agency=listed)
    )
    citizen = world.users["citizen"]
    consent = consent_grant_online(
        actor=citizen,
        account=citizen.citizen_account,
        terms=ConsentTerms(
            purpose=AGENCY_PURPOSE,
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + datetime.timedelta(days=30),
            agency=agency,
        ),
    )
    return {
        "consent": consent.pk,
        "sv_agency": agency.pk,
        "sv_inspection": inspection.pk,
        "sv_handler": handler.pk,
        "sv_listing": violation.listing.pk,
        "sv_token_prefix": token.prefix,
        "sv_regulator": agency.regulator_id,
        "sv_practitioner": agency.practitioners.get().pk,
    }


# --- training and campus files (docs/education.md) ---------------------------------------------


def education_objects(world: World) -> dict[str, Any]:
    """A course with an open session: one trainee with a certificate, one attended without;
    a school the tax bureau's officers act for."""
    from chengxin.education import campus
    from chengxin.education import services as education
    from chengxin.education.tests import factories as education_factories

    reviewer = world.users["reviewer"]
    session = education_factories.session(reviewer)
    certified = education_factories.enrol(reviewer, session, sequence=51)
    waiting = education_factories.enrol(reviewer, session, sequence=52)
    education.attendance_mark(
        actor=reviewer, session_id=session.pk, attended_ids={certified.pk, waiting.pk}
    )
    certificate = education.certificate_issue(actor=reviewer, enrolment_id=certified.pk)
    school = campus.school_register(
        actor=reviewer, name="矩阵职业学院", code="4123019999", department=tax_department()
    )
    return {
        "ed_course": session.course_id,
        "ed_session": session.pk,
        "ed_enrolment": waiting.pk,
        "ed_certificate": certificate.number,
        "ed_certificate_code": certificate.verification_code,
        "ed_school": school.pk,
        "ed_department": tax_department().pk,
    }


def correction_notice() -> dict[str, Any]:
    """A correction notice to an export recipient about the dead letter's record, for the
    route that records its acknowledgement."""
    from chengxin.exchange.choices import NoticeRecipientKind
    from chengxin.exchange.models import CorrectionNotice

    event = OutboxEvent.objects.filter(status=OutboxStatus.DEAD).first()
    notice = CorrectionNotice.objects.create(
        recipient_kind=NoticeRecipientKind.EXPORT,
        recipient_code="matrix-fcdb",
        record_id=event.record_id,
        event=event,
    )
    return {"correction_notice": notice.pk}
