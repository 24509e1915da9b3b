"""Scheduled publishing of a credit path (or a clinical guide) that the
publish gate refuses: the schedule is cancelled, the refusal goes into the
page's history, and a path's institution's staff are told what to fix (a
guide's people through the notifications outbox: ``guide_refusals``).
Nothing happens silently."""

from __future__ import annotations

import datetime

from django.db import transaction

from wagtail.log_actions import log
from wagtail.models import Revision

from cms.models import GuidePage
from cms.publishing import PublishRefused
from learning.models import LearningPathPage

from .guide_refusals import tell_guide_refused
from .notices import refusal_text, tell_institution_staff

REFUSED_ACTION = "learning.publish.refused"


@transaction.atomic
def refuse_scheduled(refused: PublishRefused, go_live_at: datetime.datetime | None = None) -> int:
    """Record a refused scheduled publication; the number of people told
    (``go_live_at``: when it was due, which Wagtail clears before the save
    that refuses)."""
    path = refused.page
    revision = Revision.objects.filter(pk=path.live_revision_id).first()
    # Wagtail schedules one revision per page: cancel it (whichever it is).
    path.revisions.filter(approved_go_live_at__isnull=False).update(approved_go_live_at=None)
    log(
        instance=path,
        action=REFUSED_ACTION,
        revision=revision,
        data={
            "problems": refused.problems,
            "revision": {"id": revision.pk} if revision else None,
        },
    )
    if isinstance(path, GuidePage):
        # A clinical guide (cms.publishing): its history says why, and its
        # people are told once the refusal commits.
        return tell_guide_refused(refused, revision, go_live_at)
    if not isinstance(path, LearningPathPage):
        return 0
    intro = (
        f"The scheduled publication of '{path.title}' was cancelled: the path does not meet "
        "the requirements for AMA PRA Category 1 Credit™. Fix these, then publish it again "
        "(or schedule it again):"
    )
    return tell_institution_staff(
        path, f"Not published: {path.title}", refusal_text(intro, refused.problems)
    )
