"""A step is marked complete only where the activity's disclosure is shown,
and only while that disclosure is still the one shown.

The step page (a guide read as a step of its path, ``/guides/<slug>/?path=``,
``views.path_page.guide_step_context``) shows the activity's disclosure before
the content: every step's authors, the planners and reviewers, the commercial
support (ACCME Standards 3.5 and 5). A guide read on its own shows only its
own authors, so it does not record the step: it links to the step page.

The step page's "Mark complete" form carries a proof that the page was shown
to this learner for this step of this path, with this disclosure:
``<version>.<signature>``. The version is a fingerprint of the disclosure
block as the page rendered it (``learning.compliance.activity.disclosure_version``:
a hash of every row, relationship, date, the mitigation statement and the
commercial support); the signature a keyed hash of the learner, path, step and
version with the site's secret key (nothing stored).

Why a fingerprint of what is shown, not of page revisions: the block changes
without any new revision of the path or its guides (a planner signs a new
disclosure, a relationship is judged, a disclosure expires), and most new
revisions (a retitled guide, a new summary, another page of the site) leave
it as it was. The fingerprint changes exactly when what the learner read
changes, so a learner is stopped only when they have something new to read.
It is cheap to check: the step page reads the block from the path's cached
compliance answers anyway, and the POST reads the current version from the
cache under a key of its own (``learning.compliance.snapshot.disclosure_version``:
one small query; worked out again only after a content change, once per path).

``services.complete_step`` checks the signature first (no query) and the
version only then. Without a valid signature (a guide read on its own, a page
from before this rule, a hand-made request, a version altered by hand) nothing
is recorded and the learner is sent to the step page (``NOT_SHOWN_MESSAGE``).
With a valid signature for a version that is no longer the current one, the
disclosure changed after the page was shown: nothing is recorded and the
learner is sent back to the step page, which shows the current disclosure
(``CHANGED_MESSAGE``).
"""

import enum
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from learning.compliance.snapshot import disclosure_version
from learning.models import LearningPathPage

from .progress import path_steps

FIELD = "disclosure"  # the form field that carries the proof
_SALT = "learning.journey.disclosure_proof"

NOT_SHOWN_MESSAGE = (
    "A step is marked complete on its page in the path, read with the activity's "
    "disclosure: here it is."
)
CHANGED_MESSAGE = (
    "The activity's disclosure has changed since this page was shown to you, so the "
    "step was not marked complete. Please read the disclosure below, then mark the "
    "step complete."
)


class Verdict(enum.Enum):
    SHOWN = "shown"  # the current disclosure was shown: record the step
    NOT_SHOWN = "not shown"  # not posted from the step page shown to this learner
    CHANGED = "changed"  # shown, but the disclosure changed since


def current_version(path: LearningPathPage) -> str:
    """The version of the disclosure the step pages of ``path`` show now."""
    return disclosure_version(path, lambda: path_steps(path))


def _signature(user_id: int, path_id: int, guide_id: int, version: str) -> str:
    message = f"{user_id}:{path_id}:{guide_id}:{version}"
    return salted_hmac(_SALT, message, algorithm="sha256").hexdigest()


def proof(user_id: int, path_id: int, guide_id: int, version: str) -> str:
    """What the step page's form posts for this learner, path and step, having
    shown the disclosure of ``version``."""
    return f"{version}.{_signature(user_id, path_id, guide_id, version)}"


def for_step(user_id: int, path: LearningPathPage, guide_id: int) -> str:
    """The proof the step page shows this learner now (tools and tests)."""
    return proof(user_id, path.pk, guide_id, current_version(path))


def check(
    request: HttpRequest,
    user_id: int,
    path_id: int,
    guide_id: int,
    current: Callable[[], str],
) -> Verdict:
    """Whether ``request`` was posted from the step page shown to this learner,
    and with the disclosure whose version ``current()`` returns (called only
    for a proof with a valid signature)."""
    version, _, signature = request.POST.get(FIELD, "").partition(".")
    if not (version and signature):
        return Verdict.NOT_SHOWN
    if not constant_time_compare(signature, _signature(user_id, path_id, guide_id, version)):
        return Verdict.NOT_SHOWN
    if not constant_time_compare(version, current()):
        return Verdict.CHANGED
    return Verdict.SHOWN
