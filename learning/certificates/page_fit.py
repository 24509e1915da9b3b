"""Whether a certificate's page holds its statements.

certificate.css pins the signature and the verification block to the bottom
of the sheet, and the statements (accreditation, credit designation, and one
Maintenance of Certification statement per MOC claim, four to five lines
each) grow down towards them. Two MOC statements reached the signature, and
three ran over the signatory's name and the verification link and code: a
certificate on which a verifier cannot read the code, nor the CME office who
signed. A name of three lines (150 characters at most) pushed them into the
signature too. So every page is checked after layout: its statements must
end above both. When they do not, the layered renderer hands the
certificate to the flow renderer, which tries the LAYOUTS below in turn:
the MOC statements on a second page of the same design (with the learner's
name, the certificate's number and the verification block, so the page
stands on its own), the name in a smaller size, both. A certificate that no
layout can hold is refused (``CertificateDoesNotFit``): the PDF is recorded
as failed, with the reason, rather than printed with hidden words.

Boxes are WeasyPrint's ``Page.anchors``: an element's id mapped to its
(left, top, right, bottom) in CSS pixels from the page's top left."""

from __future__ import annotations

from collections.abc import Mapping

# The least space between the statements and the signature or verification
# block, in CSS pixels (2 mm).
GAP = 2 * 96 / 25.4
# The ids of what the statements must end above: the signature (its image and
# line) and the verification link and code, in a whole page ("verify-text")
# or as the layered renderer's empty box ("slot-verify"). The QR code stands
# right of the statements' column, never under it.
FOOTER_IDS = ("signature", "verify-text", "slot-verify")

# The layouts the flow renderer tries, in order, as (the name in a smaller
# size, the MOC statements on a second page): a name of up to 150 characters
# takes three lines at the name's usual size, about 11 mm more than two; at
# the smaller size, three lines take the height of two.
LAYOUTS = ((False, False), (False, True), (True, False), (True, True))

Box = tuple[float, float, float, float]


class CertificateDoesNotFit(Exception):
    """The certificate's text does not fit its page without overprinting."""


def statements_fit(anchors: Mapping[str, Box]) -> bool:
    """Whether the statements end at least GAP above the signature and the
    verification block (whichever the page has)."""
    statements = anchors.get("statements")
    footer = [anchors[name][1] for name in FOOTER_IDS if name in anchors]
    if statements is None or not footer:
        return False
    return statements[3] + GAP <= min(footer)
