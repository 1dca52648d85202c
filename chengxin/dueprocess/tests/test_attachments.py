"""Attachments: accepted by their content, images re-encoded, kept encrypted, refusals named."""

import io

import pytest
from django.db import transaction
from PIL import Image

from chengxin.core.errors import DomainError
from chengxin.dueprocess import error_codes
from chengxin.dueprocess.attachments import (
    MAX_PER_CASE,
    IncomingFile,
    attachment_add,
    attachment_open,
    attachments_checked,
)
from chengxin.dueprocess.choices import AttachmentKind
from chengxin.dueprocess.models import Attachment

pytestmark = pytest.mark.django_db


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {2: (45.0, 30.0, 0.0)}  # GPS
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (10, 10)).save(output, format="PNG")
    return output.getvalue()


def test_a_photo_is_kept_re_encoded_without_its_metadata_and_encrypted():
    # given
    photo = _jpeg_with_location() + b"hidden after the picture"
    # when
    (checked,) = attachments_checked([IncomingFile(name="C:\\照片\\收据.jpg", data=photo)])
    with transaction.atomic():
        attachment = attachment_add(
            case_type="dueprocess.test", case_id="1", subject_index="", file=checked, actor=None
        )
    # then
    kept = attachment_open(Attachment.objects.get(pk=attachment.pk))
    assert (attachment.file_name, attachment.kind) == ("收据.jpg", AttachmentKind.JPEG)
    assert b"hidden after the picture" not in kept
    assert Image.open(io.BytesIO(kept)).getexif().get(0x8825) is None
    assert bytes(Attachment.objects.get().ciphertext) != kept


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("收据.pdf", b"MZ\x90\x00 a program", error_codes.ATTACHMENT_TYPE_REFUSED),
        ("a.pdf", b"%PDF-1.7 /OpenAction << /S /JavaScript /JS (app.alert(1)) >>", error_codes.ATTACHMENT_TYPE_REFUSED),
        ("a.png", b"\x89PNG\r\n\x1a\n broken", error_codes.ATTACHMENT_UNREADABLE),
        ("a.png", b"", error_codes.ATTACHMENT_EMPTY),
    ],
    ids=["a-program-named-pdf", "pdf-with-script", "broken-png", "empty"],
)  # fmt: skip
def test_a_file_that_is_not_what_is_accepted_is_refused_by_its_position(name, data, code):
    # when
    with pytest.raises(DomainError) as refusal:
        attachments_checked([IncomingFile(name="ok.png", data=_png()), IncomingFile(name, data)])
    # then
    assert refusal.value.status == 422
    assert [(e["field"], e["code"]) for e in refusal.value.details["errors"]] == [
        ("attachments[1]", code)
    ]


def test_a_file_over_the_limit_and_too_many_files_are_refused(settings):
    # given
    settings.CHENGXIN_ATTACHMENT_MAX_BYTES = 100
    # when
    with pytest.raises(DomainError) as too_large:
        attachments_checked([IncomingFile(name="a.pdf", data=b"%PDF-1.4" + b"0" * 200)])
    with pytest.raises(DomainError) as too_many:
        attachments_checked([IncomingFile(name="a.png", data=_png())], already=MAX_PER_CASE)
    # then
    assert too_large.value.code == error_codes.ATTACHMENT_TOO_LARGE
    assert too_many.value.code == error_codes.ATTACHMENT_TOO_MANY


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # given: a PNG of 10,000 x 10,000 pixels of one colour, a few kilobytes on disk
    output = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(output, format="PNG", optimize=True)
    # when
    with pytest.raises(DomainError) as refusal:
        attachments_checked([IncomingFile(name="bomb.png", data=output.getvalue())])
    # then
    assert refusal.value.code == error_codes.ATTACHMENT_TOO_LARGE


def test_a_file_name_with_an_id_number_is_refused():
    # given
    from chengxin.collection.tests.factories import id_number

    # when
    with pytest.raises(DomainError) as refusal:
        attachments_checked([IncomingFile(name=f"{id_number(3)}.png", data=_png())])
    # then
    assert refusal.value.details["errors"][0]["code"] == "text_holds_id_number"
