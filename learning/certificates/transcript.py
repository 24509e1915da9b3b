"""A learner's transcript: their valid certificates, with credits per year."""

import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.template.loader import render_to_string

import weasyprint

from cms import spreadsheets
from cms.credits import credit_name, format_credits
from learning.models import Certificate, CertificateStatus, LearnerProfile

from .rendering import _fonts

CSV_COLUMNS = [
    "certificate_number",
    "activity",
    "accredited_provider",
    "learning_format",
    "completion_date",
    "credits",
    "credit_type",
    "verification_code",
]
CREDIT_TYPE = credit_name()  # plain text with ™: "AMA PRA Category 1 Credit™"


@dataclass
class Year:
    year: int
    certificates: list[Certificate]
    total: Decimal


def transcript(user: User) -> dict[str, Any]:
    certificates = list(
        Certificate.objects.filter(user=user, status=CertificateStatus.VALID).order_by(
            "-completion_date", "-pk"
        )
    )
    by_year: defaultdict[int, list[Certificate]] = defaultdict(list)
    for certificate in certificates:
        by_year[certificate.completion_date.year].append(certificate)
    years = [
        Year(year=year, certificates=items, total=sum((c.credits for c in items), Decimal(0)))
        for year, items in sorted(by_year.items(), reverse=True)
    ]
    return {
        "years": years,
        "total": sum((c.credits for c in certificates), Decimal(0)),
        "profile": LearnerProfile.objects.filter(user=user).first(),
    }


def transcript_csv(user: User) -> str:
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for year in transcript(user)["years"]:
        for c in year.certificates:
            writer.writerow(
                [
                    c.number,
                    c.activity_title,
                    c.institution_name,
                    c.learning_format,
                    c.completion_date.isoformat(),
                    format_credits(c.credits),
                    CREDIT_TYPE,
                    c.verification_code,
                ]
            )
    return buffer.getvalue()


def transcript_pdf(user: User) -> bytes:
    html = render_to_string("learning/certificates/transcript_pdf.html", transcript(user))
    return weasyprint.HTML(string=html).write_pdf(font_config=_fonts())
