import csv
import io

import pypdf
import pytest

from learning.certificates import issuance
from learning.models import Certificate
from tests.factories import LearningPathPageFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_certificates(learner, path, superuser, django_capture_on_commit_callbacks):
    other = LearningPathPageFactory(title="Serious illness talk", slug="talk")
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path, credits="1.25")
        complete(learner, other, credits="0.5")
    return list(Certificate.objects.filter(user=learner).order_by("pk"))


def test_transcript_lists_valid_certificates_with_credits_per_year(
    client, learner, two_certificates, superuser
):
    issuance.revoke(two_certificates[1], superuser, "Claimed in error")
    client.force_login(learner)
    html = client.get("/me/transcript/").content.decode()
    year = two_certificates[0].completion_date.year
    assert f"{year}: 1.25 credits" in html
    assert "Recognising sepsis" in html and "Serious illness talk" not in html


def test_transcript_csv_and_pdf(client, learner, two_certificates):
    client.force_login(learner)
    response = client.get("/me/transcript/transcript.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(r["credits"] for r in rows) == ["0.5", "1.25"]
    assert {r["credit_type"] for r in rows} == {"AMA PRA Category 1 Credit™"}
    response = client.get("/me/transcript/transcript.pdf")
    text = " ".join(pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Alice Able, MD" in text and "1.75" in text and "Serious illness talk" in text


def test_transcript_is_private(client, other_learner, two_certificates):
    assert client.get("/me/transcript/")["Location"].startswith("/accounts/login/")
    client.force_login(other_learner)
    assert "Recognising sepsis" not in client.get("/me/transcript/").content.decode()
    rows = client.get("/me/transcript/transcript.csv").content.decode().splitlines()
    assert len(rows) == 1  # the header only
