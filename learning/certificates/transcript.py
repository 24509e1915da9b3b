"""A learner's transcript: their valid certificates, each labelled with its
kind, with AMA PRA credits and participation hours totalled separately per year;
then the credit they recorded from elsewhere, totals per credit type and where
they stand in each licence cycle (learning.certificates.cycles)."""

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone

import weasyprint

from cms import spreadsheets
from cms.credits import credit_name, format_credits
from learning.models import (
    Certificate,
    CertificateKind,
    CertificateStatus,
    ExternalCredit,
    LearnerProfile,
    LicenceCycle,
)

from .cycles import cycle_status, entries, totals_by_type
from .external import file_name
from .kinds import hours_text, is_participation
from .moc import summary as moc_summary
from .rendering import _fonts

CSV_COLUMNS = [
    "certificate_number",
    "certificate_kind",
    "activity",
    "accredited_provider",
    "learning_format",
    "completion_date",
    "credits",
    "credit_type",
    "participation_hours",
    "verification_code",
    "moc_points",
]
# After the certificates, a blank line, then this section: credit the learner
# recorded themselves, never mixed into Curbside's certificate rows.
EXTERNAL_CSV_COLUMNS = [
    "external_credit_provider",
    "activity",
    "completion_date",
    "credit_type",
    "amount",
    "certificate_file",
]
CREDIT_TYPE = credit_name()  # plain text with ™: "AMA PRA Category 1 Credit™"
KIND_LABELS = {
    CertificateKind.AMA_PRA: f"{CREDIT_TYPE} certificate",
    CertificateKind.PARTICIPATION: "Certificate of participation",
}


@dataclass
class Totals:
    """AMA PRA credits and participation hours, never added together."""

    credits: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)

    @classmethod
    def of(cls, certificates: list[Certificate]) -> "Totals":
        totals = cls()
        for c in certificates:
            if is_participation(c.kind):
                totals.hours += c.credits
            else:
                totals.credits += c.credits
        return totals

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)


@dataclass
class Year:
    year: int
    certificates: list[Certificate]
    totals: Totals

    @property
    def total(self) -> Decimal:
        """AMA PRA credits only."""
        return self.totals.credits


def transcript(user: User) -> dict[str, Any]:
    profile = LearnerProfile.objects.filter(user=user).first()
    certificates = list(
        Certificate.objects.filter(user=user, status=CertificateStatus.VALID)
        .order_by("-completion_date", "-pk")
        .prefetch_related("moc")
    )
    by_year: defaultdict[int, list[Certificate]] = defaultdict(list)
    for certificate in certificates:
        certificate.participation = is_participation(certificate.kind)
        certificate.kind_label = KIND_LABELS.get(certificate.kind, certificate.get_kind_display())
        by_year[certificate.completion_date.year].append(certificate)
    years = [
        Year(year=year, certificates=items, totals=Totals.of(items))
        for year, items in sorted(by_year.items(), reverse=True)
    ]
    totals = Totals.of(certificates)
    external = list(ExternalCredit.objects.filter(user=user))
    for credit in external:
        setattr(credit, "file_name", file_name(credit.certificate))  # noqa: B010  (for templates)
    credit_entries = entries(certificates, external)
    today = timezone.localdate(timezone=profile.zone if profile else None)
    return {
        "years": years,
        "totals": totals,
        "total": totals.credits,
        "profile": profile,
        "external": external,
        "type_totals": totals_by_type(credit_entries),
        "cycles": [
            cycle_status(cycle, credit_entries, today)
            for cycle in LicenceCycle.objects.filter(user=user)
        ],
    }


def transcript_csv(user: User) -> str:
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    data = transcript(user)
    for year in data["years"]:
        for c in year.certificates:
            amount = format_credits(c.credits)
            writer.writerow(
                [
                    c.number,
                    c.kind_label,
                    c.activity_title,
                    c.institution_name,
                    c.learning_format,
                    c.completion_date.isoformat(),
                    "" if c.participation else amount,
                    "" if c.participation else CREDIT_TYPE,
                    amount if c.participation else "",
                    c.verification_code,
                    "; ".join(moc_summary(m) for m in c.moc.all()),
                ]
            )
    if data["external"]:
        writer.writerow([])
        writer.writerow(EXTERNAL_CSV_COLUMNS)
        for e in data["external"]:
            writer.writerow(
                [
                    e.provider,
                    e.activity,
                    e.completed_on.isoformat(),
                    e.get_credit_type_display(),
                    format_credits(e.amount),
                    e.file_name,
                ]
            )
    return buffer.getvalue()


def transcript_pdf(user: User) -> bytes:
    html = render_to_string("learning/certificates/transcript_pdf.html", transcript(user))
    return weasyprint.HTML(string=html).write_pdf(font_config=_fonts())
