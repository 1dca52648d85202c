"""Reads of the supervision registers; the viewer is always a parameter (docs/supervision.md).

Staff lists are paged on the server and filtered; ``public_blacklist`` is the public site's
view of the blacklist: agencies only, never a practitioner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.supervision import error_codes, limits
from chengxin.supervision.choices import ListingStatus, TargetKind
from chengxin.supervision.models import (
    BlacklistListing,
    CreditAgency,
    DataHandler,
    Inspection,
    Practitioner,
)
from chengxin.supervision.permissions import can_read


@dataclass(frozen=True)
class PublicListing:
    """One agency on the public blacklist page: no personal data."""

    name: str
    uscc: str
    reason: str
    listed_on: datetime.date
    until: datetime.date


def public_blacklist(*, today: datetime.date | None = None) -> list[PublicListing]:
    """The agencies currently on the violation blacklist (in force and within their period),
    most recently listed first, for the public site."""
    today = today or timezone.localdate()
    listings = (
        BlacklistListing.objects.filter(
            status=ListingStatus.LISTED, listed_on__lte=today, until__gte=today
        )
        .select_related("agency")
        .order_by("-listed_on", "-pk")
    )
    return [
        PublicListing(
            name=listing.agency.name,
            uscc=listing.agency.uscc,
            reason=listing.reason,
            listed_on=listing.listed_on,
            until=listing.until,
        )
        for listing in listings
    ]


def agency_page(
    *, viewer, q: str = "", licence_status: str = "", listed: bool = False, page=1
) -> Page:
    """Agencies matching the filters (name or USCC contains ``q``), with ``is_listed``."""
    _check_reader(viewer)
    agencies = CreditAgency.objects.select_related("regulator").annotate(
        is_listed=Exists(
            BlacklistListing.objects.filter(agency=OuterRef("pk"), status=ListingStatus.LISTED)
        )
    )
    if q:
        agencies = agencies.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    if licence_status:
        agencies = agencies.filter(licence_status=licence_status)
    if listed:
        agencies = agencies.filter(is_listed=True)
    return _page(agencies, page)


def agency_get(*, viewer, agency_id: int) -> CreditAgency:
    _check_reader(viewer)
    return _found(CreditAgency.objects.select_related("regulator"), agency_id)


def agency_practitioners(*, viewer, agency: CreditAgency) -> QuerySet[Practitioner]:
    """The agency's practitioners with their masked identity (no full number or name)."""
    _check_reader(viewer)
    return agency.practitioners.select_related("subject").order_by("pk")


def agency_tokens(*, viewer, agency: CreditAgency):
    _check_reader(viewer)
    return agency.tokens.select_related("token", "token__user").order_by("pk")


def agency_listings(*, viewer, agency: CreditAgency) -> QuerySet[BlacklistListing]:
    _check_reader(viewer)
    return agency.listings.select_related("violation").order_by("-listed_on", "-pk")


def handler_page(*, viewer, q: str = "", kind: str = "", page=1) -> Page:
    _check_reader(viewer)
    handlers = DataHandler.objects.all()
    if q:
        handlers = handlers.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    if kind:
        handlers = handlers.filter(kind=kind)
    return _page(handlers, page)


def handler_get(*, viewer, handler_id: int) -> DataHandler:
    _check_reader(viewer)
    return _found(DataHandler.objects.all(), handler_id)


def inspection_page(*, viewer, status: str = "", target: str = "", page=1) -> Page:
    _check_reader(viewer)
    inspections = Inspection.objects.select_related("agency", "handler")
    if status:
        inspections = inspections.filter(status=status)
    if target == TargetKind.AGENCY:
        inspections = inspections.filter(agency__isnull=False)
    elif target == TargetKind.HANDLER:
        inspections = inspections.filter(handler__isnull=False)
    return _page(inspections, page)


def inspection_get(*, viewer, inspection_id: int) -> Inspection:
    _check_reader(viewer)
    return _found(Inspection.objects.select_related("agency", "handler"), inspection_id)


def inspection_violations(*, viewer, inspection: Inspection):
    _check_reader(viewer)
    return (
        inspection.violations.select_related("listing")
        .prefetch_related("responsible__subject")
        .order_by("-decided_on", "-pk")
    )


def listing_page(*, viewer, status: str = "", page=1) -> Page:
    _check_reader(viewer)
    listings = BlacklistListing.objects.select_related("agency")
    if status:
        listings = listings.filter(status=status)
    return _page(listings, page)


def listing_get(*, viewer, listing_id: int) -> BlacklistListing:
    _check_reader(viewer)
    return _found(BlacklistListing.objects.select_related("agency"), listing_id)


def _page(queryset, number) -> Page:
    return Paginator(queryset, limits.PAGE_SIZE).get_page(number)


def _found(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFoundError(
            error_codes.SUPERVISION_NOT_FOUND, _("没有找到该登记。"), "No such register entry."
        )
    return found


def _check_reader(viewer) -> None:
    if not can_read(viewer):
        raise PermissionDeniedError(
            error_codes.SUPERVISION_ROLE_REQUIRED,
            _("您无权查看征信机构监管信息。"),
            "You may not see the supervision registers.",
        )
