"""The credit's name is printed as the AMA asks, "AMA PRA Category 1 Credit(s)" in italics
followed by one ™, on pages, the certificate PDF and the transcript PDF (fonts read back from
the PDFs); plain-text outputs keep the words and ™ without markup; the transcript shows each
activity's learning format."""

import csv
import io
from decimal import Decimal

from django.template import Context, Template

import pypdf
import pytest

from cms.credits import ama_pra_html, ama_pra_text, credit_name, credit_name_html
from learning.certificates.rendering import certificate_html, render_pdf
from learning.certificates.transcript import transcript_pdf
from learning.journey import progress, services
from tests.factories import correct_answers, evaluation_answers

pytestmark = pytest.mark.django_db

NAME = "AMA PRA Category 1 Credit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{NAME}", f"<em>{NAME}</em>™"),
        (f"{NAME}s", f"<em>{NAME}s</em>™"),
        (f"a maximum of 2 {NAME}(s)™.", f"a maximum of 2 <em>{NAME}(s)</em>™."),
        (f"{NAME}™ and {NAME}s™", f"<em>{NAME}</em>™ and <em>{NAME}s</em>™"),
        (f"{NAME} (TM)", f"<em>{NAME}</em>™"),
        (f"{NAME}&trade;", f"<em>{NAME}</em>™"),
        (
            f"<b>Lakeshore</b> & co: {NAME}s™ <script>",
            f"&lt;b&gt;Lakeshore&lt;/b&gt; &amp; co: <em>{NAME}s</em>™ &lt;script&gt;",
        ),
        ("No credit named here.", "No credit named here."),
    ],
)
def test_ama_pra_html_italicises_the_name_with_one_trademark(text, expected):
    html = ama_pra_html(text)
    assert html == expected
    assert html.count("™") == text.count(NAME)
    assert "™™" not in html


def test_plain_text_keeps_the_words_with_one_trademark_and_no_markup():
    assert ama_pra_text(f"{NAME}(s)™ or {NAME}") == f"{NAME}(s)™ or {NAME}™"
    assert credit_name() == f"{NAME}™"
    assert credit_name(plural=True) == f"{NAME}s™"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(Decimal("1.00"), f"{NAME}"), (Decimal("1.5"), f"{NAME}s"), ("0.25", f"{NAME}s")],
)
def test_credit_name_is_singular_only_for_one_credit(amount, expected):
    assert credit_name_html(amount) == f"<em>{expected}</em>™"


def test_template_filter_escapes_and_is_safe():
    rendered = Template("{% load credit_tags %}{{ text|ama_pra }} {{ n|credit_name }}").render(
        Context({"text": f"<i>x</i> {NAME}s™", "n": Decimal("1")})
    )
    assert rendered == f"&lt;i&gt;x&lt;/i&gt; <em>{NAME}s</em>™ <em>{NAME}</em>™"


def test_path_page_prints_the_name_in_italics(client, path):
    html = client.get(path.url).content.decode()
    assert f"Up to 1.5 <em>{NAME}s</em>™" in html


def test_path_index_page_prints_the_name_in_italics(client, path):
    html = client.get(path.get_parent().url).content.decode()
    assert f"1.5 <em>{NAME}s</em>™" in html


def test_verification_page_prints_the_name_in_italics(client, certificate):
    html = client.get(f"/certificates/verify/{certificate.verification_code}/").content.decode()
    assert f"1.25 <em>{NAME}s</em>™" in html
    assert "™™" not in html


def test_claim_page_designation_statement_in_italics(client, learner, path):
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)
    services.submit_attempt(learner, path, correct_answers(path))
    services.submit_evaluation(learner, path, evaluation_answers(path))
    client.force_login(learner)
    html = client.get(path.url + "claim/").content.decode()
    assert f"a maximum of 1.5 <em>{NAME}(s)</em>™." in html


def test_transcript_page_prints_the_name_and_learning_format(client, learner, certificate):
    client.force_login(learner)
    html = client.get("/me/transcript/").content.decode()
    assert f"1.25 <em>{NAME}s</em>™ on valid certificates" in html
    assert '<th scope="col">Learning format</th>' in html
    assert "<td>Enduring material</td>" in html


def test_transcript_csv_is_plain_text_with_trademark(client, learner, certificate):
    client.force_login(learner)
    content = client.get("/me/transcript/transcript.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [r["credit_type"] for r in rows] == [f"{NAME}™"]
    assert [r["learning_format"] for r in rows] == ["Enduring material"]
    assert "<em>" not in content


def text_runs(data: bytes) -> list[tuple[str, str]]:
    """(text, font name) for every piece of text drawn in the PDF, read back with pypdf."""
    runs: list[tuple[str, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and font_dict is not None:
            runs.append((text, str(font_dict.get("/BaseFont", ""))))

    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return runs


def italic_text(data: bytes) -> str:
    fonts = ("Italic", "Oblique")
    return " ".join(
        " ".join(t.split()) for t, font in text_runs(data) if any(f in font for f in fonts)
    )


def plain_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_certificate_pdf_prints_the_name_in_an_italic_font(certificate):
    html = certificate_html(certificate)
    assert f"1.25 <em>{NAME}s</em>™" in html
    assert f"<em>{NAME}(s)</em>™." in html  # the credit designation statement
    data = render_pdf(certificate)
    text = plain_text(data)
    assert f"{NAME}s™" in text and f"{NAME}(s)™" in text
    assert "Enduring material" in text
    italic = italic_text(data)
    assert f"{NAME}s" in italic and f"{NAME}(s)" in italic
    assert "™" not in italic  # the ™ is not italic
    assert "Enduring material" not in italic  # only the credit's name is


def test_transcript_pdf_prints_the_name_in_italics_and_the_learning_format(learner, certificate):
    data = transcript_pdf(learner)
    text = plain_text(data)
    assert f"1.25 {NAME}s™ on valid certificates" in text
    assert "LEARNING FORMAT" in text and "Enduring material" in text  # headers are upper case
    italic = italic_text(data)
    assert f"{NAME}s" in italic and "™" not in italic
