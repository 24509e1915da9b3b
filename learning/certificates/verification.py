"""Finding a certificate from what a verifier holds: its code, or its number
and the learner's last name.

Numbers are sequential, so a number alone would let anyone page through every
certificate; with the learner's last name it only confirms what the verifier
already holds, like the 120-bit code does.
"""

from __future__ import annotations

from learning.models import Certificate


def _words(text: str) -> set[str]:
    return {word.strip(".,").casefold() for word in text.replace("-", " ").split() if word}


def find_by_number(number: str, last_name: str) -> Certificate | None:
    """The certificate with ``number`` whose learner's printed name contains
    ``last_name`` (every word of it, any case), or None."""
    wanted = _words(last_name)
    if not wanted:
        return None
    certificate = Certificate.objects.filter(number=number).first()
    if certificate is None or not wanted <= _words(certificate.learner_name):
        return None
    return certificate
