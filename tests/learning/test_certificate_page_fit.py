"""A certificate's text never runs into its signature or its verification
block (learning/certificates/page_fit.py).

The statements grow down the page towards the signature and the verification
link and code, which the layout pins to the bottom. Two MOC statements used to
reach the signature image (it hid their last words), three ran over the
signatory's name and the verification code, and a name of three lines pushed
the statements into the signature. Each test reads the PDF back (pypdfium2:
where each character and image is printed) and checks what a learner, a CME
office or a verifier would see."""

import decimal
import io

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from learning.certificates import layered, moc, page_fit, rendering
from learning.certificates.codes import grouped
from learning.certificates.issuance import generate_pdf
from learning.models import Certificate, CertificateMoc, PdfStatus

from .conftest import complete, sign_with_logo

pytestmark = pytest.mark.django_db

RENDERERS = {"default": rendering.render_pdf, "flow": rendering.render_flow_pdf}
# A path registered for ABIM Medical Knowledge and Patient Safety, and ABP
# Lifelong Learning: an internist-pediatrician claims all three.
CLAIMS = [
    ("ABIM", "ABIM:MK", "123456"),
    ("ABIM", "ABIM:PS", "123456"),
    ("ABP", "ABP:LLSA", "654321"),
]


def add_moc(certificate, count):
    for board, credit_type, board_id in CLAIMS[:count]:
        points = decimal.Decimal("1")
        CertificateMoc.objects.create(
            certificate=certificate,
            board=board,
            credit_type=credit_type,
            points=points,
            board_id=board_id,
            statement=moc.statement(board, credit_type, points),
        )


def printed(data, page_number=0):
    """(the page's text, [(character, box)], [image box]) with boxes as
    (left, top, right, bottom) in points from the page's top left."""
    page = pypdfium2.PdfDocument(data)[page_number]
    height = page.get_height()
    textpage = page.get_textpage()
    # pdfium reads a hyphen that ends a line as U+FFFE.
    text = textpage.get_text_range().replace("\ufffe", "-")
    chars = []
    for index in range(textpage.count_chars()):
        if text[index].strip():
            left, bottom, right, top = textpage.get_charbox(index)
            chars.append((text[index], (left, height - top, right, height - bottom)))
    images = []
    for obj in page.get_objects(max_depth=5):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            images.append((left, height - top, right, height - bottom))
    return " ".join(text.split()), chars, images


def _boxes_of(chars, needle, last=False):
    """The boxes of the first (or last) run of characters spelling ``needle``."""
    flat = "".join(c for c, _ in chars)
    wanted = needle.replace(" ", "")
    at = flat.rfind(wanted) if last else flat.find(wanted)
    assert at >= 0, f"{needle!r} is not on the page"
    return [box for _, box in chars[at : at + len(wanted)]]


def top_of(chars, needle):
    """The top of the first line holding ``needle``."""
    return min(box[1] for box in _boxes_of(chars, needle))


def bottom_of_statements(chars, last_words):
    return max(box[3] for box in _boxes_of(chars, last_words, last=True))


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_nothing_overprinted(certificate, data, page_number, last_words):
    """The statements end above the signatory's name and the verification
    link, and no character lies under the signature image."""
    _, chars, images = printed(data, page_number)
    end = bottom_of_statements(chars, last_words)
    assert end < top_of(chars, "Verify this certificate")
    if page_number == 0:
        assert end < top_of(chars, certificate.signatory_name)
        signature = max(images[:2], key=lambda box: box[1])  # the logo, the signature, the QR code
        hidden = "".join(c for c, box in chars if overlaps(box, signature))
        assert hidden == "", f"printed under the signature: {hidden!r}"


@pytest.fixture
def signed(learner, path, django_capture_on_commit_callbacks):
    """A physician's certificate from an institution with a logo and a signature."""
    sign_with_logo(path.institution)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    return Certificate.objects.get(user=learner)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_one_moc_statement_stays_on_the_one_page(signed, renderer):
    add_moc(signed, 1)
    data = RENDERERS[renderer](signed, "letter")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert_nothing_overprinted(signed, data, 0, "(ABIM ID 123456).")
    assert rendering.render_layered_pdf(signed, "letter") is not None  # still in two layers


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("renderer", RENDERERS)
def test_moc_statements_that_would_reach_the_signature_go_on_a_second_page(
    signed, renderer, count, paper
):
    add_moc(signed, count)
    data = RENDERERS[renderer](signed, paper)
    assert pypdfium2.PdfDocument(data).__len__() == 2
    first, _, _ = printed(data, 0)
    assert "Maintenance of Certification (MOC) points earned: see page 2." in first
    assert "MOC points earned: 1" not in first
    assert_nothing_overprinted(signed, data, 0, "see page 2.")
    second, _, _ = printed(data, 1)
    for claim in signed.moc.all():
        statement = " ".join(claim.statement.split())
        assert f"{statement} MOC points earned: 1 {claim.credit_type_label}" in second
        assert f"({claim.board} ID {claim.board_id})." in second
    assert signed.printed_name in second and signed.number in second
    assert f"Code {grouped(signed.verification_code)}" in second
    last = f"({CLAIMS[count - 1][0]} ID {CLAIMS[count - 1][2]})."
    assert_nothing_overprinted(signed, data, 1, last)


def test_the_layered_renderer_hands_a_certificate_that_does_not_fit_to_the_flow_renderer(signed):
    add_moc(signed, 2)
    assert rendering.render_layered_pdf(signed, "letter") is None
    misses = layered.stats["misses"]
    assert rendering.render_pdf(signed, "letter") == rendering.render_flow_pdf(signed, "letter")
    assert layered.stats["misses"] == misses  # the page that does not fit is not drawn again


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_name_of_150_characters_fits_on_the_page(signed, renderer):
    """The longest name the certificate holds (150 characters) takes three
    lines at the name's usual size; it is printed smaller instead of pushing
    the statements into the signature."""
    signed.learner_name = ("Maria de los Angeles Fernandez-Gutierrez " * 4)[:150].strip()
    data = RENDERERS[renderer](signed, "letter")
    assert pypdfium2.PdfDocument(data).__len__() == 1
    text, _, _ = printed(data)
    assert signed.printed_name in text
    assert_nothing_overprinted(signed, data, 0, "participation in the activity.")


def test_a_certificate_no_layout_can_hold_is_recorded_as_failed_with_the_reason(signed):
    """An accreditation statement far longer than any provider's cannot be
    printed whole: the PDF is refused and the failure recorded, never a page
    with hidden words."""
    statement = signed.accreditation_statement
    Certificate.objects.filter(pk=signed.pk).update(accreditation_statement=(statement + " ") * 12)
    signed.refresh_from_db()
    with pytest.raises(page_fit.CertificateDoesNotFit):
        rendering.render_pdf(signed, "letter")
    Certificate.objects.filter(pk=signed.pk).update(pdf="", pdf_status=PdfStatus.PENDING)
    generated = generate_pdf(signed.pk)
    assert generated.pdf_status == PdfStatus.FAILED
    assert "do not fit above the signature" in generated.pdf_error


def test_a_part_is_drawn_opaque_under_a_translucent_line(certificate):
    """Each learner's part is drawn inside the path's page, where the
    graphics state is the page's: a line the stylesheet prints in a
    translucent colour (WeasyPrint sets its opacity with ``gs``) would print
    the learner's name, drawn just before it, as faint. The parts start from
    an opaque, plain state."""
    learner = rendering.learner_parts(certificate)
    html = rendering.certificate_html(certificate, "letter", slots=learner.slots)
    html = html.replace(
        "</head>", "<style>.activity { color: rgba(27, 39, 51, .15) }</style></head>"
    )
    layer = layered.fixed_layer(html, "letter", lambda: rendering._laid_out(html, "letter"))
    assert layer is not None and layer.order is not None  # the name drawn into the page
    faint = layered.compose(learner, layer, "x")
    usual = rendering.render_layered_pdf(certificate, "letter")
    box = tuple(round(v) for v in layer.boxes["name"])

    def darkest(data):
        page = pypdfium2.PdfDocument(data)[0].render(scale=1).to_pil().convert("L")
        return page.crop(box).getextrema()[0]

    assert darkest(faint) <= darkest(usual) + 8
