"""Staff pages of the catalog: the exchange specification in human-readable form."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chengxin.accounts.decorators import staff_required
from chengxin.catalog.choices import ListKind, Profession
from chengxin.catalog.forms import CatalogFilterForm
from chengxin.catalog.presentation import choice_labels, field_rows, item_periods
from chengxin.catalog.selectors import (
    catalog_item_get,
    catalog_item_list,
    catalog_item_table_schema,
)
from chengxin.core.errors import NotFoundError
from chengxin.core.paging import page_of


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The catalog, filtered by domain, category and providing department."""
    form = CatalogFilterForm(request.GET or None)
    page = page_of(request, catalog_item_list(filters=form.filters()))
    return render(request, "catalog/index.html", {"form": form, "page": page})


@staff_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """One item: its fields, legal basis, disclosure, periods, versions and downloads."""
    try:
        item = catalog_item_get(code=code)
    except NotFoundError:
        raise Http404 from None
    context = {
        "item": item,
        "fields": field_rows(catalog_item_table_schema(item)),
        "departments": item.departments.all(),
        "periods": item_periods(item),
        "profession_labels": choice_labels(item.professions, Profession),
        "list_labels": choice_labels(item.lists, ListKind),
        "versions": item.versions.select_related("created_by").order_by("-number"),
    }
    return render(request, "catalog/detail.html", context)
