"""The consult pages: ask (on a guide or in a relationship), a question with
its answers, answer, report, and "Add to my guide as a FAQ". Thin: parse,
check access (permissions.py), check the rate limit, call a service, render.

Bad input comes back on the same page with a clear message and everything
typed kept (status 400); a rate limit does the same with status 429."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cms.models import GuidePage
from cms.page_access import admits

from ..models import Answer, Question, QuestionStatus, Relationship
from . import faq, permissions, ratelimit, services
from .forms import AnswerForm, QuestionForm, ReportForm
from .identifiers import segments


def answers_prefetch() -> Prefetch:
    return Prefetch(
        "answers",
        queryset=Answer.objects.filter(hidden=False).select_related("author__mentor_profile"),
        to_attr="visible_answers",
    )


def _limited(
    request: HttpRequest, template: str, context: dict[str, Any], refusal: ratelimit.Refusal
) -> HttpResponse:
    context["limit_message"] = refusal.message
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _ask_context(form: QuestionForm) -> dict[str, Any]:
    return {
        "form": form,
        "findings": form.findings,
        "highlighted": segments(form.checked_text, form.findings) if form.findings else [],
    }


def _live_guide(guide_id: int) -> GuidePage:
    guide = GuidePage.objects.live().public().filter(pk=guide_id).first()
    if guide is None:
        raise Http404
    return guide


@login_required
@require_http_methods(["GET", "POST"])
def ask_on_guide(request: HttpRequest, guide_id: int) -> HttpResponse:
    guide = _live_guide(guide_id)
    if not permissions.may_ask_on_guide(request.user, guide):
        messages.info(request, "You wrote this guide: readers' questions come to you to answer.")
        return redirect(guide.url + "#ask-the-author")
    template = "mentoring/consults/ask.html"
    form = QuestionForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"guide": guide, "to_whom": "the author"}
    if request.method == "GET":
        return render(request, template, {**context, **_ask_context(form)})
    if not form.is_valid():
        return render(request, template, {**context, **_ask_context(form)}, status=400)
    refusal = ratelimit.check(request.user, "question", ratelimit.QUESTION_LIMITS)
    if refusal is not None:
        return _limited(request, template, {**context, **_ask_context(form)}, refusal)
    try:
        question = services.ask_on_guide(
            request.user,
            guide,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            confirmed=form.cleaned_data["confirm_no_identifiers"],
        )
    except services.ConsultError as exc:
        form.add_error(exc.field, exc.message)
        return render(request, template, {**context, **_ask_context(form)}, status=400)
    messages.success(request, "Your question was sent to the guide's author.")
    return redirect("consult_question", pk=question.pk)


def _relationship_for(request: HttpRequest, pk: int) -> Relationship:
    relationship = get_object_or_404(Relationship.objects.select_related("programme"), pk=pk)
    if not permissions.in_relationship(request.user, relationship):
        raise Http404
    return relationship


@login_required
@require_http_methods(["GET", "POST"])
def relationship_consults(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's private questions, and the mentee's form to ask a new one."""
    relationship = _relationship_for(request, pk)
    may_ask = permissions.may_ask_in_relationship(request.user, relationship)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    template = "mentoring/consults/relationship.html"

    def page(status: int = 200, refusal: ratelimit.Refusal | None = None) -> HttpResponse:
        questions = (
            Question.objects.filter(relationship=relationship)
            .exclude(status=QuestionStatus.HIDDEN)
            .prefetch_related(answers_prefetch())
        )
        context = {
            "relationship": relationship,
            "questions": questions,
            "may_ask": may_ask,
            "is_mentor": request.user.pk == relationship.mentor_id,
            **_ask_context(form),
        }
        if refusal is not None:
            return _limited(request, template, context, refusal)
        return render(request, template, context, status=status)

    if request.method == "GET":
        return page()
    if not may_ask:
        messages.error(request, "Only the mentee asks here, while the relationship is active.")
        return redirect("consult_relationship", pk=relationship.pk)
    if not form.is_valid():
        return page(400)
    refusal = ratelimit.check(request.user, "question", ratelimit.QUESTION_LIMITS)
    if refusal is not None:
        return page(refusal=refusal)
    try:
        question = services.ask_in_relationship(
            request.user,
            relationship,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            confirmed=form.cleaned_data["confirm_no_identifiers"],
        )
    except services.ConsultError as exc:
        form.add_error(exc.field, exc.message)
        return page(400)
    messages.success(request, "Your question was sent to your mentor.")
    return redirect("consult_question", pk=question.pk)


def _question_for(request: HttpRequest, pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("guide", "relationship").prefetch_related(
            answers_prefetch()
        ),
        pk=pk,
    )
    if not permissions.may_view(request.user, question):
        raise Http404
    guide = question.guide
    if guide is not None and not _guide_shown_to(request, guide):
        # The asker and the guide's authors (told of it by e-mail) keep it.
        user = request.user
        own = user.is_authenticated and (
            user.pk == question.asker_id or permissions.is_guide_author(user, guide)
        )
        if not (guide.live and own):
            raise Http404
    return question


def _guide_shown_to(request: HttpRequest, guide: GuidePage) -> bool:
    """A question on a guide is seen only by whom the guide's page admits:
    live, and past every privacy restriction on it or above it (a password
    entered, a log-in, a group), as Wagtail checks when serving the page."""
    if not guide.live:
        return False
    return admits(guide, request)


def _question_page(
    request: HttpRequest,
    question: Question,
    form: AnswerForm | None = None,
    status: int = 200,
    refusal: ratelimit.Refusal | None = None,
) -> HttpResponse:
    user = request.user
    may_answer = permissions.may_answer(user, question)
    context = {
        "question": question,
        "answers": question.visible_answers,  # type: ignore[attr-defined]
        "may_answer": may_answer,
        "answer_form": (form or AnswerForm()) if may_answer else None,
        "may_make_faq": permissions.may_make_faq(user, question),
        "is_asker": user.pk == question.asker_id,
        "signed_in": user.is_authenticated,
    }
    template = "mentoring/consults/question.html"
    if refusal is not None:
        return _limited(request, template, context, refusal)
    return render(request, template, context, status=status)


def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_page(request, _question_for(request, pk))


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for(request, pk)
    if not permissions.may_answer(request.user, question):
        messages.error(request, "Only the guide's authors and Curbside mentors answer questions.")
        return redirect("consult_question", pk=question.pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, form, status=400)
    refusal = ratelimit.check(request.user, "answer", ratelimit.ANSWER_LIMITS)
    if refusal is not None:
        return _question_page(request, question, form, refusal=refusal)
    try:
        services.answer_question(request.user, question, body=form.cleaned_data["body"])
    except services.ConsultError as exc:
        form.add_error(exc.field, exc.message)
        return _question_page(request, question, form, status=400)
    messages.success(request, "Thank you: your answer is published.")
    return redirect(reverse("consult_question", args=[question.pk]) + "#answers")


def _report_page(
    request: HttpRequest, *, question: Question, answer: Answer | None = None
) -> HttpResponse:
    template = "mentoring/consults/report.html"
    allowed = (
        permissions.may_report_answer(request.user, answer)
        if answer is not None
        else permissions.may_report_question(request.user, question)
    )
    back = reverse("consult_question", args=[question.pk])
    if not allowed:
        messages.info(request, "You cannot report your own writing.")
        return redirect(back)
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "question": question, "answer": answer}
    if request.method == "GET":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    refusal = ratelimit.check(request.user, "report", ratelimit.REPORT_LIMITS)
    if refusal is not None:
        return _limited(request, template, context, refusal)
    target: dict[str, Any] = {"answer": answer} if answer is not None else {"question": question}
    services.report(
        request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"], **target
    )
    messages.success(request, "Thank you. A moderator will look at your report.")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def report_question(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, question=_question_for(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def report_answer(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(Answer.objects.filter(hidden=False), pk=pk)
    return _report_page(request, question=_question_for(request, answer.question_id), answer=answer)


@login_required
@require_POST
def make_faq(request: HttpRequest, pk: int) -> HttpResponse:
    """The guide's author turns the question and its answer into a FAQ draft,
    then goes to the page editor to submit it for CME review."""
    question = _question_for(request, pk)
    if not permissions.may_make_faq(request.user, question):
        messages.error(request, "Only the guide's authors can add its FAQs.")
        return redirect("consult_question", pk=question.pk)
    try:
        faq.add_as_faq(request.user, question)
    except services.ConsultError as exc:
        messages.error(request, exc.message)
        return redirect("consult_question", pk=question.pk)
    messages.success(
        request,
        "The FAQ was added to a new draft of your guide; the live guide has not changed. "
        "Check it, then submit it to CME review.",
    )
    assert question.guide is not None
    return redirect("wagtailadmin_pages:edit", question.guide.pk)
