"""Reads of consents, with the viewer as a parameter (docs/inquiry.md, "Consents").

The person sees every consent of theirs (keyed by their confirmed account's blind index). Staff
see a person's consents by the person's ID number (sent in a POST body): the credit office's
reviewer every one, a department's officer those to their own department; other roles are
refused. Each read by staff is audited as a read of personal data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability
from chengxin.accounts.models import Department
from chengxin.accounts.permissions import has_capability
from chengxin.catalog.models import CatalogItem
from chengxin.core.audit import events as audit_events
from chengxin.core.errors import PermissionDeniedError
from chengxin.inquiry import error_codes
from chengxin.inquiry.choices import CONSENT_OBJECT, ConsentStatus
from chengxin.inquiry.consents import AGENCY_DISCLOSURES, DEPARTMENT_CONSENT_DISCLOSURES
from chengxin.inquiry.models import Consent, QueryPurpose
from chengxin.supervision.choices import LicenceStatus, ListingStatus
from chengxin.supervision.models import CreditAgency


@dataclass(frozen=True)
class ConsentRow:
    """One consent as a list shows it: the consent, its status today, the names of its items
    (empty: every item the grantee may be allowed)."""

    consent: Consent
    status: str
    item_names: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return str(ConsentStatus(self.status).label)

    @property
    def may_revoke(self) -> bool:
        return self.status in (ConsentStatus.VALID, ConsentStatus.PENDING)


def _rows(consents: QuerySet[Consent], *, today: datetime.date) -> list[ConsentRow]:
    """Rows in three queries: the consents with grantee and purpose, and their items."""
    found = list(
        consents.select_related("department", "agency", "purpose")
        .prefetch_related("items")
        .order_by("-created_at", "-pk")
    )
    return [
        ConsentRow(
            consent=consent,
            status=consent.status_on(today),
            item_names=tuple(item.name for item in consent.items.all()),
        )
        for consent in found
    ]


def consents_of_citizen(*, account, today: datetime.date | None = None) -> list[ConsentRow]:
    """Every consent of the account's person, newest first."""
    consents = Consent.objects.filter(subject_index=account.subject_index)
    return _rows(consents, today=today or timezone.localdate())


def may_record_paper_consents(user) -> bool:
    """The credit office's reviewer, or a department's officer (for their department only)."""
    if has_capability(user, Capability.SCREEN_DUE_PROCESS):
        return True
    return has_capability(user, Capability.QUERY_CREDIT_FILES) and user.department_id is not None


def consents_of_person_for_staff(
    *, viewer, subject_index: str, request=None, today: datetime.date | None = None
) -> list[ConsentRow]:
    """A person's consents as ``viewer`` may see them (see the module docstring); audited."""
    if not may_record_paper_consents(viewer):
        raise PermissionDeniedError(
            error_codes.CONSENT_ROLE_REQUIRED,
            _("只有信用办审核人员和部门业务经办员可以查看和录入查询授权。"),
            "Only the credit office's reviewers and departments' officers see consents.",
        )
    consents = Consent.objects.filter(subject_index=subject_index)
    if not has_capability(viewer, Capability.SCREEN_DUE_PROCESS):
        consents = consents.filter(department_id=viewer.department_id)
    rows = _rows(consents, today=today or timezone.localdate())
    audit_events.personal_data_read_event(
        actor=viewer,
        subject_index=subject_index,
        object_type=CONSENT_OBJECT,
        object_id="",
        detail={"consents": [row.consent.pk for row in rows]},
        request=request,
    )
    return rows


def grantee_purposes(role: str) -> list[QueryPurpose]:
    """The active purposes a grantee of ``role`` (officer, agency) may state."""
    return [
        purpose for purpose in QueryPurpose.objects.filter(is_active=True) if role in purpose.roles
    ]


def consentable_items(*, for_agency: bool) -> QuerySet[CatalogItem]:
    """The active items a consent to an agency (public and consent levels) or to a department
    (consent level) may name, by code."""
    levels = AGENCY_DISCLOSURES if for_agency else DEPARTMENT_CONSENT_DISCLOSURES
    return CatalogItem.objects.filter(is_active=True, disclosure__in=levels).order_by("code")


def grantee_departments() -> QuerySet[Department]:
    """Departments that may be given a consent: the active ones."""
    return Department.objects.filter(is_active=True).order_by("code")


def grantee_agencies() -> QuerySet[CreditAgency]:
    """Agencies that may be given a consent: licensed or filed, not on the blacklist now."""
    return (
        CreditAgency.objects.filter(
            licence_status__in=(LicenceStatus.LICENSED, LicenceStatus.FILED)
        )
        .exclude(listings__status=ListingStatus.LISTED)
        .order_by("name", "pk")
    )
