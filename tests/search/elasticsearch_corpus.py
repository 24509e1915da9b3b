"""The documents the Elasticsearch engine's tests index (CORPUS, built with
doc()), and the page ids of a search's hits, in order."""

import datetime
import decimal

from search.engines.base import SearchDocument


def doc(page_id, title, body="", **fields) -> SearchDocument:
    fields.setdefault("kind", "guide")
    fields.setdefault("url", f"/guides/{page_id}/")
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("objectives", "")
    return SearchDocument(page_id=page_id, title=title, body=body, **fields)


CARDIO = ("cardiology", "Cardiology")
PEDS = ("pediatrics", "Pediatrics")
SURGERY = ("surgery", "Surgery")
INFORMATICS = ("informatics", "Clinical informatics")
ANA = ("ana-alvarez", "Ana Alvarez")
BEN = ("ben-brooks", "Ben Brooks")

CORPUS = [
    doc(
        1,
        "Managing hypertension in primary care",
        "Blood pressure targets for adults, home measurements and when to add a second drug.",
        topics=(CARDIO,),
        specialties=(("internal-medicine", "Internal medicine"),),
        audiences=(("resident", "Resident"),),
        mentors=(ANA,),
        release_date=datetime.date(2024, 3, 1),
    ),
    doc(
        2,
        "Chest pain in young women",
        "Myocardial infarction presents differently; troponin timing and follow-up.",
        topics=(CARDIO,),
        mentors=(BEN,),
        release_date=datetime.date(2024, 5, 1),
    ),
    doc(
        3,
        "Pediatric asthma pathway",
        "Inhaler technique, spacers and action plans for children.",
        kind="path",
        url="/paths/3/",
        topics=(PEDS,),
        mentors=(ANA, BEN),
        credits=decimal.Decimal("2.50"),
        release_date=datetime.date(2024, 7, 1),
    ),
    doc(
        4,
        "Writing safe clinical notes",
        "Never paste <script>alert('x')</script> into the record; documentation tips & tricks.",
        topics=(INFORMATICS,),
        mentors=(BEN,),
        release_date=datetime.date(2023, 9, 1),
    ),
    doc(
        5,
        "Wound care basics",
        "Cleaning, closure and dressing choice; patients with asthma heal the same way.",
        topics=(SURGERY,),
        release_date=datetime.date(2022, 1, 1),
    ),
]


def ids(results) -> list[int]:
    return [hit.page_id for hit in results.hits]
