"""The certificate's render shortcuts change nothing on the page: with only
the user-agent rules its elements need (certificate-ua.css) and its print CSS
parsed once, every kind of certificate lays out exactly as with WeasyPrint's
whole HTML5 stylesheet and the CSS in the page (the same drawing operations,
compared byte for byte). An element added to the template without its
user-agent rules makes this fail."""

import io

import pypdf
import pytest
import weasyprint

from learning.certificates import rendering

pytestmark = pytest.mark.django_db


def page_operations(data):
    return pypdf.PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()


def reference_pdf(certificate, paper):
    """The certificate as plain WeasyPrint renders it: its CSS inside the page
    and WeasyPrint's own user-agent stylesheet."""
    css = rendering.render_to_string("learning/certificates/certificate.css", {"paper": paper})
    html = rendering.certificate_html(certificate, paper).replace(
        "</head>", f"<style>{css}</style></head>"
    )
    return weasyprint.HTML(string=html).write_pdf(font_config=rendering._fonts())


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_page_is_drawn_exactly_as_plain_weasyprint_draws_it(printed_certificates, paper):
    for certificate in printed_certificates:
        ours = rendering.render_flow_pdf(certificate, paper=paper)
        assert page_operations(ours) == page_operations(reference_pdf(certificate, paper))
    # The MOC line, the logo and the signature are on the page compared.
    text = pypdf.PdfReader(io.BytesIO(rendering.render_flow_pdf(printed_certificates[0]))).pages[0]
    assert "MOC points earned" in " ".join(text.extract_text().split())
    assert len(text.images) == 3
