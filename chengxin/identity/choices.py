"""Vocabulary of the identity app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdKind(models.TextChoices):
    """Which document an 18-character identity number belongs to (SPEC §2).

    All four follow GB 11643 (same layout and check character); they differ by their first digits:
    81/82 Hong Kong and Macao residence permits, 83 Taiwan residence permits, 9 the 2023
    permanent residence card for foreigners, anything else a resident identity card.
    """

    RESIDENT = "resident", _("居民身份证")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民居住证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民居住证")
    FOREIGNER_PERMANENT = "foreigner_permanent", _("外国人永久居留身份证")


class MaskContext(models.TextChoices):
    """Where a masked identity number or name is shown; each context has its own masking rule.

    - ``public``: the public site and anything a non-entitled reader sees (region code and last
      four characters of the number; names masked).
    - ``public_listed``: a public list whose legal basis requires the full name (serious
      dishonesty lists, honours the person accepted); the number is masked as on ``public``.
    - ``staff``: staff lists and screens; never more than ``public`` shows. The full number is read
      only through ``subject_id_number``, which checks entitlement and audits the read.
    - ``owner``: the person themself, signed in; the last four characters only, the name in full.
    """

    PUBLIC = "public", _("公开")
    PUBLIC_LISTED = "public_listed", _("依法公示名单")
    STAFF = "staff", _("工作人员")
    OWNER = "owner", _("本人")
