"""Background work (django-tasks): in-process in the embedded setup, a
database worker at scale."""

from django_tasks import task


@task()
def render_certificate_pdf(certificate_id):
    from .issuance import generate_pdf

    certificate = generate_pdf(certificate_id)
    return certificate.pdf_status


@task()
def issue_certificate_for_claim(claim_id, actor_id=None):
    """Approve (when the path waits for approval and an actor is given), issue
    and render one certificate. Idempotent: a second run finds the first."""
    from django.contrib.auth import get_user_model

    from learning.models import ClaimStatus, CreditClaim

    from .issuance import approve_claim, generate_pdf, issue_certificate

    claim = CreditClaim.objects.select_related("enrolment__path").get(pk=claim_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    if claim.status != ClaimStatus.APPROVED and actor is not None:
        certificate = approve_claim(claim, actor)
    else:
        certificate, _ = issue_certificate(claim, actor=actor)
    return generate_pdf(certificate.pk).pdf_status
