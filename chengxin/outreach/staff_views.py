"""Staff pages of content under /staff/content/ (docs/outreach.md): the list (paged, filtered by
kind and state), the draft form, the preview, the workflow's steps, pictures and files, and the
campaign activities.

Providers see and edit their own department's drafts and send them for review; the credit
office's reviewers see everything, return, publish and unpublish. A role without content work
gets 403; another department's article is not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.accounts.permissions import can_draft_content, can_publish_content
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.outreach import markup, selectors, services
from chengxin.outreach.choices import ArticleStatus
from chengxin.outreach.forms import (
    ActivityForm,
    ActivityReportForm,
    ArticleForm,
    AttachmentForm,
    FilterForm,
    ImageForm,
    PublishForm,
    ReturnForm,
)


def _refused(error: DomainError):
    if isinstance(error, PermissionDeniedError):
        raise PermissionDenied from None
    if isinstance(error, NotFoundError):
        raise Http404 from None


def _visible(request: HttpRequest, article_id: int):
    try:
        return selectors.article_get_visible_to(user=request.user, article_id=article_id)
    except DomainError as error:
        _refused(error)
        raise


@staff_required
def article_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = selectors.StaffFilters(**form.cleaned_data) if form.is_valid() else None
    try:
        page = selectors.article_page_visible_to(
            user=request.user,
            filters=filters or selectors.StaffFilters(),
            page=request.GET.get("page") or 1,
        )
    except DomainError as error:
        _refused(error)
        raise
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "registers_activities": can_publish_content(request.user),
    }
    return render(request, "outreach/staff/list.html", context)


@staff_required
def article_new(request: HttpRequest) -> HttpResponse:
    if not can_draft_content(request.user):
        raise PermissionDenied
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(actor=request.user, request=request, **form.values())
        except DomainError as error:
            _refused(error)
            form.add_refusal(error)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("content:edit", article.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "outreach/staff/edit.html", {"form": form}, status=status)


def _edit_page(request, article, *, form=None, forms=None, status=200) -> HttpResponse:
    forms = forms or {}
    editable = selectors.may_edit(request.user, article)
    reviewing = can_publish_content(request.user)
    if form is None and editable:
        form = ArticleForm(
            initial={name: getattr(article, name) for name in ArticleForm.base_fields}
        )
    context = {
        "article": article,
        "form": form,
        "editable": editable,
        "reviewing": reviewing and article.status == ArticleStatus.IN_REVIEW,
        "can_unpublish": reviewing and article.status == ArticleStatus.PUBLISHED,
        "return_form": forms.get("return") or ReturnForm(),
        "publish_form": forms.get("publish") or PublishForm(),
        "image_form": forms.get("image") or ImageForm(),
        "attachment_form": forms.get("attachment") or AttachmentForm(),
        "images": selectors.article_images(article),
        "attachments": selectors.article_attachments(article),
        "now": timezone.now(),
    }
    return render(request, "outreach/staff/edit.html", context, status=status)


@staff_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _visible(request, article_id)
    if request.method != "POST":
        return _edit_page(request, article)
    form = ArticleForm(request.POST)
    if form.is_valid():
        try:
            services.article_update(
                actor=request.user, article_id=article.pk, request=request, **form.values()
            )
        except DomainError as error:
            _refused(error)
            if error.status == 409:
                messages.error(request, error.message)
                return redirect("content:edit", article.pk)
            form.add_refusal(error)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("content:edit", article.pk)
    return _edit_page(request, article, form=form, status=422)


@staff_required
def article_preview(request: HttpRequest, article_id: int) -> HttpResponse:
    """The article as the public page will show it, whatever its state."""
    article = _visible(request, article_id)
    context = {
        "article": article,
        "blocks": markup.blocks(article.body),
        "images": selectors.article_images(article),
        "attachments": selectors.article_attachments(article),
        "section": "outreach:news",
        "preview": True,
    }
    return render(request, "outreach/staff/preview.html", context)


@staff_required
def article_image(request: HttpRequest, article_id: int, image_id: int) -> HttpResponse:
    article = _visible(request, article_id)
    found = article.images.filter(pk=image_id).first()
    if found is None:
        raise Http404
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _step(request, article_id: int, call, *, done: str, form_name: str = "", form=None):
    """Run one workflow step; a refusal of the state is a message, of a field the form again."""
    article = _visible(request, article_id)
    if form is not None and not form.is_valid():
        return _edit_page(request, article, forms={form_name: form}, status=422)
    try:
        call(article)
    except DomainError as error:
        _refused(error)
        if error.status == 422 and form is not None:
            form.add_refusal(error)
            return _edit_page(request, article, forms={form_name: form}, status=422)
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("content:edit", article.pk)


@require_POST
@staff_required
def article_submit(request: HttpRequest, article_id: int) -> HttpResponse:
    def call(article):
        services.article_submit(actor=request.user, article_id=article.pk, request=request)

    return _step(request, article_id, call, done=_("已提交信用办审核。"))


@require_POST
@staff_required
def article_return(request: HttpRequest, article_id: int) -> HttpResponse:
    form = ReturnForm(request.POST)

    def call(article):
        services.article_return(
            actor=request.user,
            article_id=article.pk,
            reason=form.cleaned_data["reason"],
            request=request,
        )

    return _step(request, article_id, call, done=_("已退回修改。"), form_name="return", form=form)


@require_POST
@staff_required
def article_publish(request: HttpRequest, article_id: int) -> HttpResponse:
    form = PublishForm(request.POST)

    def call(article):
        services.article_publish(
            actor=request.user,
            article_id=article.pk,
            publish_at=form.cleaned_data.get("publish_at"),
            request=request,
        )

    return _step(request, article_id, call, done=_("已发布。"), form_name="publish", form=form)


@require_POST
@staff_required
def article_unpublish(request: HttpRequest, article_id: int) -> HttpResponse:
    def call(article):
        services.article_unpublish(actor=request.user, article_id=article.pk, request=request)

    return _step(request, article_id, call, done=_("已从网站撤下，恢复为草稿。"))


@require_POST
@staff_required
def article_image_add(request: HttpRequest, article_id: int) -> HttpResponse:
    form = ImageForm(request.POST, request.FILES)

    def call(article):
        services.article_image_add(
            actor=request.user,
            article_id=article.pk,
            data=form.cleaned_data["image"].read(),
            alt=form.cleaned_data["alt"],
            request=request,
        )

    return _step(request, article_id, call, done=_("图片已添加。"), form_name="image", form=form)


@require_POST
@staff_required
def article_attachment_add(request: HttpRequest, article_id: int) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES)

    def call(article):
        upload = form.cleaned_data["attachments"]
        services.article_attachment_add(
            actor=request.user,
            article_id=article.pk,
            file=IncomingFile(name=upload.name or "", data=upload.read()),
            request=request,
        )

    return _step(
        request, article_id, call, done=_("附件已添加。"), form_name="attachment", form=form
    )


@staff_required
def activities(request: HttpRequest) -> HttpResponse:
    """The campaign dates and the activities registered for them; the credit office adds one
    and records how each went."""
    if not can_publish_content(request.user):
        raise PermissionDenied
    campaigns = selectors.campaign_days()
    form = ActivityForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_create(
                actor=request.user,
                campaign_code=data["campaign"],
                year=data["year"],
                held_on=data["held_on"],
                title=data["title"],
                organiser=data["organiser"],
                description=data["description"],
                request=request,
            )
        except DomainError as error:
            _refused(error)
            form.add_refusal(error)
        else:
            messages.success(request, _("宣传活动已登记，已在诚信宣传日历上显示。"))
            return redirect("content:activities")
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None
    status = 422 if request.method == "POST" else 200
    return _activities_page(request, form=form, year=year, status=status)


def _activities_page(request, *, form, year=None, report_forms=None, status=200):
    calendar = selectors.campaign_calendar(year=year or timezone.localdate().year)
    report_forms = report_forms or {}
    for occurrence in calendar:
        for activity in occurrence.activities:
            activity.report_form = report_forms.get(activity.pk) or ActivityReportForm(
                initial={"report": activity.report}, auto_id=f"id_activity{activity.pk}_%s"
            )
    context = {"form": form, "calendar": calendar}
    return render(request, "outreach/staff/activities.html", context, status=status)


@require_POST
@staff_required
def activity_report(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The credit office records how an activity went."""
    if not can_publish_content(request.user):
        raise PermissionDenied
    form = ActivityReportForm(request.POST, auto_id=f"id_activity{activity_id}_%s")
    if form.is_valid():
        try:
            services.activity_report(
                actor=request.user,
                activity_id=activity_id,
                report=form.cleaned_data["report"],
                request=request,
            )
        except DomainError as error:
            _refused(error)
            form.add_refusal(error)
        else:
            messages.success(request, _("活动开展情况已记录。"))
            return redirect("content:activities")
    elif not selectors.activity_exists(activity_id=activity_id):
        raise Http404
    new = ActivityForm(campaigns=selectors.campaign_days())
    return _activities_page(request, form=new, report_forms={activity_id: form}, status=422)
