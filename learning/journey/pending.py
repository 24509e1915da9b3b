"""Finishing an enrolment a visitor started before they had an account.

"Log in to enrol" is a POST (enrolment never happens on a GET, so no other
site can enrol anyone by a link). For a visitor it carries no CSRF token, so
the path page can be cached; the POST must come from this site instead
(``anonymous_enrol.py``). For a visitor who is not signed in, that POST
remembers the path in their session and sends them to log in (or, from there,
to sign up) with ``next`` set to the path page. When the same browser session
signs in (the log-in form, or the e-mailed confirmation link after sign-up,
which signs the new learner in), Django's ``user_logged_in`` signal finishes
the enrolment, so the learner lands on the path enrolled. Both are POSTs of
allauth's own CSRF-protected forms.
"""

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest

from learning.exceptions import JourneyError
from learning.models import LearningPathPage

from . import services

SESSION_KEY = "curbside_pending_enrolment"
# Long enough to sign up and open the confirmation e-mail; an intent older
# than this is dropped rather than acted on by surprise.
MAX_AGE_SECONDS = 24 * 60 * 60


def enrolled_message(path: LearningPathPage) -> str:
    return f"You are enrolled in “{path.title}”. Your progress is saved as you go."


def remember(request: HttpRequest, path: LearningPathPage) -> None:
    request.session[SESSION_KEY] = {"path": path.pk, "at": int(time.time())}


def _pending_path(request: HttpRequest) -> LearningPathPage | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    pending = session.pop(SESSION_KEY, None)
    if not isinstance(pending, dict):
        return None
    path_id, at = pending.get("path"), pending.get("at")
    if not isinstance(path_id, int) or not isinstance(at, int):
        return None
    if not 0 <= time.time() - at <= MAX_AGE_SECONDS:
        return None
    return LearningPathPage.objects.live().filter(pk=path_id).first()


def finish_enrolment(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: enrol in the path the visitor chose before
    signing in, and say so (or say why not) on the page they land on."""
    if request is None:
        return
    path = _pending_path(request)
    if path is None:
        return
    try:
        _, created = services.enrol(user, path)
    except JourneyError as exc:
        messages.error(request, exc.message)
        return
    if created:
        messages.success(request, enrolled_message(path))
