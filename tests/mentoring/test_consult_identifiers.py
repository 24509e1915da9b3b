"""The patient-identifier check on consult questions (mentoring.consults.identifiers)."""

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mentoring.consults.identifiers import (
    Kind,
    find_identifiers,
    nhs_number_is_valid,
    segments,
    summary,
)
from tests.properties import examples


def kinds(text):
    return [(f.kind, f.text) for f in find_identifiers(text)]


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        # Dates of birth, labelled.
        ("DOB 03/04/1951, admitted", Kind.BIRTH_DATE, "DOB 03/04/1951"),
        ("D.O.B.: 3/4/51", Kind.BIRTH_DATE, "D.O.B.: 3/4/51"),
        ("date of birth 1951-04-03", Kind.BIRTH_DATE, "date of birth 1951-04-03"),
        ("she was born on 3 March 1951", Kind.BIRTH_DATE, "born on 3 March 1951"),
        ("born March 3rd, 1951", Kind.BIRTH_DATE, "born March 3rd, 1951"),
        # Full dates without a label (admission, discharge...).
        ("seen on 12/11/2024 in clinic", Kind.DATE, "12/11/2024"),
        ("admitted 2024-01-15 with sepsis", Kind.DATE, "2024-01-15"),
        ("discharged on 14 February 2023", Kind.DATE, "14 February 2023"),
        ("on the 2nd of Jan 2022", Kind.DATE, "2nd of Jan 2022"),
        ("seen 1.5.2020", Kind.DATE, "1.5.2020"),
        # Record numbers.
        ("MRN 1234567", Kind.RECORD_NUMBER, "MRN 1234567"),
        ("MRN: 00482913", Kind.RECORD_NUMBER, "MRN: 00482913"),
        ("medical record number 55-1234", Kind.RECORD_NUMBER, "medical record number 55-1234"),
        ("patient ID: AB12345", Kind.RECORD_NUMBER, "patient ID: AB12345"),
        ("hospital no. 4455667", Kind.RECORD_NUMBER, "hospital no. 4455667"),
        ("chart # 98765", Kind.RECORD_NUMBER, "chart # 98765"),
        ("the number 20240115883 on the wristband", Kind.LONG_NUMBER, "20240115883"),
        # Phone numbers.
        ("call 555-123-4567 after 5", Kind.PHONE, "555-123-4567"),
        ("call (555) 123-4567", Kind.PHONE, "(555) 123-4567"),
        ("on +1 555 123 4567", Kind.PHONE, "+1 555 123 4567"),
        ("ring 555.123.4567", Kind.PHONE, "555.123.4567"),
        ("the daughter is on +44 20 7946 0958", Kind.PHONE, "+44 20 7946 0958"),
        ("mobile 07700 900123", Kind.PHONE, "07700 900123"),
        ("+33 1 23 45 67 89 is the GP", Kind.PHONE, "+33 1 23 45 67 89"),
        # E-mail addresses.
        ("write to jane.doe+ward@example.org", Kind.EMAIL, "jane.doe+ward@example.org"),
        ("patient@mail.co.uk asked", Kind.EMAIL, "patient@mail.co.uk"),
        # SSN and NHS numbers.
        ("SSN 123-45-6789", Kind.SSN, "SSN 123-45-6789"),
        ("social security number: 123-45-6789", Kind.SSN, "social security number: 123-45-6789"),
        ("NHS number 943 476 5919", Kind.NHS_NUMBER, "943 476 5919"),
        ("NHS 9434765919", Kind.NHS_NUMBER, "9434765919"),
        # Full names with ages.
        ("John Smith, 54, presents with chest pain", Kind.NAME_WITH_AGE, "John Smith, 54"),
        ("Mrs Jones (72 y/o) fell at home", Kind.NAME_WITH_AGE, "Mrs Jones (72 y/o)"),
        ("Mr. O'Brien, 81 years old.", Kind.NAME_WITH_AGE, "Mr. O'Brien, 81 years old"),
        (
            "Maria Lopez is a 54-year-old teacher",
            Kind.NAME_WITH_AGE,
            "Maria Lopez is a 54-year-old",
        ),
        ("Anna-Lena Berg (aged 33) has", Kind.NAME_WITH_AGE, "Anna-Lena Berg (aged 33)"),
        ("Peter Novak, 67 M with dyspnoea", Kind.NAME_WITH_AGE, "Peter Novak, 67"),
    ],
)
def test_finds(text, kind, found):
    assert (kind, found) in kinds(text), kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # Doses, rates and lab values.
        "Start 5 mg/kg once daily, then 0.1 mcg/kg/min.",
        "K 3.2, Na 131, Hb 10.4 g/dL, eGFR 45, INR 2.5",
        "Troponin 0.04 ng/mL at 0 and 3 hours",
        "1,000,000 units of penicillin",
        "BP 120/80, HR 110, SpO2 94% on 2 L",
        "CD4 count 350 cells/mm3",
        # Years, months and ages alone.
        "in 2019 she had a stroke",
        "since March 2019",
        "a 54-year-old man with chest pain",
        "aged 72, lives alone",
        "a 3-day-old neonate",
        # Fractions and ratios.
        "3/4 of patients, a 1:1 ratio, grade 2/6 murmur",
        # Titles and names without ages, clinical capitalised phrases.
        "Dr Okafor suggested a CT",
        "Type 2 Diabetes, 54 patients in the cohort",
        "Emergency Medicine, 12 years in practice",
        "We saw Parkinson Disease, 3 cases this month",
        # Trial and article IDs.
        "see NCT01234567 and PMID 31234567",
        # Times and short numbers.
        "seen at 14:30 on day 3",
        "bed 12, room 4",
    ],
)
def test_clinical_text_is_not_flagged(text):
    assert find_identifiers(text) == []


def test_each_finding_says_what_and_where():
    text = "Mrs Jones (72 y/o), DOB 3/4/1951, MRN 1234567, phone 555-123-4567."
    findings = find_identifiers(text)
    assert [f.kind for f in findings] == [
        Kind.NAME_WITH_AGE,
        Kind.BIRTH_DATE,
        Kind.RECORD_NUMBER,
        Kind.PHONE,
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.label
    assert summary(findings)[1] == "A date of birth: “DOB 3/4/1951”"


def test_overlaps_keep_the_specific_finding():
    # A labelled date of birth is one finding, not also a plain date.
    assert kinds("DOB 03/04/1951") == [(Kind.BIRTH_DATE, "DOB 03/04/1951")]
    # A record number is not also a long number.
    assert kinds("MRN 12345678") == [(Kind.RECORD_NUMBER, "MRN 12345678")]


def test_segments_cut_the_text_for_highlighting():
    text = "Call 555-123-4567 today"
    parts = segments(text, find_identifiers(text))
    assert [(p.text, p.finding is not None) for p in parts] == [
        ("Call ", False),
        ("555-123-4567", True),
        (" today", False),
    ]
    assert "".join(p.text for p in parts) == text


def test_nhs_check_digit():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("1111111111")


# --- Properties ---------------------------------------------------------------

SAFE_FRAGMENTS = [
    "a 54-year-old woman",
    "with chest pain",
    "5 mg/kg",
    "K 3.2",
    "in 2019",
    "since March 2019",
    "BP 130/85",
    "Hb 9.8",
    "twice daily",
    "for 3 days",
    "Dr Okafor",
    "Type 2 diabetes",
    "eGFR 38",
    "0.5 mg IV",
    "grade 3/6",
    "on day 2",
]

IDENTIFIERS = [
    "MRN 7654321",
    "DOB 12/05/1948",
    "555-867-5309",
    "r.patel@example.net",
    "born on 9 July 1962",
    "Mrs Jones (72 y/o)",
    "SSN 078-05-1120",
    "+44 20 7946 0958",
]

# Generation is cheap; on a loaded machine it can still look slow to hypothesis.
PROPERTY = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

clinical_text = st.lists(st.sampled_from(SAFE_FRAGMENTS), min_size=1, max_size=12).map(
    lambda parts: ", ".join(parts) + "."
)


@hsettings(max_examples=examples(150), **PROPERTY)
@given(clinical_text)
def test_clinical_fragments_never_flagged(text):
    assert find_identifiers(text) == []


@hsettings(max_examples=examples(150), **PROPERTY)
@given(clinical_text, st.sampled_from(IDENTIFIERS), clinical_text)
@example("a 54-year-old woman.", "Mrs Jones (72 y/o)", "with chest pain.")
def test_an_identifier_anywhere_is_found_where_it_is(before, identifier, after):
    text = f"{before} {identifier} {after}"
    start = len(before) + 1
    findings = find_identifiers(text)
    assert any(f.start <= start and f.end >= start + len(identifier) for f in findings), (
        text,
        findings,
    )


@hsettings(max_examples=examples(200), **PROPERTY)
@given(st.text(max_size=300))
def test_findings_are_exact_ordered_and_disjoint(text):
    findings = find_identifiers(text)
    previous_end = 0
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.start >= previous_end
        previous_end = finding.end
    assert "".join(p.text for p in segments(text, findings)) == text
