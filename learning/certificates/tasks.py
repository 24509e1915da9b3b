"""Background work (django-tasks): in-process in the embedded setup, a
database worker at scale."""

from django_tasks import task


@task()
def render_certificate_pdf(certificate_id):
    from .issuance import generate_pdf

    certificate = generate_pdf(certificate_id)
    return certificate.pdf_status
