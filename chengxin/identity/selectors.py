"""Reads of the identity app. Full numbers and names leave only through an entitled, audited read.

Who may read a subject's full number or name (SPEC §1, §2): a case officer, for a stated purpose
and a case number, and a reviewer of the credit office, for a stated purpose. Everyone else sees
the masked forms kept on the subject. Administrative roles (system admin, security admin, auditor)
are deliberately not entitled: their work does not need personal data (等保 separation of duties).
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.identity import error_codes
from chengxin.identity.models import Subject, id_number_purpose, name_purpose
from chengxin.identity.validation import validate_id_number

SUBJECT_OBJECT_TYPE = "subject"
ENTITLED_ROLES = frozenset({Role.OFFICER, Role.REVIEWER})
CASE_NO_REQUIRED_ROLES = frozenset({Role.OFFICER})


def subject_by_index(index: str) -> Subject | None:
    """The subject with blind index ``index``, or ``None``."""
    return Subject.objects.filter(blind_index=index).first()


def subjects_by_indexes(indexes: set[str]) -> dict[str, Subject]:
    """The known subjects of many blind indexes, by index, in one query (bulk ingestion)."""
    return {
        subject.blind_index: subject for subject in Subject.objects.filter(blind_index__in=indexes)
    }


def subject_find(*, id_number: str) -> Subject | None:
    """The subject of ``id_number`` (as typed; normalised and 15-digit numbers converted), or
    ``None`` when the number is invalid or unknown. One index look-up."""
    validation = validate_id_number(id_number)
    if not validation.is_valid:
        return None
    return subject_by_index(crypto.blind_index(validation.normalised))


def subject_id_number(
    *, subject: Subject, viewer, purpose: str, case_no: str = "", request=None
) -> str:
    """The subject's full identity number, for an entitled ``viewer``; the read is audited.

    Raises ``PermissionDeniedError`` (``id_read_denied``) for anyone else and ``DomainError``
    when the purpose (or an officer's case number) is missing; nothing is written then.
    """
    _check_entitled(viewer, purpose=purpose, case_no=case_no)
    number = crypto.decrypt(_sealed_id_number(subject), purpose=id_number_purpose(subject))
    _audit_read(
        subject, viewer=viewer, field="id_number", purpose=purpose, case_no=case_no, request=request
    )
    return number


def subject_name(*, subject: Subject, viewer, purpose: str, case_no: str = "", request=None) -> str:
    """The subject's full name (empty if none is recorded), under the same rule as
    :func:`subject_id_number`; the read is audited."""
    _check_entitled(viewer, purpose=purpose, case_no=case_no)
    if not subject.has_name:
        return ""
    sealed = crypto.Sealed(
        ciphertext=bytes(subject.name_ciphertext),
        key_id=subject.name_key_id,
        algorithm=subject.name_algorithm,
    )
    name = crypto.decrypt(sealed, purpose=name_purpose(subject))
    _audit_read(
        subject, viewer=viewer, field="name", purpose=purpose, case_no=case_no, request=request
    )
    return name


def subject_listed_name(subject: Subject) -> str:
    """The subject's full name for a public list whose legal basis requires it (SPEC §2: the
    serious dishonesty lists, honours the person accepted; ``MaskContext.PUBLIC_LISTED``).

    Only the public site's disclosure pages call this, for entries that are publicly disclosed
    now: the name is published by law there, so showing it is not an audited read. Empty when no
    name is on file."""
    if not subject.has_name:
        return ""
    sealed = crypto.Sealed(
        ciphertext=bytes(subject.name_ciphertext),
        key_id=subject.name_key_id,
        algorithm=subject.name_algorithm,
    )
    return crypto.decrypt(sealed, purpose=name_purpose(subject))


def subject_name_matches(*, subject: Subject, name: str) -> bool | None:
    """Whether ``name`` is the name on file for ``subject`` (spaces and full-width forms
    ignored); ``None`` when no name is on file. The name on file is compared inside the platform
    and shown to nobody, so this is not a read of personal data (a citizen's sign-up compares the
    name they give with their file: docs/citizens.md)."""
    if not subject.has_name:
        return None
    sealed = crypto.Sealed(
        ciphertext=bytes(subject.name_ciphertext),
        key_id=subject.name_key_id,
        algorithm=subject.name_algorithm,
    )
    on_file = crypto.decrypt(sealed, purpose=name_purpose(subject))
    return _comparable_name(on_file) == _comparable_name(name)


def _comparable_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


NAME_INDEX_PURPOSE = "name"


def name_index_of(name: str) -> str:
    """The keyed hash a subject's name is found by (``Subject.name_index``): spaces and
    full-width forms ignored, as ``subject_name_matches`` compares; empty for an empty name."""
    comparable = _comparable_name(name)
    return crypto.blind_index(comparable, purpose=NAME_INDEX_PURPOSE) if comparable else ""


def viewer_is_entitled(viewer) -> bool:
    """Whether ``viewer`` may read full numbers and names at all (purpose checks aside)."""
    return (
        viewer is not None
        and getattr(viewer, "is_authenticated", False)
        and viewer.is_active
        and viewer.role in ENTITLED_ROLES
    )


def _check_entitled(viewer, *, purpose: str, case_no: str) -> None:
    if not viewer_is_entitled(viewer):
        raise PermissionDeniedError(
            error_codes.ID_READ_DENIED,
            _("您无权查看完整的身份证号码或姓名。"),
            "You are not entitled to read full identity numbers or names.",
        )
    if not (purpose or "").strip():
        raise DomainError(
            code=error_codes.ID_PURPOSE_REQUIRED,
            message=_("查看完整身份信息须说明查询事由。"),
            message_en="Reading full identity data requires a stated purpose.",
        )
    if viewer.role in CASE_NO_REQUIRED_ROLES and not (case_no or "").strip():
        raise DomainError(
            code=error_codes.ID_CASE_NO_REQUIRED,
            message=_("业务经办员查看完整身份信息须填写案件编号。"),
            message_en="A case officer must give a case number to read full identity data.",
        )


def _sealed_id_number(subject: Subject) -> crypto.Sealed:
    return crypto.Sealed(
        ciphertext=bytes(subject.id_ciphertext),
        key_id=subject.id_key_id,
        algorithm=subject.id_algorithm,
    )


def _audit_read(subject: Subject, *, viewer, field: str, purpose: str, case_no: str, request):
    audit_events.personal_data_read_event(
        actor=viewer,
        subject_index=subject.blind_index,
        object_type=SUBJECT_OBJECT_TYPE,
        object_id=str(subject.pk),
        purpose=purpose.strip(),
        case_no=case_no.strip(),
        detail={"field": field},
        request=request,
    )
