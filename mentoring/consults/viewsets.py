"""Moderation of consults in the Wagtail admin (/admin/consults/), for
superusers and institution staff (permissions.may_moderate); anyone else gets
a 404, as if the screens did not exist.

* ``/admin/consults/``: reports, open ones first, with the reported text.
* ``/admin/consults/reports/<id>/``: one report: hide what it is about
  (upholding every open report on it), dismiss it, or show hidden text again.
* ``/admin/consults/questions/``: every public question with its answers, to
  hide or show again. Private questions between a mentee and their mentor are
  not listed: moderators see one only through a report about it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.views.generic import TemplateView

from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from cms.admin_header import TitledAdminTemplateMixin
from cms.integers import parse_int

from ..models import Answer, Question, Report, ReportStatus
from . import permissions, services

PER_PAGE = 30


class ModeratorsOnly:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.may_moderate(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ReportListView(ModeratorsOnly, TitledAdminTemplateMixin, TemplateView):
    template_name = "mentoring/consults/admin/reports.html"
    page_title = "Consult reports"
    header_icon = "warning"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("status") == "all"
        reports = Report.objects.select_related(
            "question", "answer__question", "handled_by"
        ).order_by("-created_at", "-pk")
        if not show_all:
            reports = reports.filter(status=ReportStatus.OPEN)
        context.update(
            show_all=show_all,
            reports=Paginator(reports, PER_PAGE).get_page(self.request.GET.get("page")),
            questions_url=reverse("consults:questions"),
        )
        return context


class ReportView(ModeratorsOnly, TitledAdminTemplateMixin, TemplateView):
    template_name = "mentoring/consults/admin/report.html"
    page_title = "Consult report"
    header_icon = "warning"

    def get_report(self) -> Report:
        return get_object_or_404(
            Report.objects.select_related("question__guide", "answer__question__guide"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        context.update(
            report=report,
            question=report.target_question,
            hidden=report.answer.hidden if report.answer else report.target_question.is_hidden,
            others=Report.objects.filter(question=report.question, answer=report.answer)
            .exclude(pk=report.pk)
            .count(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.get_report()
        action = request.POST.get("action")
        if action == "uphold":
            services.uphold_report(request.user, report)
            messages.success(request, "Hidden from the site; the report is upheld.")
        elif action == "dismiss" and report.status == ReportStatus.OPEN:
            services.dismiss_report(request.user, report)
            messages.success(request, "Report dismissed; the text stays on the site.")
        elif action == "unhide":
            if report.answer is not None:
                services.set_answer_hidden(request.user, report.answer, False)
            else:
                services.set_question_hidden(request.user, report.target_question, False)
            messages.success(request, "Shown on the site again.")
        else:
            messages.error(request, "Choose what to do with the report.")
        return redirect("consults:report", pk=report.pk)


def public_questions() -> QuerySet[Question]:
    return (
        Question.objects.filter(guide__isnull=False)
        .select_related("guide")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("author__mentor_profile"))
        )
        .order_by("-created_at", "-pk")
    )


class QuestionListView(ModeratorsOnly, TitledAdminTemplateMixin, TemplateView):
    template_name = "mentoring/consults/admin/questions.html"
    page_title = "Public consult questions"
    header_icon = "help"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["questions"] = Paginator(public_questions(), PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        return context


class ModerateQuestionView(ModeratorsOnly, TemplateView):
    """POST only: hide or show a public question or one of its answers."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        question = get_object_or_404(public_questions(), pk=self.kwargs["pk"])
        action = request.POST.get("action", "")
        if action in ("hide", "unhide"):
            services.set_question_hidden(request.user, question, action == "hide")
        elif action in ("hide_answer", "unhide_answer"):
            answer = question.answers.filter(pk=_int(request.POST.get("answer"))).first()
            if answer is None:
                messages.error(request, "That answer is not on this question.")
                return redirect("consults:questions")
            services.set_answer_hidden(request.user, answer, action == "hide_answer")
        else:
            messages.error(request, "Choose hide or show.")
            return redirect("consults:questions")
        messages.success(request, "Hidden." if action.startswith("hide") else "Shown again.")
        return redirect(reverse("consults:questions") + f"#q-{question.pk}")


def _int(value: str | None) -> int:
    return parse_int(value, min_value=1) or 0


class ModerationMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return permissions.may_moderate(request.user)


class ConsultModerationViewSet(ViewSet):
    name = "consults"
    icon = "help"
    menu_label = "Consults"
    add_to_admin_menu = True
    menu_order = 8600
    menu_item_class = ModerationMenuItem

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            path("", ReportListView.as_view(), name="reports"),
            path("reports/<id:pk>/", ReportView.as_view(), name="report"),
            path("questions/", QuestionListView.as_view(), name="questions"),
            path("questions/<id:pk>/", ModerateQuestionView.as_view(), name="moderate"),
        ]
