"""Vocabulary of the due-process app."""

from django.db import models


class AttachmentKind(models.TextChoices):
    """The kinds of file a person or staff may attach: checked by their content, not their name."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
