"""Wagtail's ``publish_scheduled``, with the publish gate's refusals handled:
a credit path (or a clinical guide, cms.publishing) that may not be published
(it fell out of compliance after it was scheduled) keeps its current state,
its schedule is cancelled, the refusal is recorded in its history, a path's
institution's staff are told, and a guide's people (who scheduled it, who
saved the version, its owner, the authors whose disclosure lapsed) get a
notification, e-mailed once the refusal has committed; the other scheduled
publications go ahead.

(This command replaces Wagtail's: the learning app comes before Wagtail in
INSTALLED_APPS.)"""

import datetime
from typing import Any

from django.utils import timezone

from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Revision

from cms.publishing import PublishRefused
from learning.compliance.scheduled import refuse_scheduled
from notifications.tasks import deliver_from_command


def due_revisions() -> dict[int, tuple[str, datetime.datetime]]:
    """{revision id: (object id, go-live moment)} of what is due now. Read
    before publishing: Wagtail clears the moment before the save that refuses."""
    rows = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).values_list(
        "pk", "object_id", "approved_go_live_at"
    )
    return {pk: (object_id, moment) for pk, object_id, moment in rows}


def go_live_of(
    refused: PublishRefused, due: dict[int, tuple[str, datetime.datetime]]
) -> datetime.datetime | None:
    """When the refused version was due (None if it cannot be told)."""
    found = due.get(refused.page.live_revision_id)
    if found is None:
        found = next((row for row in due.values() if row[0] == str(refused.page.pk)), None)
    return found[1] if found else None


class Command(WagtailCommand):
    help = (
        "Publish the revisions scheduled to go live; refuse credit paths and clinical guides "
        "that may not."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Wagtail's loop stops at the first refusal. Each refusal cancels that
        # schedule, so running the loop again goes on with the others (those
        # already published are no longer scheduled).
        refused_pages: set[int] = set()
        told_any = False
        while True:
            due = due_revisions()
            try:
                super().handle(*args, **options)
            except PublishRefused as refused:
                if refused.page.pk in refused_pages:
                    raise  # its schedule could not be cancelled: never loop
                refused_pages.add(refused.page.pk)
                told = refuse_scheduled(refused, go_live_of(refused, due))
                told_any = told_any or told > 0
                self.stderr.write(
                    f"Not published: '{refused.page.title}' (schedule cancelled, "
                    f"{told} people told): " + " ".join(refused.problems)
                )
                continue
            break
        if told_any:
            # Committed already: the e-mails go out with no transaction open.
            deliver_from_command()
