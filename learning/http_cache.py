"""What a shared HTTP cache must purge with a guide or a path
(``cms.http_cache``'s ``http_cache_dependents`` hook).

- A guide is listed on every live path that has it as a step (the path page
  and the catalogue's step counts).
- A path's step bar ("Step 2 of 5 of <path>", with the other steps) is shown
  on each of its guides read from the path (``/guides/<slug>/?path=<path>``),
  to visitors who are not signed in too; the purge drops every query variant
  of the guide's address.
"""

from typing import Any

from wagtail.models import Page

from cms.models import GuidePage

from .models import LearningPathPage


def learning_dependents(page: Page) -> list[Any]:
    if isinstance(page, GuidePage):
        return list(LearningPathPage.objects.live().filter(steps__guide=page).distinct())
    if isinstance(page, LearningPathPage):
        return list(GuidePage.objects.live().filter(path_steps__page=page).distinct())
    return []
