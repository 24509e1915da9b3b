"""The activity export: one row per credit path, with what ACCME asks of an
enduring material, under the headers of ACCME's older activity template
where one applies (research: jfrux/accme_lib's serializer) and plain ones
for the rest. One sheet per institution (PARS knows a provider by its
account, so one institution's sheet is uploaded at a time).

Choices (docs/credit-reporting.md):
- Activity Type ``IEM`` (Internet Activity Enduring Material) for every path.
- Hours of Instruction = the credits designated: an AMA PRA credit is one
  hour of participation, and a path's credits may not exceed its estimated
  time, so this is the time a learner is credited for.
- Reporting Year = the year asked for (``?year=``, by default the current
  one): the paths available in that year (released by its last day, not
  ended before its first), and their learners counted cumulatively as of
  31 December of that year, or today for the current year. ACCME asks
  providers to update an enduring material's "total cumulative learner
  counts as of December 31" of each year it is active
  (docs/credit-reporting.md).
- Physicians and other learners are counted from valid certificates, as the
  CME reports count them (learning.reports.services).
"""

import datetime
import io
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from openpyxl import Workbook

from cms.models import Institution
from learning.boards import credit_type_label
from learning.models import LearningPathPage, SupportKind
from learning.reports.services import EMPTY_COUNTS, learner_counts

from .excel import DATE_FORMAT, TEXT_FORMAT, number
from .xlsx_stream import cell_text

HEADERS = [
    "ACCME Activity ID",
    "Provider Activity ID",
    "Reporting Year",
    "Activity Title",
    "Activity Date",
    "Activity End Date",
    "Providership",
    "Activity Type",
    "Hours of Instruction",
    "# of Physicians",
    "# of Other Learners",
    "Commercial Support Received?",
    "# of Commercial Supporters",
    "Monetary Support Received?",
    "In-Kind Support Received?",
    "Joint Provider(s)",
    "Number of AMA PRA Category 1 CreditsTM Designated",
    "Changes in Competence evaluated?",
    "Changes in Performance evaluated?",
    "Changes in Patient Outcomes evaluated?",
    "Changes in Community Health evaluated?",
    "MOC Registrations",
]
ACTIVITY_TYPE = "IEM"


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def institutions_for(user: User) -> list[Institution]:
    query = Institution.objects.all() if user.is_superuser else user.staff_institutions.all()
    return list(query.order_by("name"))


def _paths(institutions: list[Institution], year: int) -> list[LearningPathPage]:
    """The credit paths available at some time in ``year``."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return list(
        LearningPathPage.objects.filter(institution__in=institutions, max_credits__gt=0)
        .exclude(release_date__gt=last)
        .exclude(termination_date__lt=first)
        .prefetch_related("commercial_support", "moc")
        .order_by("title", "pk")
    )


def path_row(path: LearningPathPage, counts: dict[str, Any], year: int) -> list[Any]:
    support = list(path.commercial_support.all())
    kinds = {s.kind for s in support}
    moc = "; ".join(
        f"{m.board} {credit_type_label(m.credit_type)} {m.points.normalize():f}"
        for m in path.moc.all()
    )
    return [
        path.accme_activity_id,
        str(path.pk),
        year,
        path.title,
        path.release_date,
        path.termination_date,
        "Joint" if path.joint_provider else "Direct",
        ACTIVITY_TYPE,
        number(str(path.max_credits)),
        counts["physicians"],
        counts["other_learners"],
        yes_no(bool(support)),
        len({s.company for s in support}),
        yes_no(SupportKind.MONETARY in kinds),
        yes_no(SupportKind.IN_KIND in kinds),
        path.joint_provider,
        number(str(path.max_credits)),
        yes_no(path.measures_competence),
        yes_no(path.measures_performance),
        yes_no(path.measures_patient_health),
        yes_no(path.measures_community_health),
        moc,
    ]


def activities_xlsx(
    institutions: list[Institution],
    today: datetime.date | None = None,
    year: int | None = None,
) -> bytes:
    today = today or timezone.localdate()
    year = year or today.year
    paths = _paths(institutions, year)
    through = min(datetime.date(year, 12, 31), today)
    counts = learner_counts([p.pk for p in paths], through=through)
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for institution in institutions or []:
        sheet = workbook.create_sheet(institution.slug[:31])
        sheet.append([cell_text(h) for h in HEADERS])
        for path in (p for p in paths if p.institution_id == institution.pk):
            values = path_row(path, counts.get(path.pk, EMPTY_COUNTS), year)
            # cell_text: XML-illegal characters (openpyxl's ILLEGAL_CHARACTERS_RE
            # and the rest) removed from titles and names, then neutralised.
            sheet.append([cell_text(v) for v in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = DATE_FORMAT
                elif isinstance(cell.value, str):
                    cell.data_type = "s"
                    cell.number_format = TEXT_FORMAT
    if not workbook.worksheets:
        workbook.create_sheet("Activities").append(HEADERS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
