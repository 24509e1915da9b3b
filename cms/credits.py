"""How credit amounts are written wherever they appear: 1, 1.5, 0.25."""

from decimal import Decimal


def format_credits(value):
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"
