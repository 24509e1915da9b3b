"""Names that are not names: a learner's name is printed on certificates and
the public verification page, a mentor's in the directory, a signatory's on
every certificate. A name made only of invisible or bidirectional-override
characters, or with an override in the middle, is refused with a clear
message and not saved; real names in any script are kept exactly (after NFC).
"""

import unicodedata

from django.core.exceptions import ValidationError

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cms.names import clean_person_name, forbidden_characters, normalise, printable
from learning.models import Certificate, LearnerProfile
from tests.factories import InstitutionFactory, MentorFactory, MentorUserFactory
from tests.learning.conftest import complete

pytestmark = pytest.mark.django_db

BAD_NAMES = {
    "only-invisible-and-bidi": "\u200b\u202e\u2066",
    "override-in-the-middle": "Maya \u202eneehC",
    "isolate": "Ann \u2066Lee\u2069",
    "zero-width-space": "Ma\u200bya Chen",
    "zero-width-joiner": "Maya\u200d Chen",
    "word-joiner": "Maya\u2060Chen",
    "byte-order-mark": "\ufeffMaya Chen",
    "arabic-letter-mark": "\u061cعلي",
    "left-to-right-mark": "Maya\u200e Chen",
    "right-to-left-embedding": "\u202bMaya Chen",
    "nul": "Maya\x00Chen",
    "escape": "Maya\x1b[31m Chen",
    "private-use": "Maya \ue000Chen",
    "no-letter": "12 - 34",
    "punctuation-only": "'-.",
}
GOOD_NAMES = {
    "accents": "José Álvarez-Núñez",
    "apostrophe-and-hyphen": "Siobhán O'Brien-Smith",
    "diaeresis": "Zoë Brontë",
    "cjk": "李小龙",
    "japanese": "山田 太郎",
    "korean": "김민준",
    "arabic": "محمد بن علي",
    "hebrew": "דוד כהן",
    "devanagari": "अमित शर्मा",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "polish": "Łukasz Żółć",
    "initials": "Maya R. Chen",
    "combining-marks": "Jose\u0301 Zo\u0308e",  # decomposed: NFC composes them
    # Persian spells names with a zero-width non-joiner between letters.
    "persian-zwnj": "محمد\u200cرضا رضایی",
    "devanagari-zwj": "क\u094d\u200dष",
}


def _forbidden(text):
    return forbidden_characters(text)


# --- the validator ----------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=list(BAD_NAMES))
def test_names_with_invisible_characters_or_no_letter_are_refused(name):
    with pytest.raises(ValidationError):
        clean_person_name(name)


@pytest.mark.parametrize("name", GOOD_NAMES.values(), ids=list(GOOD_NAMES))
def test_real_names_are_kept_exactly_after_nfc(name):
    assert clean_person_name(name) == unicodedata.normalize("NFC", name)


def test_combining_marks_are_composed():
    assert clean_person_name("Jose\u0301") == "José" and len(clean_person_name("Jose\u0301")) == 4


@given(text=st.text())
@example(text="\u200b\u202e\u2066")
@example(text="a\u202e")
@example(text="\u0301")
def test_a_cleaned_name_is_always_printable(text):
    try:
        name = clean_person_name(text)
    except ValidationError:
        return
    assert not _forbidden(name)
    assert any(unicodedata.category(ch).startswith("L") for ch in name)
    assert name == normalise(name) == clean_person_name(name)


@given(text=st.text())
@example(text="Ann\u202eeB\u200b")
def test_printable_drops_exactly_the_forbidden_characters(text):
    result = printable(text)
    assert not _forbidden(result)
    kept = "".join(ch for ch in text if ch not in _forbidden(text))
    assert result == normalise(kept)


# --- the learner's profile --------------------------------------------------------


def _profile_post(client, name, credentials="MD"):
    return client.post(
        "/me/profile/",
        {"full_name": name, "credentials": credentials, "degree": "md", "time_zone": "UTC"},
    )


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=list(BAD_NAMES))
def test_profile_refuses_a_bad_name_with_a_message_and_saves_nothing(client, learner, name):
    client.force_login(learner)
    response = _profile_post(client, name)
    assert response.status_code == 400
    page = response.content.decode()
    messages = ("invisible or control characters", "at least one letter", "Null characters")
    assert any(message in page for message in messages)
    assert LearnerProfile.objects.get(user=learner).full_name == "Alice Able"


def test_profile_refuses_invisible_characters_in_credentials(client, learner):
    client.force_login(learner)
    response = _profile_post(client, "Alice Able", credentials="MD\u202e")
    assert response.status_code == 400
    assert "invisible or control characters" in response.content.decode()
    assert LearnerProfile.objects.get(user=learner).credentials != "MD\u202e"


@pytest.mark.parametrize("key", ["arabic", "hebrew", "cjk", "combining-marks", "accents"])
def test_real_names_are_printed_unchanged_on_the_certificate(client, learner, path, key):
    client.force_login(learner)
    assert _profile_post(client, GOOD_NAMES[key]).status_code == 302
    expected = unicodedata.normalize("NFC", GOOD_NAMES[key])
    assert LearnerProfile.objects.get(user=learner).full_name == expected
    complete(learner, path)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.learner_name == expected
    page = client.get(f"/certificates/verify/{certificate.verification_code}/")
    assert f"{expected}, MD" in page.content.decode()


def test_a_name_stored_before_the_check_is_printed_without_its_controls(client, learner, path):
    """A profile saved before names were checked (written here directly, as an
    old row would be): the certificate and the public page leave the invisible
    and bidi characters out."""
    LearnerProfile.objects.filter(user=learner).update(
        full_name="Alice \u202eelbA\u200b", credentials="MD\u2066"
    )
    complete(learner, path)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.learner_name == "Alice elbA"
    for url in (f"/certificates/verify/{certificate.verification_code}/",):
        page = client.get(url).content.decode()
        assert "Alice elbA, MD" in page
        assert not any(ch in page for ch in "\u202e\u200b\u2066")


def test_an_old_certificate_is_shown_without_its_controls(client, learner, path):
    complete(learner, path)
    Certificate.objects.filter(user=learner).update(learner_name="Alice\u202e Able\u200b")
    certificate = Certificate.objects.get(user=learner)
    page = client.get(f"/certificates/verify/{certificate.verification_code}/")
    assert "Alice Able, " in page.content.decode()
    assert "\u202e" not in page.content.decode() and "\u200b" not in page.content.decode()


# --- mentors and signatories ------------------------------------------------------


@pytest.mark.parametrize("name", ["\u200b\u202e\u2066", "Ana \u202eAlvarez", "123"])
def test_a_mentor_name_must_be_a_name(name):
    mentor = MentorFactory.build(user=MentorUserFactory(), name=name, slug="x")
    with pytest.raises(ValidationError) as caught:
        mentor.full_clean()
    assert "name" in caught.value.message_dict


def test_a_mentor_name_is_normalised():
    mentor = MentorFactory.build(user=MentorUserFactory(), name="  Jose\u0301   Li ", slug="x")
    mentor.full_clean()
    assert mentor.name == "José Li"


@pytest.mark.parametrize("name", ["\u200b\u202e", "Dr \u202eSigner", "--"])
def test_a_signatory_name_must_be_a_name(name):
    institution = InstitutionFactory.build(signatory_name=name)
    with pytest.raises(ValidationError) as caught:
        institution.full_clean()
    assert "signatory_name" in caught.value.message_dict


def test_a_signatory_in_any_script_is_accepted():
    institution = InstitutionFactory.build(signatory_name="דוד כהן", slug="hadassah")
    institution.full_clean()
    assert institution.signatory_name == "דוד כהן"
