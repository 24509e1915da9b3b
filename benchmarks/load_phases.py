"""The load test's work inside Django, in child processes of load_test.py and
db_restart_fault.py (production settings, the server's SECRET_KEY):
``python benchmarks/load_phases.py --phase setup|check|recover [N]``.

* setup: the paths (every live, credit-bearing path issued on completion with
  no prerequisites that takes enrolments now, with its steps' pages and its
  correct post-test answers) and N learners with a profile and a database
  session each, at staggered points of their first path;
* check: what the learners' requests left in the database;
* recover: the documented recovery (learning.certificates.tasks.recover).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness.processes import child_main, django_setup
from benchmarks.harness.seeding import bulk_learners, signed_in_session

USER_PREFIX = "load-"


def _form_answers(path):
    """The post-test's correct answers and a valid evaluation, as form fields."""
    from learning.journey.forms import FIELD_PREFIX
    from learning.journey.questions import evaluation_questions, post_test_questions

    test = [
        [FIELD_PREFIX + q.id, str(index)] for q in post_test_questions(path) for index in q.correct
    ]
    evaluation = []
    for q in evaluation_questions(path):
        if q.kind == "rating":
            evaluation.append([FIELD_PREFIX + q.id, "5"])
        elif q.kind == "text":
            evaluation.append([FIELD_PREFIX + q.id, "Clear and practical (load test)."])
        else:
            evaluation += [[FIELD_PREFIX + q.id, "already"], [FIELD_PREFIX + q.id + "-how", ""]]
    return test, evaluation


def phase_setup(count):
    """Paths (with the answers), learners, profiles and sessions (child process)."""
    count = int(count)
    django_setup(urls=True)
    from django.db import transaction

    from cms.credits import format_credits
    from learning.compliance.availability import credit_available
    from learning.journey.steps import step_url
    from learning.models import CertificatePolicy, Degree, LearningPathPage, PathStep

    paths, pages = [], []
    candidates = (
        LearningPathPage.objects.live()
        .filter(max_credits__gt=0, certificate_policy=CertificatePolicy.ON_COMPLETION)
        .order_by("pk")
    )
    for path in candidates:
        if path.is_terminated() or path.prerequisites.exists():
            continue
        if not credit_available(path):
            # Credit paused (a disclosure expired by the calendar, say): the
            # path takes no enrolments, so a learner could not walk it.
            continue
        test, evaluation = _form_answers(path)
        steps = list(
            PathStep.objects.filter(page=path).select_related("guide").order_by("sort_order", "pk")
        )
        pages.append(path)
        paths.append(
            {
                "slug": path.slug,
                "url": path.url,
                "guides": [step.guide_id for step in steps],
                # Where a learner reads each step and finds its "Mark complete" form.
                "step_pages": [step_url(path, step.guide) for step in steps],
                "test": test,
                "evaluation": evaluation,
                "credits": format_credits(path.max_credits),
            }
        )
    if not paths:
        raise SystemExit("No live credit-bearing path issued on completion.")
    with transaction.atomic():
        # Physicians: a claim asks for the profession (the certificate's kind).
        users = bulk_learners(USER_PREFIX, count, "Load", degree=Degree.MD)
        learners = [{"username": u.username, "sessionid": signed_in_session(u)} for u in users]
    for index, (user, account) in enumerate(zip(users, learners, strict=True)):
        account["start"] = start_progress(user, index, pages, paths)
    return {"paths": paths, "learners": learners}


START_STAGES = ["new", "half the steps done", "every step done", "post-test passed"]


def start_progress(user, index, pages, paths):
    """Learners are at different points of their first path when the load
    starts (learner i: path i mod n, stage (i div n) mod 4), so that enrolments,
    completions, post-tests, evaluations and claims all run at once from the
    first second, rather than claims only after every learner's first
    dozen requests. Written through learning.journey.services, as the views do."""
    from learning.journey import services
    from learning.journey.questions import post_test_questions

    first = index % len(pages)
    path, data = pages[first], paths[first]
    stage = (index // len(pages)) % len(START_STAGES)
    start = {"slug": path.slug, "stage": START_STAGES[stage], "done": [], "passed": False}
    if stage == 0:
        return start
    services.enrol(user, path)
    guides = data["guides"] if stage >= 2 else data["guides"][: len(data["guides"]) // 2]
    for guide_id in guides:
        services.complete_step(user, path, guide_id)
    start["done"] = list(guides)
    if stage >= 3:
        answers = {q.id: q.correct for q in post_test_questions(path)}
        start["passed"] = services.submit_attempt(user, path, answers).passed
    return start


def phase_check():
    """What the learners' requests left in the database (child process)."""
    django_setup(urls=True)
    from django.db import connection
    from django.db.models import Count

    from learning.models import (
        Certificate,
        CertificatePolicy,
        CreditClaim,
        Enrolment,
        EvaluationResponse,
        PathStep,
        PdfStatus,
        StepCompletion,
        TestAttempt,
    )

    mine = {"enrolment__user__username__startswith": USER_PREFIX}
    completions = StepCompletion.objects.filter(**mine)
    rows = [
        [u, s, g, t.timestamp()]
        for u, s, g, t in completions.values_list(
            "enrolment__user__username", "enrolment__path__slug", "guide_id", "completed_at"
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM learning_stepcompletion c "
            "LEFT JOIN learning_enrolment e ON e.id = c.enrolment_id WHERE e.id IS NULL"
        )
        orphan_completions = cursor.fetchone()[0]
    enrolments = Enrolment.objects.filter(user__username__startswith=USER_PREFIX)
    claims = CreditClaim.objects.filter(**mine)
    on_completion = claims.filter(
        enrolment__path__certificate_policy=CertificatePolicy.ON_COMPLETION
    )
    certificates = Certificate.objects.filter(claim__in=claims)
    missing_files = sum(
        1 for c in certificates.exclude(pdf="").only("pdf") if not c.pdf.storage.exists(c.pdf.name)
    )
    step_counts = dict(
        PathStep.objects.values("page_id").annotate(n=Count("id")).values_list("page_id", "n")
    )
    done = dict(
        enrolments.annotate(n=Count("completions")).values_list("pk", "n"),
    )
    passed = TestAttempt.objects.filter(passed=True, **mine)
    passed_early = sum(
        1
        for enrolment_id, path_id in passed.values_list("enrolment_id", "enrolment__path_id")
        if done.get(enrolment_id, 0) < step_counts.get(path_id, 0)
    )
    return {
        "completions": rows,
        "completion_rows": len(rows),
        "completion_pairs": completions.values("enrolment_id", "guide_id").distinct().count(),
        "orphan_completions": orphan_completions,
        "enrolments": enrolments.count(),
        "enrolment_pairs": [
            list(p) for p in enrolments.values_list("user__username", "path__slug")
        ],
        "passed_attempts": passed.count(),
        "enrolments_passed_twice": passed.values("enrolment_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "passed_before_all_steps": passed_early,
        "evaluations": EvaluationResponse.objects.filter(**mine).count(),
        "evaluations_without_pass": EvaluationResponse.objects.filter(**mine)
        .exclude(enrolment__attempts__passed=True)
        .count(),
        "claims": [
            [u, s, t.timestamp()]
            for u, s, t in claims.values_list(
                "enrolment__user__username", "enrolment__path__slug", "claimed_at"
            )
        ],
        "claims_without_evaluation": claims.filter(enrolment__evaluation_response=None).count(),
        "claims_not_completed": claims.filter(enrolment__completed_at=None).count(),
        "completed_without_claim": enrolments.filter(
            completed_at__isnull=False, credit_claim=None
        ).count(),
        "on_completion_claims": on_completion.count(),
        "claims_without_certificate": on_completion.filter(certificates=None).count(),
        "claims_with_two_or_more": on_completion.annotate(n=Count("certificates"))
        .filter(n__gt=1)
        .count(),
        "certificates": certificates.count(),
        "pdfs_ready": certificates.filter(pdf_status=PdfStatus.READY).count(),
        "pdfs_not_ready": certificates.exclude(pdf_status=PdfStatus.READY).count(),
        "pdf_files_missing": missing_files,
    }


def phase_recover():
    """The documented recovery (learning.certificates.tasks.recover): queue
    issuance and PDF rendering for whatever is missing; with the immediate
    backend they run here and now."""
    django_setup(urls=True)
    from learning.certificates.tasks import recover

    return recover()


if __name__ == "__main__":
    child_main({"setup": phase_setup, "check": phase_check, "recover": phase_recover})
