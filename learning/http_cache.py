"""What a shared HTTP cache must purge with a guide or a path
(``cms.http_cache``'s ``http_cache_dependents`` hook).

- A guide is listed on every live path that has it as a step (the path page
  and the catalogue's step counts).
- A path's step bar ("Step 2 of 5 of <path>", with the other steps) is shown
  on each of its guides read from the path (``/guides/<slug>/?path=<path>``),
  to visitors who are not signed in too; the purge drops every query variant
  of the guide's address. So a guide's change reaches the other guides of its
  paths too ("Next: <its title>").
- A mentor who plans or reviews a path is named, with their disclosure, on
  the path page (``learning_mentor_dependents``).
- A path is named, with a link, on every live path that requires it
  ("Before this path, complete: <title>", shown to visitors).
- An institution's name and accreditation statement are printed on the
  paths it accredits (``learning_institution_dependents``).
"""

from typing import Any

from wagtail.models import Page

from cms.models import GuidePage

from .models import LearningPathPage


def learning_dependents(page: Page) -> list[Any]:
    if isinstance(page, GuidePage):
        paths = list(LearningPathPage.objects.live().filter(steps__guide=page).distinct())
        others = GuidePage.objects.live().filter(path_steps__page__in=paths).exclude(pk=page.pk)
        return paths + list(others.distinct())
    if isinstance(page, LearningPathPage):
        guides = list(GuidePage.objects.live().filter(path_steps__page=page).distinct())
        requiring = LearningPathPage.objects.live().filter(prerequisites__required_path=page)
        return guides + list(requiring.distinct())
    return []


def learning_mentor_dependents(mentor: Any) -> list[Any]:
    return list(LearningPathPage.objects.live().filter(contributors__person=mentor).distinct())


def learning_institution_dependents(institution: Any) -> list[Any]:
    return list(LearningPathPage.objects.live().filter(institution=institution))
