"""The path page's steps and compliance answers, kept in the shared cache between changes.

Every signed-in view of a path page needs the same two answers: whether
credit is available today (``availability.credit_available``) and the
activity block learners read before the content (``activity.activity_context``:
the disclosure block, the statements, whom to ask). Working them out reads
the people in control of the content, their disclosures, the relevance
decisions, the institution and the commercial support: seven queries and most
of a millisecond of Python per person. They change only when one of those
records changes, or when the date does (a disclosure expires at midnight).

The path's steps, each with its guide's title, address, reading time and
status, are read with them (a query and a hundred model instances for 50
steps, a sixth of the page's time) and change only with the same records: a
step guide published, unpublished, moved, retitled or deleted, or the path's
steps republished. The caller reads them (``load_steps``): this wing does not
import the journey that defines which guide columns a step carries.

So the answers are cached per path, per live revision and per day, and tagged
with a *generation* (``cms.generations``: why it is safe under concurrency).
Any saved or deleted record the answers may depend on (every ``cms`` model,
the path's own compliance rows, any page published, unpublished or moved)
sets a new token, and every answer tagged with another token is worked out
again. ``INVALIDATING_LEARNING_MODELS`` lists the learning models; a test checks that
every table the uncached computation reads is covered.

Only live pages are cached (a preview computes from its in-memory revision),
and entries expire after ``MAX_AGE`` seconds whatever happens, as a backstop.
The embedded default cache is the database, so a hit is one query: the token
and the answer are read together.

"Mark complete" needs only the version of the disclosure block
(``activity.disclosure_version``: learning.journey.disclosure_proof), not the
steps and answers: ``disclosure_version`` keeps it under a key of its own,
beside the answer's and under the same generation, so a request reads 32
characters instead of the pickled steps (one small query when cached).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils import timezone

from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting

from cms.generations import Generation
from cms.models import GuidePage, Institution
from learning.models import LearningPathPage, PathStep

from .activity import activity_context
from .activity import disclosure_version as version_of
from .availability import Availability, credit_available
from .gate import control_statuses

GENERATION_KEY = "learning:compliance:generation"
GENERATION = Generation(GENERATION_KEY)
MAX_AGE = 600  # seconds: a backstop; changes invalidate at once
# Part of every answer's key. Raise it whenever what is cached changes shape
# (PathCompliance, Availability, the activity context or the disclosure block's
# rows): during and after a deploy, processes of the new code then never read
# an answer pickled by the old one.
SHAPE_VERSION = 2

# Learning models the answers read (besides the path page itself and every
# cms model). Their saves are rare editorial acts, never a learner's.
INVALIDATING_LEARNING_MODELS = (
    "learning.LearningPathPage",
    "learning.PathStep",
    "learning.PathContributor",
    "learning.PathCommercialSupport",
    # Not learning's, but read too: a step guide behind a privacy restriction
    # makes a path unavailable for credit (gate.step_problems).
    "wagtailcore.PageViewRestriction",
)


@dataclass(frozen=True)
class PathCompliance:
    availability: Availability
    activity: dict[str, Any]
    # The accrediting institution as read for the answers: a hit puts it back
    # on the page, whose template names it too (one query fewer).
    institution: Institution | None = None


@dataclass(frozen=True)
class PathSnapshot:
    """What every signed-in view of a live path page reads alike."""

    # The path's steps in order, each with its guide (the columns ``load_steps`` read).
    steps: list[PathStep]
    compliance: PathCompliance

    @property
    def guides(self) -> list[GuidePage]:
        return [step.guide for step in self.steps]


def compute(path: LearningPathPage, guides: list[GuidePage]) -> PathCompliance:
    """The answers, worked out from the database (and ``path`` as given)."""
    entry_statuses = control_statuses(path, guides)  # once, shared by both
    return PathCompliance(
        availability=credit_available(path, guides=guides, entry_statuses=entry_statuses),
        activity=activity_context(path, guides=guides, entry_statuses=entry_statuses),
        institution=path.institution,
    )


def _key(path: LearningPathPage) -> str:
    return (
        f"learning:compliance:v{SHAPE_VERSION}:path:{path.pk}:{path.live_revision_id}:"
        f"{timezone.localdate()}"
    )


def path_snapshot(
    path: LearningPathPage,
    load_steps: Callable[[], list[PathStep]],
    *,
    live: bool = True,
) -> PathSnapshot:
    """The steps of ``path`` (read by ``load_steps`` when not cached) and the
    compliance answers, from the cache when nothing they depend on changed
    since they were stored. ``live=False`` (a preview) always reads afresh."""
    if not live or not path.pk or not path.live:
        return _read(path, load_steps)
    key = _key(path)
    token, found = GENERATION.read([key])
    answer: PathSnapshot | None = found.get(key)
    if answer is not None:
        institution = answer.compliance.institution
        if institution is not None and institution.pk == path.institution_id:
            LearningPathPage.institution.field.set_cached_value(path, institution)
        return answer
    answer = _read(path, load_steps)
    GENERATION.store(key, token, answer, MAX_AGE)
    return answer


def disclosure_version(path: LearningPathPage, load_steps: Callable[[], list[PathStep]]) -> str:
    """The version of the disclosure block the step pages of ``path`` show
    now (``activity.disclosure_version``): from the cache, one small query,
    when nothing it depends on changed since it was stored; else worked out
    from the path's answers (``path_snapshot``) and stored."""
    if not path.pk or not path.live:
        return version_of(_read(path, load_steps).compliance.activity["disclosure"])
    key = f"{_key(path)}:disclosure-version"
    token, found = GENERATION.read([key])
    version: str | None = found.get(key)
    if version is None:
        # Read after ``token`` was: safe to store under it (cms.generations).
        version = version_of(path_snapshot(path, load_steps).compliance.activity["disclosure"])
        GENERATION.store(key, token, version, MAX_AGE)
    return version


def _read(path: LearningPathPage, load_steps: Callable[[], list[PathStep]]) -> PathSnapshot:
    steps = load_steps()
    return PathSnapshot(steps=steps, compliance=compute(path, [step.guide for step in steps]))


def invalidate() -> None:
    """Every cached answer is worked out again from the next request on."""
    GENERATION.invalidate()


# Signal receivers ---------------------------------------------------------------


def invalidating_models() -> list[type[Model]]:
    """Every model whose saved or deleted rows the answers may read: each
    ``cms`` model but the site settings, and ``INVALIDATING_LEARNING_MODELS``."""
    content = [
        model
        for model in apps.get_app_config("cms").get_models()
        # Site settings (created on a site's first request) say nothing of compliance.
        if not issubclass(model, (BaseSiteSetting, BaseGenericSetting))
    ]
    return content + [apps.get_model(label) for label in INVALIDATING_LEARNING_MODELS]


def connect() -> None:
    """Called from the app's ``ready``."""
    GENERATION.renew_on_changes(invalidating_models(), "learning.compliance.snapshot")
