import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.certificates.bulk import certificates_needing_pdfs, claims_needing_certificates
from learning.certificates.tasks import (
    claims_not_issued,
    enqueue_issuance,
    render_certificate_pdf,
)
from learning.models import LearningPathPage


def progress(stream: TextIO, done: int, total: int, label: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    stream.flush()


class Command(BaseCommand):
    help = (
        "Issue certificates for every approved credit claim of a path that has none yet, "
        "and retry PDFs that failed. Runs as background tasks; safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", required=True, help="The learning path's slug.")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        target = LearningPathPage.objects.filter(slug=path).first()
        if target is None:
            raise CommandError(f"No learning path has the slug {path!r}.")
        claim_ids = list(claims_needing_certificates(path=target).values_list("pk", flat=True))
        retry_ids = list(certificates_needing_pdfs(path=target).values_list("pk", flat=True))
        total = len(claim_ids) + len(retry_ids)
        # The raw stream under Django's OutputWrapper, so \r redraws one line.
        out: TextIO = getattr(self.stdout, "_out", sys.stdout)
        # Claims go in chunks, one task each (tasks.enqueue_issuance).
        issued = enqueue_issuance(
            claim_ids, on_queued=lambda done: progress(out, done, total, "Issuing")
        )
        rendered = []
        for index, certificate_id in enumerate(retry_ids, start=len(claim_ids) + 1):
            rendered.append(render_certificate_pdf.enqueue(certificate_id))
            progress(out, index, total, "Issuing")
        if total:
            out.write("\n")
        failed = claims_not_issued(issued) + sum(1 for r in rendered if r.status == "FAILED")
        self.stdout.write(
            f"{len(claim_ids)} certificate(s) queued for issue, {len(retry_ids)} PDF(s) "
            f"queued for another try, {failed} failed."
        )
        if failed:
            raise CommandError("Some tasks failed; see the log. Run the command again to retry.")
