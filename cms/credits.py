"""How credits are written wherever they appear: amounts (1, 1.5, 0.25) and the credit's name."""

import re
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString


def format_credits(value: Decimal | float | str) -> str:
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


# The credit's name as the AMA asks it to be printed: the words in italics, then ™ (not italic).
# Matches "AMA PRA Category 1 Credit", "Credits" and "Credit(s)", with or without a trademark
# sign already after it (™, &trade; or "(TM)"), so that exactly one ™ follows every occurrence.
CREDIT_NAME = "AMA PRA Category 1 Credit"
_NAME = re.compile(
    r"(AMA PRA Category 1 Credit(?:\(s\)|s)?)(?:\s*(?:™|&trade;|&#8482;|\(TM\)))?",
    re.IGNORECASE,
)


def credit_name(plural: bool = False) -> str:
    """The credit's name for plain text (CSV, plain-text email): no markup, with ™."""
    return f"{CREDIT_NAME}{'s' if plural else ''}™"


def ama_pra_text(text: str) -> str:
    """``text`` with exactly one ™ after every mention of the credit's name (plain text)."""
    return _NAME.sub(r"\1™", text)


def ama_pra_html(text: str) -> SafeString:
    """``text`` escaped, with every mention of the credit's name as <em>name</em>™."""
    parts, end = [], 0
    for match in _NAME.finditer(text):
        parts.append(escape(text[end : match.start()]))
        parts.append(format_html("<em>{}</em>™", match.group(1)))
        end = match.end()
    parts.append(escape(text[end:]))
    return SafeString("".join(parts))


def credit_name_html(amount: Decimal | float | str | None = None) -> SafeString:
    """The credit's name in HTML, singular for exactly one credit, else plural."""
    plural = amount is None or Decimal(amount) != 1
    return ama_pra_html(credit_name(plural))
