"""Meaningful alternative text for images: what the editor must write before a
page, a body image or a mentor photo is saved.

Wagtail 8 gives every image a ``description`` that it uses as the image's
default alt text (``Image.default_alt_text``), and its ``ImageBlock`` asks for
contextual alt text or an explicit "decorative" tick. Curbside follows the
same model:

- A lead image (guides, paths) and a mentor photo have their own alt text
  field next to the image. Left empty, it is filled from the image's
  description when that is meaningful (so a well-described image is not
  described twice); otherwise the save is refused with a message on the field.
- The image block of a guide body asks for alt text or the "decorative" tick.

Alt text is refused when it says nothing to someone who cannot see the image:
empty, a generic word ("image", "photo", "picture"...), the file name, or a
camera's or screenshot tool's automatic name.
"""

import re
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

MAX_ALT_LENGTH = 250

# Whole alt texts that describe nothing (compared after normalising).
GENERIC_ALT_TEXTS = frozenset(
    {
        "alt",
        "alt text",
        "avatar",
        "banner",
        "cover",
        "cover image",
        "figure",
        "graphic",
        "header",
        "header image",
        "headshot",
        "hero",
        "hero image",
        "illustration",
        "image",
        "img",
        "lead image",
        "logo",
        "photo",
        "photograph",
        "pic",
        "picture",
        "placeholder",
        "portrait",
        "profile photo",
        "profile picture",
        "screenshot",
        "thumbnail",
        "untitled",
        "an image",
        "a photo",
        "a picture",
        "image of",
        "photo of",
        "picture of",
    }
)
FILE_EXTENSION = re.compile(r"\.(jpe?g|png|gif|webp|avif|heic|bmp|tiff?|svg)$", re.IGNORECASE)
# Names cameras, phones and screenshot tools give files: IMG_1234, DSC01234,
# PXL_20240101_123456, Screenshot 2024-01-01 at 10.00.00, image001...
AUTOMATIC_NAME = re.compile(
    r"^(img|dsc[a-z]?|dscn|pxl|mvimg|photo|image|pic|screenshot|screen shot|scan|untitled)"
    r"[\s_-]*[\d\s_.:at-]*$",
    re.IGNORECASE,
)
# The suffix Django's storage adds to a file name already taken (_AbC1234).
STORAGE_SUFFIX = re.compile(r"_[A-Za-z0-9]{7}$")

HOW_TO = (
    "Describe what the image shows for readers who cannot see it, in a few words "
    "(for example: “Nurse checking a patient's wristband at the bedside”)."
)


def normalise(text):
    """Lower case, words only: 'Ward_round-2.JPG' -> 'ward round 2 jpg'."""
    return " ".join(re.split(r"[^\w]+|_", (text or "").lower())).strip()


def file_stem(image):
    """The image's file name without folder, extension or storage suffix."""
    name = getattr(getattr(image, "file", None), "name", "") or ""
    stem = PurePosixPath(name).stem
    return STORAGE_SUFFIX.sub("", stem)


def alt_text_problem(text, image=None):
    """Why ``text`` is not meaningful alt text for ``image``, or None if it is."""
    text = (text or "").strip()
    if not text:
        return f"Add alt text. {HOW_TO}"
    if len(text) > MAX_ALT_LENGTH:
        return (
            f"Keep the alt text to {MAX_ALT_LENGTH} characters or fewer: say what matters "
            "in the image, and put longer explanations in a caption or the text."
        )
    words = normalise(text)
    if words in GENERIC_ALT_TEXTS or not words:
        return f"“{text}” does not say what the image shows. {HOW_TO}"
    stem = normalise(file_stem(image)) if image is not None else ""
    if FILE_EXTENSION.search(text) or AUTOMATIC_NAME.match(text) or (stem and words == stem):
        return f"“{text}” is a file name, which means nothing to a reader. {HOW_TO}"
    if len(words.split()) < 2:
        return f"“{text}” is too short to describe the image. {HOW_TO}"
    return None


def suggested_alt_text(image):
    """The image's own description (Wagtail's default alt text) when it is
    meaningful, else an empty string."""
    description = (getattr(image, "description", "") or "").strip()
    if description and alt_text_problem(description, image) is None:
        return description
    return ""


def clean_image_alt(instance, image_field, alt_field, errors):
    """For a model with an image foreign key and an alt text field: fill an
    empty alt text from the image's description when that is meaningful, and
    add an error for ``alt_field`` to ``errors`` when the alt text is still not
    meaningful. Nothing is checked without an image."""
    image = getattr(instance, image_field)
    if image is None:
        return
    alt = (getattr(instance, alt_field) or "").strip()
    if not alt:
        alt = suggested_alt_text(image)
    setattr(instance, alt_field, alt)
    problem = alt_text_problem(alt, image)
    if problem:
        errors[alt_field] = ValidationError(problem, code="alt_text")
