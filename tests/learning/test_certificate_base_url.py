"""The certificate's printed verification URL and its QR code use the
configured base URL (the port `make run` serves on), not port 8000."""

import io

import pypdf
import pytest

from learning.certificates.rendering import render_pdf
from learning.models import Certificate

from .conftest import complete

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8101"


@pytest.fixture
def certificate(settings, learner, path, django_capture_on_commit_callbacks):
    settings.PUBLIC_BASE_URL = BASE
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    return Certificate.objects.get(user=learner)


def test_printed_url_and_qr_code_use_the_base_url(certificate):
    pypdfium2 = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    expected = f"{BASE}/certificates/verify/{certificate.verification_code}/"
    data = render_pdf(certificate)
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert expected in text
    assert ":8000" not in text
    image = pypdfium2.PdfDocument(data)[0].render(scale=4).to_pil()
    codes = [r.text for r in zxingcpp.read_barcodes(image)]
    assert codes == [expected]
