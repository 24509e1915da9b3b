"""The path page's compliance answers, kept in the shared cache between changes.

Every signed-in view of a path page needs the same two answers: whether
credit is available today (``availability.credit_available``) and the
activity block learners read before the content (``activity.activity_context``:
the disclosure block, the statements, whom to ask). Working them out reads
the people in control of the content, their disclosures, the relevance
decisions, the institution and the commercial support: seven queries and most
of a millisecond of Python per person. They change only when one of those
records changes, or when the date does (a disclosure expires at midnight).

So the answers are cached per path, per live revision and per day, and tagged
with a *generation*: a random token kept in the cache. Any saved or deleted
record the answers may depend on (every ``cms`` model, the path's own compliance
rows, any page published, unpublished or moved) sets a new token once its
transaction commits, and every answer tagged with another token is worked out
again. The order makes it safe under concurrency: a request reads the token
before it reads the database and stores its answer under the token it read,
so an answer read before a change committed is never served after it.
``INVALIDATING_LEARNING_MODELS`` lists the learning models; a test checks that
every table the uncached computation reads is covered.

Only live pages are cached (a preview computes from its in-memory revision),
and entries expire after ``MAX_AGE`` seconds whatever happens, as a backstop.
The embedded default cache is the database, so a hit is one query: the token
and the answer are read together.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import GuidePage, Institution
from learning.models import LearningPathPage

from .activity import activity_context
from .availability import Availability, credit_available
from .gate import control_statuses

GENERATION_KEY = "learning:compliance:generation"
MAX_AGE = 600  # seconds: a backstop; changes invalidate at once
# Part of every answer's key. Raise it whenever what is cached changes shape
# (PathCompliance, Availability, the activity context or the disclosure block's
# rows): during and after a deploy, processes of the new code then never read
# an answer pickled by the old one.
SHAPE_VERSION = 1

# Learning models the answers read (besides the path page itself and every
# cms model). Their saves are rare editorial acts, never a learner's.
INVALIDATING_LEARNING_MODELS = (
    "learning.LearningPathPage",
    "learning.PathStep",
    "learning.PathContributor",
    "learning.PathCommercialSupport",
)


@dataclass(frozen=True)
class PathCompliance:
    availability: Availability
    activity: dict[str, Any]
    # The accrediting institution as read for the answers: a hit puts it back
    # on the page, whose template names it too (one query fewer).
    institution: Institution | None = None


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


def path_compliance(
    path: LearningPathPage, guides: list[GuidePage], *, live: bool = True
) -> PathCompliance:
    """The answers for ``path`` (whose step guides, in order, are ``guides``),
    from the cache when nothing they depend on changed since they were stored.
    ``live=False`` (a preview) always computes."""
    if not live or not path.pk or not path.live:
        return compute(path, guides)
    key = _key(path)
    found = cache.get_many([GENERATION_KEY, key])
    token = found.get(GENERATION_KEY)
    if token is None:
        token = _new_token()
    stored = found.get(key)
    if stored is not None and stored[0] == token:
        answer: PathCompliance = stored[1]
        institution = answer.institution
        if institution is not None and institution.pk == path.institution_id:
            LearningPathPage.institution.field.set_cached_value(path, institution)
        return answer
    answer = compute(path, guides)
    cache.set(key, (token, answer), MAX_AGE)
    return answer


def _new_token() -> str:
    token = secrets.token_hex(8)
    cache.set(GENERATION_KEY, token, None)
    return token


def invalidate() -> None:
    """Every cached answer is worked out again from the next request on.

    A new token at once (inside the change's transaction, where the database
    cache writes with it) and again once the transaction commits: a request
    that read the old rows while the change was still uncommitted may have
    stored its answer under the first new token."""
    _new_token()
    transaction.on_commit(_new_token)


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


def _changed(sender: type, **kwargs: Any) -> None:
    invalidate()


def connect() -> None:
    """Called from the app's ``ready``. Connected model by model, not to every
    sender: a receiver for all models would cost every save a call and take
    Django's fast bulk delete away from every model."""
    for model in invalidating_models():
        uid = f"learning.compliance.snapshot:{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
    page_published.connect(_changed, dispatch_uid="learning.compliance.snapshot:publish")
    page_unpublished.connect(_changed, dispatch_uid="learning.compliance.snapshot:unpublish")
    post_page_move.connect(_changed, dispatch_uid="learning.compliance.snapshot:move")
