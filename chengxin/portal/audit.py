"""The audit event of the public query: every query is a read of personal data (SPEC §14)."""

from __future__ import annotations

from chengxin.core.audit import events as audit_events

PUBLIC_QUERY_OBJECT_TYPE = "portal.public_query"
PUBLIC_QUERY_PURPOSE = "公开信用查询"


def public_query_audit(*, request, subject, found: int) -> None:
    """One ``personal_data_read`` event per public query: the person by blind index when name
    and number matched (empty otherwise), how many public records were shown, the client's
    address. The visitor is anonymous or whoever is signed in."""
    user = getattr(request, "user", None)
    audit_events.personal_data_read_event(
        actor=user if user is not None and user.is_authenticated else None,
        subject_index=subject.blind_index if subject is not None else "",
        object_type=PUBLIC_QUERY_OBJECT_TYPE,
        object_id=str(subject.pk) if subject is not None else "",
        purpose=PUBLIC_QUERY_PURPOSE,
        detail={"matched": subject is not None, "records": found},
        request=request,
    )
