"""The signed-in journey benchmark's set-up, run inside Django in child
processes of journey_bench.py (development settings, the server's SECRET_KEY):
a 50-step path, 20 learners with 25 steps done and a session each (plus one
more, only for the checks before the load), the proof each pending step's
"Mark complete" form carries (``learning.journey.disclosure_proof``: a keyed
hash with the SECRET_KEY, as the step page writes it), and the StepCompletion
counts the benchmark checks."""

import secrets
import string
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness.processes import child_main, django_setup
from benchmarks.harness.seeding import signed_in_session

PATH_SLUG = "bench-path"
STEP_COUNT = 50
LEARNER_COUNT = 20
DONE_STEPS = 25
# Not one of the loaded learners (nor filled in by phase_fill): the checks
# before the load complete one of its steps.
CHECKER_USERNAME = "bench-checker"


def csrf_token():
    """A CSRF secret as Django stores it in the cookie: 32 letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def phase_setup():
    """Create the path, the learners, their progress, sessions and proofs."""
    django_setup(urls=True)
    from django.db import transaction

    from learning.journey import disclosure_proof, services
    from learning.journey.steps import step_url
    from learning.models import PathStep
    from tests.factories import LearnerProfileFactory, LearningPathPageFactory, UserFactory

    def learner(username):
        # No usable password: hashing one is slow and nobody logs in with it.
        user = UserFactory(username=username, password=None)
        user.refresh_from_db()
        LearnerProfileFactory(user=user)
        services.enrol(user, path)
        for guide_id in guide_ids[:DONE_STEPS]:
            services.complete_step(user, path, guide_id)
        pending = guide_ids[DONE_STEPS:]
        return {
            "username": user.username,
            "sessionid": signed_in_session(user),
            "csrftoken": csrf_token(),
            "done": guide_ids[:DONE_STEPS],
            "pending": pending,
            # What the step page's "Mark complete" form posts as ``disclosure``
            # for each pending step, in the same order.
            "pending_proofs": [disclosure_proof.for_step(user.pk, path, g) for g in pending],
        }

    with transaction.atomic():
        path = LearningPathPageFactory(title="Benchmark path", slug=PATH_SLUG, steps=STEP_COUNT)
        steps = list(PathStep.objects.filter(page=path).order_by("sort_order", "pk"))
        guide_ids = [step.guide_id for step in steps]
        learners = [learner(f"bench-learner-{n}") for n in range(1, LEARNER_COUNT + 1)]
        checker = learner(CHECKER_USERNAME)
        # The step pages of its first two pending steps: where a refused POST
        # sends it back to, and where an accepted one sends it on to.
        checker["pending_pages"] = [
            step_url(path, step.guide) for step in steps[DONE_STEPS : DONE_STEPS + 2]
        ]
    return {"path_url": path.url, "learners": learners, "checker": checker}


def completion_counts():
    from learning.models import StepCompletion

    rows = StepCompletion.objects.all()
    return {
        "rows": rows.count(),
        "distinct_pairs": rows.values("enrolment_id", "guide_id").distinct().count(),
        "bench_path_rows": rows.filter(enrolment__path__slug=PATH_SLUG).count(),
    }


def phase_count():
    """StepCompletion counts."""
    django_setup()
    return completion_counts()


def phase_fill():
    """Complete every bench learner's remaining steps, so that later POSTs only
    repeat done steps; how many were added, and the counts."""
    django_setup(urls=True)
    from django.contrib.auth import get_user_model

    from learning.journey import services
    from learning.models import LearningPathPage, PathStep

    path = LearningPathPage.objects.get(slug=PATH_SLUG)
    guide_ids = PathStep.objects.filter(page=path).values_list("guide_id", flat=True)
    added = 0
    for user in get_user_model().objects.filter(username__startswith="bench-learner-"):
        for guide_id in guide_ids:
            added += services.complete_step(user, path, guide_id)[1]
    return {"added": added, **completion_counts()}


if __name__ == "__main__":
    child_main({"setup": phase_setup, "count": phase_count, "fill": phase_fill})
