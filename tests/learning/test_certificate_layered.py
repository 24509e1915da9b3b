"""The layered certificate (learning.certificates.layered): the page that is
the same for a path drawn once, the learner's parts drawn over it. What a
learner, a verifier or a CME office would notice: every word the whole-page
render prints is printed, each learner's part sits where the whole-page render
puts it, the QR code still opens the certificate, no learner's page carries
another's details, and a name that needs shaping gets the whole-page render."""

import dataclasses
import io

import pikepdf
import pypdf
import pypdfium2
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from learning.certificates import layered, layered_order, rendering
from learning.models import Certificate

from ..properties import examples
from .conftest import complete

pytestmark = pytest.mark.django_db

POSITION_TOLERANCE = 0.5  # points: under a fifth of a millimetre (measured: 0.12 at most)


def words(data):
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    return sorted(text.split())


def text(data):
    return " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def position(data, text):
    """The box (left, bottom) of the first character of ``text`` on the page."""
    page = pypdfium2.PdfDocument(data)[0]
    textpage = page.get_textpage()
    hit = textpage.search(text, match_case=True).get_next()
    assert hit is not None, f"{text!r} is not on the page"
    left, bottom, _, _ = textpage.get_charbox(hit[0])
    return left, bottom


def learner_texts(certificate):
    texts = [
        certificate.printed_name,
        certificate.number,
        certificate.completion_date.strftime("%B %Y"),
        rendering.verification_url(certificate)[:30],
        rendering.grouped(certificate.verification_code),
    ]
    if certificate.moc.exists():
        texts.append("MOC points earned: 1.25")
    if certificate.kind == "participation":
        texts += ["participated in the activity for 1 hour.", "1 hour"]
    else:
        texts.append("Credits claimed".upper())
    return texts


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_layered_page_prints_every_word_the_whole_page_prints(printed_certificates, paper):
    for certificate in printed_certificates:
        data = rendering.render_layered_pdf(certificate, paper)
        assert data is not None
        assert words(data) == words(rendering.render_flow_pdf(certificate, paper))
        assert (
            pypdf.PdfReader(io.BytesIO(data)).metadata.title == f"Certificate {certificate.number}"
        )


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_each_learner_part_sits_where_the_whole_page_puts_it(printed_certificates, paper):
    for certificate in printed_certificates:
        ours = rendering.render_layered_pdf(certificate, paper)
        flow = rendering.render_flow_pdf(certificate, paper)
        for text in learner_texts(certificate):
            ours_at, flow_at = position(ours, text), position(flow, text)
            assert ours_at == pytest.approx(flow_at, abs=POSITION_TOLERANCE), text


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_certificate_reads_in_the_page_s_order(printed_certificates, paper):
    """Copying the page's text, or a screen reader following the content
    stream, meets the learner's name after "This certifies that", the facts
    before the accreditation statement and the verification link last, as in
    the whole-page render (layered_order)."""
    for certificate in printed_certificates:
        ours = rendering.render_layered_pdf(certificate, paper)
        flow = rendering.render_flow_pdf(certificate, paper)
        assert text(ours) == text(flow)
        assert text(ours).index("This certifies that") < text(ours).index(certificate.printed_name)


def ink(data, box):
    """Dark pixels inside ``box`` (points from the page's top left) of the
    page drawn at 72 dpi (a pixel a point)."""
    image = pypdfium2.PdfDocument(data)[0].render(scale=1).to_pil().convert("L")
    region = image.crop(tuple(round(value) for value in box))
    return sum(region.point(lambda value: 1 if value < 128 else 0).histogram()[1:])


def test_every_part_drawn_into_the_page_is_seen(printed_certificates):
    """Drawn inside the page's own stream, no part is hidden (by a clipping
    path in force there) or moved out of its box: each box holds as much ink
    as in the whole-page render (glyph edges differ a little)."""
    for certificate in printed_certificates:
        ours = rendering.render_layered_pdf(certificate)
        flow = rendering.render_flow_pdf(certificate)
        layer = next(reversed(layered._fixed.values()))
        assert layer.order is not None
        for slot in layered_order.SLOTS:
            expected = ink(flow, layer.boxes[slot])
            assert expected > 0, slot
            assert ink(ours, layer.boxes[slot]) == pytest.approx(expected, rel=0.15), slot


@pytest.mark.parametrize(
    "content",
    [
        b"q 0 0 0 0 0 0 cm BT /F1 12 Tf 1 0 0 1 10 10 Tm (x) Tj ET Q",  # flattened
        b"q 0 0 100 100 re W n BT /F1 12 Tf 1 0 0 1 10 10 Tm (x) Tj ET Q",  # clipped
    ],
)
def test_a_part_is_never_drawn_where_it_could_not_be_seen(content):
    """Where the page's drawing would hide or flatten a part, no reading order
    is given (the parts go over the whole page instead)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.pages[0].Contents = pdf.make_stream(content)
    buffer = io.BytesIO()
    pdf.save(buffer)
    boxes = dict.fromkeys(layered_order.SLOTS, (0.0, 0.0, 200.0, 50.0))
    assert layered_order.split(buffer.getvalue(), 200, boxes) is None
    boxes = dict.fromkeys(layered_order.SLOTS, (0.0, 0.0, 200.0, 250.0))
    assert layered_order.split(buffer.getvalue(), 200, boxes) is not None  # nothing below: the end


def test_a_page_whose_lines_cannot_be_placed_gets_the_parts_laid_over_it(certificate):
    """A fixed page placing its lines other than WeasyPrint does (here
    ReportLab's T*) gives no reading order; the parts are then laid over the
    whole page, every word still printed."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(200, 200))
    canvas.drawString(10, 100, "This certifies that")
    canvas.save()
    box = (0.0, 0.0, 200.0, 50.0)
    assert (
        layered_order.split(buffer.getvalue(), 200, dict.fromkeys(layered_order.SLOTS, box)) is None
    )

    rendering.render_layered_pdf(certificate)
    key, layer = next(reversed(layered._fixed.items()))
    assert layer.order is not None
    layered._fixed[key] = dataclasses.replace(layer, order=None)
    try:
        data = rendering.render_layered_pdf(certificate)
    finally:
        layered._fixed[key] = layer
    assert words(data) == words(rendering.render_flow_pdf(certificate))
    assert certificate.printed_name in text(data)


def test_the_qr_code_opens_the_certificate(printed_certificates):
    for certificate in printed_certificates:
        data = rendering.render_layered_pdf(certificate)
        image = pypdfium2.PdfDocument(data)[0].render(scale=4).to_pil()
        assert [code.text for code in zxingcpp.read_barcodes(image)] == [
            rendering.verification_url(certificate)
        ]


def test_a_path_s_page_is_drawn_once_and_never_carries_another_learner(
    learner, other_learner, path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
        complete(other_learner, path)
    alice, bob = Certificate.objects.get(user=learner), Certificate.objects.get(user=other_learner)
    rendering.render_layered_pdf(alice)
    misses = layered.stats["misses"]
    data = rendering.render_layered_pdf(bob)
    assert layered.stats["misses"] == misses  # Bob's certificate reused the path's page
    printed = text(data)
    assert "Bob Baker" in printed and bob.number in printed
    assert "Alice" not in printed and alice.number not in printed
    assert alice.verification_code[:8] not in printed.replace("-", "")


def test_a_changed_statement_gets_a_page_of_its_own(certificate):
    first = rendering.render_layered_pdf(certificate)
    certificate.accreditation_statement = (
        "Lakeshore Regional is accredited by the ACCME to provide CME."
    )
    second = rendering.render_layered_pdf(certificate)
    assert "Lakeshore Regional is accredited" not in text(first)
    assert "Lakeshore Regional is accredited" in text(second)


@pytest.mark.parametrize(
    "name",
    [
        "Seán O'Brien & Ng <Jr>",
        "Zoë Ångström-Łukasik",
        "Nguyễn Thị Minh Khai",
        "Σοφία Παπαδοπούλου",
        "Ольга Смирнова",
    ],
)
def test_names_in_latin_greek_and_cyrillic_are_drawn_as_typed(
    nurse, path, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(nurse, path, credits="1")
    certificate = Certificate.objects.get(user=nurse)
    certificate.learner_name = name
    data = rendering.render_layered_pdf(certificate)
    assert data is not None
    printed = text(data)
    # On the name line, and inside the participation statement.
    assert printed.count(f"{name}, RN, BSN") == 2


@pytest.mark.parametrize(
    "name",
    ["محمد عبد الله", "דוד כהן", "प्रिया शर्मा", "张伟", "Ade\u0329 Okafor"],
)
def test_a_name_that_needs_shaping_gets_the_whole_page_render(certificate, name):
    certificate.learner_name = name
    assert rendering.render_layered_pdf(certificate) is None
    data = rendering.render_pdf(certificate)
    ops = pypdf.PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    flow = rendering.render_flow_pdf(certificate)
    assert ops == pypdf.PdfReader(io.BytesIO(flow)).pages[0].get_contents().get_data()


def test_a_long_name_takes_two_lines_and_moves_the_page_down(certificate):
    short = rendering.render_layered_pdf(certificate)
    certificate.learner_name = "Alexandra Maximiliana Cassandra Evangelina Montgomery-Fitzwilliam"
    certificate.learner_credentials = "MD, MPH, FACP"
    data = rendering.render_layered_pdf(certificate)
    flow = rendering.render_flow_pdf(certificate)
    assert words(data) == words(flow)
    for text in ("Montgomery", "completed the", "COMPLETED", certificate.number):
        assert position(data, text) == pytest.approx(position(flow, text), abs=POSITION_TOLERANCE)
    assert position(data, "completed the")[1] < position(short, "completed the")[1] - 20


@pytest.mark.parametrize(
    "name",
    [
        " ".join(["Bartholomew-Featherstonehaugh"] * 6),
        "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschafers",
    ],
)
def test_a_name_longer_than_two_lines_or_a_line_gets_the_whole_page_render(certificate, name):
    certificate.learner_name = name
    assert rendering.render_layered_pdf(certificate) is None
    assert name[:20] in text(rendering.render_pdf(certificate))


def test_the_whole_page_renderer_can_be_chosen(settings, certificate):
    settings.CERTIFICATE_RENDERER = rendering.Renderer.FLOW
    misses = layered.stats["misses"]
    assert rendering.render_pdf(certificate) == rendering.render_flow_pdf(certificate)
    assert layered.stats["misses"] == misses


def test_an_unknown_renderer_is_refused_at_start_up(settings):
    from curbside.checks import check_certificate_renderer

    settings.CERTIFICATE_RENDERER = "fast"
    assert [error.id for error in check_certificate_renderer(None)] == ["curbside.E005"]
    settings.CERTIFICATE_RENDERER = "flow"
    assert check_certificate_renderer(None) == []


def test_without_the_fonts_every_certificate_is_laid_out_whole(monkeypatch, caplog, certificate):
    """A machine without DejaVu or fontconfig's fc-match: simulated by
    finding no file for one face (this machine has them all)."""
    from learning.certificates import layered_fonts

    real = layered_fonts._fontconfig_file
    monkeypatch.setattr(
        layered_fonts,
        "_fontconfig_file",
        lambda pattern, *rest: None if pattern == "DejaVu Serif:italic" else real(pattern, *rest),
    )
    layered_fonts.registered.cache_clear()
    try:
        assert rendering.render_layered_pdf(certificate) is None
        assert "fonts not found: DejaVu Serif:italic" in caplog.text
        assert "Alice Able" in text(rendering.render_pdf(certificate))
    finally:
        monkeypatch.undo()
        layered_fonts.registered.cache_clear()
    assert rendering.render_layered_pdf(certificate) is not None


def test_the_path_s_page_holds_nothing_of_the_learner(printed_certificates):
    """What keys the shared page is its HTML: none of a learner's details may
    be in it, or one learner's page could carry another's."""
    for certificate in printed_certificates:
        learner = rendering.learner_parts(certificate)
        page = rendering.certificate_html(certificate, slots=learner.slots)
        for detail in (
            certificate.learner_name,
            certificate.number,
            certificate.verification_code,
            rendering.grouped(certificate.verification_code),
            certificate.completion_date.strftime("%B %Y"),
            "hour",
            "MOC points",
            "123456",
        ):
            assert detail not in page, detail


# Letters drawn unshaped (Latin with accents and Vietnamese, Greek, Cyrillic),
# the punctuation of names, and a few that need the whole-page render (Arabic,
# Chinese, a combining accent).
NAME_CHARACTERS = st.sampled_from(
    list("aeinorstlAEMNOSTZ")
    + list("áéíóúñçãäöüßøåæœłşğıễạịỹ")
    + list("αβΣΩжщЮЯ")
    + list("  '-.,&")
    + ["ع", "中", "\u0301"]
)


@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=st.text(NAME_CHARACTERS, min_size=1, max_size=90).filter(str.strip))
def test_any_name_is_printed_whole_on_one_page(certificate, caplog, name):
    """Whatever the name, the certificate is one page that prints it: drawn
    in two layers (the name as typed), or laid out whole when it cannot be
    (every character of it, in the order the bidirectional algorithm shows
    it, and none as an empty box)."""
    certificate.learner_name = name
    printed = "".join(certificate.printed_name.split())
    data = rendering.render_layered_pdf(certificate)
    drawn_in_layers = data is not None
    if data is None:
        caplog.clear()
        data = rendering.render_pdf(certificate)
        assert ".notdef" not in caplog.text
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page_text = "".join(reader.pages[0].extract_text().split())
    if drawn_in_layers:
        assert printed in page_text
    else:
        assert set(printed) <= set(page_text)
