"""The staff's cohort table: suggested pairs for the whole programme, changed
and confirmed (``mentoring.services.cohort``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from cms.admin_header import TitledAdminTemplateMixin
from cms.integers import parse_int

from .exceptions import MentoringError
from .models import Programme
from .permissions import may_staff_mentoring, staff_programmes
from .services import cohort

FIELD = "mentor-"


class CohortView(TitledAdminTemplateMixin, TemplateView):
    template_name = "mentoring/admin/cohort.html"
    header_icon = "group"
    programme: Programme

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_staff_mentoring(request.user):
            raise Http404
        self.programme = get_object_or_404(staff_programmes(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"Cohort table: {self.programme.title}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        table = kwargs.pop("table", None) or cohort.cohort_table(self.programme)
        return super().get_context_data(
            programme=self.programme, table=table, field=FIELD, **kwargs
        )

    def _chosen(self, request: HttpRequest) -> tuple[dict[int, int | None], list[str]]:
        chosen: dict[int, int | None] = {}
        errors = []
        for key, value in request.POST.items():
            if not key.startswith(FIELD):
                continue
            mentee_id = parse_int(key.removeprefix(FIELD), min_value=1)
            mentor = str(value).strip()
            mentor_id = parse_int(mentor, min_value=1) if mentor else None
            if mentee_id is None or (mentor and mentor_id is None):
                errors.append("Choose each mentor from the list.")
                continue
            chosen[mentee_id] = mentor_id
        return chosen, sorted(set(errors))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen, errors = self._chosen(request)
        table = cohort.cohort_table(self.programme, chosen=chosen)
        if errors or request.POST.get("action") != "confirm":
            status = 400 if errors else 200
            context = self.get_context_data(table=table, errors=errors, checked=not errors)
            return self.render_to_response(context, status=status)
        try:
            created = cohort.confirm(self.programme, table.pairs)
        except MentoringError as error:
            context = self.get_context_data(table=table, errors=[error.message])
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            f"{len(created)} pair{'' if len(created) == 1 else 's'} confirmed: "
            "each mentor and mentee now has their relationship.",
        )
        return redirect("mentoring_cohort", self.programme.pk)
