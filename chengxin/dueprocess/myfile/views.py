"""Staff pages of access challenges under /staff/challenges/: the queue (the department that
looked sees its own, the credit office sees all), the case page, the department's answer and
the credit office's closing. Another department's case is not found (404); a role that handles
no challenges gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.dueprocess.myfile import services
from chengxin.dueprocess.myfile.forms import AnswerForm, CloseForm, QueueFilterForm
from chengxin.dueprocess.myfile.selectors import (
    challenge_get_visible_to,
    challenge_queue_visible_to,
    may_answer,
    may_close,
)


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The challenges the signed-in staff member handles: unfinished first, oldest first."""
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    try:
        page = challenge_queue_visible_to(
            user=request.user, status=status, page=request.GET.get("page") or 1
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    query = f"status={status}" if status else ""
    context = {"form": form, "page": page, "query": query}
    return render(request, "myfile/staff/queue.html", context)


def _challenge(request: HttpRequest, challenge_id: int):
    try:
        return challenge_get_visible_to(user=request.user, challenge_id=challenge_id)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None


@staff_required
def detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _detail(request, _challenge(request, challenge_id))


def _detail(request, challenge, *, forms=None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    context = {
        "challenge": challenge,
        "answer_form": forms.get("answer")
        or (AnswerForm() if may_answer(request.user, challenge) else None),
        "close_form": forms.get("close")
        or (CloseForm() if may_close(request.user, challenge) else None),
    }
    return render(request, "myfile/staff/detail.html", context, status=status)


def _step(request, challenge, *, key: str, form, call, success: str) -> HttpResponse:
    if not form.is_valid():
        return _detail(request, challenge, forms={key: form}, status=422)
    try:
        call()
    except PermissionDeniedError:
        raise PermissionDenied from None
    except DomainError as error:
        form.add_refusal(error)
        return _detail(request, challenge, forms={key: form}, status=error.status)
    messages.success(request, success)
    return redirect("myfile_staff:detail", challenge_id=challenge.pk)


@staff_required
@require_POST
def answer(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    form = AnswerForm(request.POST)
    return _step(
        request,
        challenge,
        key="answer",
        form=form,
        call=lambda: services.challenge_answer(
            actor=request.user,
            challenge_id=challenge.pk,
            explanation=form.cleaned_data["explanation"],
            request=request,
        ),
        success=_("说明已答复当事人。"),
    )


@staff_required
@require_POST
def close(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    form = CloseForm(request.POST)
    return _step(
        request,
        challenge,
        key="close",
        form=form,
        call=lambda: services.challenge_close(
            actor=request.user,
            challenge_id=challenge.pk,
            note=form.cleaned_data["note"],
            request=request,
        ),
        success=_("核实申请已办结，已通知当事人。"),
    )
