"""A step is marked complete only where the activity's disclosure is shown.

The step page (a guide read as a step of its path, ``/guides/<slug>/?path=``,
``views.path_page.guide_step_context``) shows the activity's disclosure before
the content: every step's authors, the planners and reviewers, the commercial
support (ACCME Standards 3.5 and 5). A guide read on its own shows only its
own authors, so it does not record the step: it links to the step page.

The step page's "Mark complete" form carries a proof that the page was shown
to this learner for this step of this path: a keyed hash of the three ids
with the site's secret key (no query, nothing stored). ``services.complete_step``
refuses a learner's request without it (a guide read on its own, a page from
before this rule, a hand-made request): nothing is recorded and the learner
is sent to the step page, where the disclosure and the form are.
"""

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

FIELD = "disclosure"  # the form field that carries the proof
_SALT = "learning.journey.disclosure_proof"

NOT_SHOWN_MESSAGE = (
    "A step is marked complete on its page in the path, read with the activity's "
    "disclosure: here it is."
)


def proof(user_id: int, path_id: int, guide_id: int) -> str:
    """What the step page's form posts for this learner, path and step."""
    return salted_hmac(_SALT, f"{user_id}:{path_id}:{guide_id}", algorithm="sha256").hexdigest()


def shown(request: HttpRequest, user_id: int, path_id: int, guide_id: int) -> bool:
    """Whether ``request`` was posted from the step page shown to this learner."""
    given = request.POST.get(FIELD, "")
    return bool(given) and constant_time_compare(given, proof(user_id, path_id, guide_id))
