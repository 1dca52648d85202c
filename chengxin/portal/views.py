"""Public website 信用齐齐哈尔: home, the disclosure lists, the public query, robots.txt.

The credit-agency violation blacklist is the supervision app's page (``supervision_public``).

Every page here is in the ``portal`` namespace, so it counts in the public rate limit per client
(``PublicPageThrottleMiddleware``). List and entry pages are never cached (``never_cache``): an
entry that stops being public must disappear at once.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from chengxin.core.network import client_limit_key
from chengxin.core.pages import error_page
from chengxin.core.throttle import Throttle
from chengxin.identity.selectors import subject_find, subject_name_matches
from chengxin.outreach.selectors import home_blocks
from chengxin.portal import selectors
from chengxin.portal.audit import public_query_audit
from chengxin.portal.forms import ListFilterForm, PublicQueryForm
from chengxin.portal.selectors import MAX_PAGE, PUBLIC_LISTS

PUBLIC_QUERIES = Throttle(
    scope="public_query_address",
    message=gettext_lazy("您查询得太频繁了，请在 %(wait)s后再试。"),
    message_en="Too many public queries from this address; try again in %(wait)s.",
)


def home(request: HttpRequest) -> HttpResponse:
    """Home page of the public site: search, the services, and the latest news, typical cases
    and today's or the next campaign (``outreach.selectors.home_blocks``)."""
    context = {"lists": list(PUBLIC_LISTS.values()), "home_blocks": home_blocks()}
    return render(request, "portal/home.html", context)


@never_cache
@require_GET
def disclosure_list(request: HttpRequest, slug: str) -> HttpResponse:
    """One disclosure list with its search, filters and pages (``PAGE_SIZE`` entries each, at
    most ``MAX_PAGE`` pages). Bad filters are answered on the page (400) naming the field."""
    public_list = _public_list(slug)
    items = public_list.items()
    form = ListFilterForm(request.GET or None, public_list=public_list, items=items)
    page = None
    too_deep = False
    status = 200
    if not request.GET or form.is_valid():
        if not request.GET:
            form = ListFilterForm({}, public_list=public_list, items=items)
            form.is_valid()
        too_deep = form.page_is_too_deep()
        if not too_deep:
            page = selectors.list_page(
                public_list,
                form.filters(),
                number=form.page_number(),
                today=selectors.today(),
                items=items,
            )
    else:
        if form.forget_id_numbers():
            # Links and forms of the layout repeat the page's full path: without the number.
            request.META["QUERY_STRING"] = form.data.urlencode()
        status = 400
    context = {
        "public_list": public_list,
        "lists": list(PUBLIC_LISTS.values()),
        "form": form,
        "page": page,
        "too_deep": too_deep,
        "max_page": MAX_PAGE,
        "query": _query_without_page(request),
    }
    return render(request, "portal/disclosure_list.html", context, status=status)


@never_cache
@require_GET
def disclosure_entry(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    """One entry of a list, while it is on the list; 404 otherwise (also for a forged id)."""
    public_list = _public_list(slug)
    entry = selectors.list_entry(public_list, public_id, today=selectors.today())
    if entry is None:
        raise Http404(_("该条目不存在或已不再公示。"))
    context = {"public_list": public_list, "entry": entry, "lists": list(PUBLIC_LISTS.values())}
    return render(request, "portal/disclosure_entry.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def public_query(request: HttpRequest) -> HttpResponse:
    """The public query of one person's public records (公开信用查询).

    Name and full ID number must both match the file; the same answer ("nothing public found")
    is given for an unknown number, a name that does not match, and a person with no public
    record, so the page never tells whether a number is known. Each query counts in the
    ``public_query_address`` rate of the client, and is audited as a read of personal data."""
    if request.method == "GET":
        return render(request, "portal/public_query.html", {"form": PublicQueryForm()})
    refusal = PUBLIC_QUERIES.hit(client_limit_key(request))
    if refusal is not None:
        return error_page(request, refusal)
    form = PublicQueryForm(request.POST)
    if not form.is_valid():
        # The number typed is not shown back on the page (nor anywhere else).
        shown = PublicQueryForm(initial={"name": request.POST.get("name", "")[:30]})
        shown._errors = form.errors
        return render(request, "portal/public_query.html", {"form": shown}, status=400)
    name = form.cleaned_data["name"]
    subject = subject_find(id_number=form.cleaned_data["id_number"])
    matched = subject is not None and subject_name_matches(subject=subject, name=name) is True
    entries = []
    if matched:
        entries = selectors.publicly_disclosed_of(
            subject_index=subject.blind_index, today=selectors.today()
        )
    public_query_audit(request=request, subject=subject if matched else None, found=len(entries))
    context = {
        "form": PublicQueryForm(initial={"name": name}),
        "answered": True,
        "entries": entries,
        "person": {"name": name, "id_masked": subject.id_masked} if entries else None,
    }
    return render(request, "portal/public_query.html", context)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """``robots.txt``: the public pages may be indexed, nothing personal or staff-only."""
    sitemap = request.build_absolute_uri(reverse("portal:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /staff/",
        "Disallow: /api/",
        "Disallow: /account/",
        "Disallow: /my/",
        "Disallow: /query/",
        "Disallow: /i18n/",
        "Allow: /",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _public_list(slug: str) -> selectors.PublicList:
    public_list = PUBLIC_LISTS.get(slug)
    if public_list is None:
        raise Http404
    return public_list


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
