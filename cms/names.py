"""Names people type that are printed: on certificates, on the public
verification page, in the mentor directory.

A name is normalised (Unicode NFC, runs of whitespace to one space) and then
refused if it holds characters that print as nothing or change how the text
around them is shown: control characters, format characters (zero-width
spaces, joiners other than between two letters, the byte-order mark, the bidirectional overrides,
embeddings, isolates and marks), private-use code points, lone surrogates,
noncharacters and unassigned code points (U+FFFE, U+FFFF, U+FDD0-U+FDEF ...:
XML cannot hold some of them, so the PARS files could not either), and line
or paragraph separators. A name must also contain a letter.
Everything else that names are made of is kept: accents and combining marks,
apostrophes, hyphens and full stops, and every script (CJK, Arabic, Hebrew,
Devanagari ...).
"""

import unicodedata

from django.core.exceptions import ValidationError

# Control, format, private use, surrogate, unassigned, line and paragraph
# separator. The format category (Cf) holds every bidirectional control
# (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and the invisible
# characters (U+200B-U+200D, U+2060, U+FEFF); the unassigned one (Cn) holds the
# 66 noncharacters (U+FDD0-U+FDEF and the last two of every plane).
FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"}
# Except the zero-width non-joiner and joiner between two letters (or marks):
# Persian, Kurdish and several Indic scripts spell names with them (for
# example "Mohammad-Reza" written with a ZWNJ), and there they change how the
# letters join, not the order or visibility of the text.
JOINERS = {"\u200c", "\u200d"}

INVISIBLE_MESSAGE = (
    "This contains invisible or control characters (for example a zero-width space or a "
    "text-direction mark), which cannot be printed. Please type it again."
)
NOT_A_CHARACTER_MESSAGE = (
    "This contains a code that is not a character (for example U+FFFF), which cannot be "
    "printed or reported. Please type it again."
)
NO_LETTER_MESSAGE = "A name needs at least one letter."


def normalise(value):
    """NFC, with surrounding whitespace removed and inner runs made one space."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _is_letter(ch):
    return unicodedata.category(ch)[0] in {"L", "M"}


def _forbidden_at(value, i):
    ch = value[i]
    if unicodedata.category(ch) not in FORBIDDEN_CATEGORIES:
        return False
    if ch in JOINERS and 0 < i < len(value) - 1:
        return not (_is_letter(value[i - 1]) and _is_letter(value[i + 1]))
    return True


def forbidden_characters(value):
    """The characters of ``value`` that may not be printed, in order."""
    return [ch for i, ch in enumerate(value) if _forbidden_at(value, i)]


def printable(value):
    """``value`` normalised and without the forbidden characters: for text
    stored before these checks existed, at the moment it is printed."""
    value = value or ""
    kept = (ch for i, ch in enumerate(value) if not _forbidden_at(value, i))
    return normalise("".join(kept))


def validate_printed_text(value):
    """For printed text that need not be a name (credentials, titles)."""
    found = forbidden_characters(value)
    if any(unicodedata.category(ch) == "Cn" for ch in found):
        raise ValidationError(NOT_A_CHARACTER_MESSAGE, code="not_a_character")
    if found:
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")


def validate_person_name(value):
    validate_printed_text(value)
    if not any(unicodedata.category(ch).startswith("L") for ch in value):
        raise ValidationError(NO_LETTER_MESSAGE, code="no_letter")


def clean_person_name(value):
    """The normalised name, or ValidationError."""
    value = normalise(value)
    validate_person_name(value)
    return value


def clean_printed_text(value):
    value = normalise(value)
    validate_printed_text(value)
    return value


def clean_instance_fields(instance, cleaners):
    """Run ``{field: clean_person_name | clean_printed_text}`` over a model
    instance in its ``clean()``: each field is replaced by its cleaned value,
    and every refusal is raised together, keyed by field."""
    errors = {}
    for field, clean in cleaners.items():
        try:
            setattr(instance, field, clean(getattr(instance, field)))
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
