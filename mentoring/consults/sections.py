"""The "Ask the author" section under every guide, plugged into cms's
``guide_page_sections`` hook (cms renders each section's template and never
imports mentoring)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from cms.models import GuidePage

from ..models import Question
from . import permissions
from .forms import QuestionForm
from .views import answers_prefetch

SHOWN = 20


def guide_consult_section(request: HttpRequest, page: GuidePage) -> dict[str, Any] | None:
    if getattr(request, "is_preview", False):
        return None
    user = request.user
    questions = list(
        Question.objects.public()
        .filter(guide=page)
        .prefetch_related(answers_prefetch())[: SHOWN + 1]
    )
    signed_in = user.is_authenticated
    is_author = signed_in and permissions.is_guide_author(user, page)
    return {
        "template": "mentoring/consults/guide_section.html",
        "questions": questions[:SHOWN],
        "more": len(questions) > SHOWN,
        "signed_in": signed_in,
        "is_author": is_author,
        "may_ask": signed_in and not is_author and user.is_active,
        "form": QuestionForm(),
        "ask_url": reverse("consult_ask_guide", args=[page.pk]),
        "login_url": reverse("account_login") + "?" + urlencode({"next": page.url or "/"}),
    }
