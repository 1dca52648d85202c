"""The consent part of ``chengxin demo``: the demo citizen has consented online to the licensed
demo agency (which has queried once with it, and once for an item outside it) and has revoked a
consent to the filed one, so /my/consents/ and "who looked" show each state. All through the
services; nothing when the citizen or the agencies are missing or a consent exists."""

from __future__ import annotations

import contextlib
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.models import User
from chengxin.collection.demo_citizen import DEMO_CITIZEN_USERNAME, demo_citizen_person
from chengxin.core.errors import DomainError
from chengxin.inquiry.consents import ConsentTerms, consent_grant_online, consent_revoke
from chengxin.inquiry.models import Consent
from chengxin.supervision.agency_queries import agency_query
from chengxin.supervision.demo import DEMO_AGENCIES
from chengxin.supervision.models import AgencyToken, CreditAgency

DEMO_PURPOSE = "credit_lending"
# An item of the starter catalog shared between government bodies only.
SHARED_ITEM = "lawyer-practice"


def demo_consents_ensure(*, stdout) -> None:
    """Create the demo consents and agency queries once."""
    citizen = User.objects.filter(username=DEMO_CITIZEN_USERNAME).first()
    names = [row[0] for row in DEMO_AGENCIES[:2]]
    agencies = {agency.name: agency for agency in CreditAgency.objects.filter(name__in=names)}
    if citizen is None or len(agencies) != 2 or Consent.objects.filter(agency__isnull=False):
        return
    account = citizen.citizen_account
    today = timezone.localdate()
    licensed, filed = agencies[names[0]], agencies[names[1]]
    _grant(citizen, account, licensed, start=today, days=180)
    kept = _grant(citizen, account, filed, start=today, days=30)
    consent_revoke(actor=citizen, account=account, consent_id=kept.pk)
    _queries(licensed, today=today)
    stdout.write(
        _("查询授权演示数据：演示公众用户的1项有效授权、1项已撤回授权和2次征信机构查询。") + "\n"
    )


def _grant(citizen, account, agency, *, start: datetime.date, days: int):
    terms = ConsentTerms(
        purpose=DEMO_PURPOSE,
        valid_from=start,
        valid_until=start + datetime.timedelta(days=days),
        agency=agency,
    )
    return consent_grant_online(actor=citizen, account=account, terms=terms)


def _queries(agency, *, today: datetime.date) -> None:
    """One answered query, and one refused because the item is shared between departments only
    (logged all the same)."""
    link = AgencyToken.objects.select_related("token__user").filter(agency=agency).first()
    if link is None:
        return
    number = demo_citizen_person(today).id_number
    agency_query(token=link.token, id_number=number, purpose=DEMO_PURPOSE)
    with contextlib.suppress(DomainError):
        agency_query(token=link.token, id_number=number, purpose=DEMO_PURPOSE, items=[SHARED_ITEM])
