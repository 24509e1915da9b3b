"""Verification codes: 120 random bits in an alphabet people can read aloud."""

import re
import secrets

# Crockford's base32: no I, L, O or U, so codes survive being read and typed.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 24  # 24 symbols x 5 bits = 120 bits of randomness
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_CLEAN = re.compile(r"[\s\-]")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(raw: object) -> str | None:
    """What a person typed, pasted or scanned -> the stored form, or None."""
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    code = _CLEAN.sub("", raw).upper().translate(_CONFUSABLE)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# Certificate numbers as printed: CS-<year>-<7 digits> (issuance.py).
_NUMBER = re.compile(r"CS-?(\d{4})-?(\d{7})")


def normalise_number(raw: object) -> str | None:
    """A typed certificate number -> its stored form ("CS-2026-0000042"), or None."""
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    match = _NUMBER.fullmatch(re.sub(r"\s", "", raw).upper())
    return f"CS-{match[1]}-{match[2]}" if match else None
