"""Finding a certificate from what a verifier holds: its code, or its number
and the learner's last name.

Numbers are sequential, so a number alone would let anyone page through every
certificate; with the learner's family name it only confirms what the
verifier already holds, like the 120-bit code does. The family name is the
last word of the printed name (the certificate snapshots no separate last
name): a first name, a middle initial or a single letter never matches.
"""

from __future__ import annotations

import unicodedata

from learning.models import Certificate

# Printed after a family name, never one: "John Smith Jr." is Smith.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _words(text: str) -> list[str]:
    """``text``'s words, in order, without case, accents, dots or commas; a
    hyphen separates words. Latin initials (one ASCII letter) are left out."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    words = (word.strip(".,") for word in plain.replace("-", " ").split())
    # A Latin initial ("R.") is dropped; a one-character name in another
    # script (王, 李, 김) is a whole family name and kept.
    return [word for word in words if word and not (len(word) == 1 and word.isascii())]


def family_name_matches(printed_name: str, typed: str) -> bool:
    """Does ``typed`` name the family name of ``printed_name``?

    It must end with the printed name's last word (after any suffix such as
    Jr.) and may take in the words before it, in order: for "Ana García
    Márquez", "marquez", "García Márquez" and "garcia-marquez" match, "Ana"
    and "García" do not; for "Jane Smith-Jones", "smith-jones" and "Jones"
    match."""
    wanted = _words(typed)
    printed = _words(printed_name)
    while len(printed) > 1 and printed[-1] in SUFFIXES:
        printed.pop()
    if wanted and wanted[-1] in SUFFIXES and len(wanted) > 1:
        wanted.pop()
    if not wanted or not printed or len(wanted) > len(printed):
        return False
    return printed[-len(wanted) :] == wanted


def _names_family(family_name: str, typed: str) -> bool:
    """``typed`` is the family name kept at issue, whole or its last words
    ("Márquez" for "García Márquez")."""
    wanted, family = _words(typed), _words(family_name)
    return bool(wanted) and len(wanted) <= len(family) and family[-len(wanted) :] == wanted


def find_by_number(number: str, last_name: str) -> Certificate | None:
    """The certificate with ``number`` whose learner's family name is
    ``last_name``, or None. The family name kept at issue is asked for, in
    whatever order the printed name puts it ("Chen Wei" printed, family
    name Chen); certificates issued before it was kept match the printed
    name's last word (family_name_matches)."""
    if not _words(last_name):
        return None
    certificate = Certificate.objects.filter(number=number).first()
    if certificate is None:
        return None
    if certificate.learner_family_name and _words(certificate.learner_family_name):
        matches = _names_family(certificate.learner_family_name, last_name)
    else:
        matches = family_name_matches(certificate.learner_name, last_name)
    return certificate if matches else None
