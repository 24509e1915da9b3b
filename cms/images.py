"""Upload checks for images, on top of Wagtail's own.

Wagtail's image field already refuses, with a message, a file whose
extension is not in WAGTAILIMAGES_EXTENSIONS, whose content is not an image or
not the format its extension says, that is larger than
WAGTAILIMAGES_MAX_UPLOAD_SIZE, or that has more than
WAGTAILIMAGES_MAX_IMAGE_PIXELS pixels (all frames together). It only reads an
image's header, though. This form (WAGTAILIMAGES_IMAGE_FORM_BASE) adds what
it leaves out:

- a longest side of at most ``MAX_IMAGE_SIDE`` pixels: a 40 000 x 1 000 strip
  is within the pixel budget but useless on a page and costly to resize;
- a file that decodes to the end: a truncated or corrupt upload is refused
  now, not discovered when the first rendition (or a certificate PDF with the
  institution's logo) fails.

Every upload path of the admin uses this form: the image library's add and
edit views, the multiple uploader and the chooser's upload tab (mentor photo,
institution logo and signature).
"""

import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from PIL import Image as PILImage
from PIL import ImageFile

MAX_IMAGE_SIDE = 8000


# WeasyPrint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES to
# True when it is imported, and Pillow then pads a cut-off image silently. The
# check below turns it off for the duration of one decode; the lock keeps two
# uploads from restoring each other's value.
_truncation_flag = threading.Lock()


@contextmanager
def _refuse_truncated_images():
    with _truncation_flag:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decodes_fully(file):
    """Decode every frame of ``file``; False if the data ends early or is corrupt."""
    file.seek(0)
    try:
        with _refuse_truncated_images(), PILImage.open(file) as image:
            if image.format == "JPEG":
                # Decodes every block at 1/8 scale: finds a cut-off file at a
                # fraction of the memory of a full decode.
                image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                image.load()
    except Exception:  # noqa: BLE001  (Pillow raises OSError, SyntaxError, ValueError...)
        return False
    finally:
        file.seek(0)
    return True


def validate_uploaded_image(file):
    """``file`` as returned by Wagtail's image field (with ``.image``, a Willow image)."""
    width, height = file.image.get_size()
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ValidationError(
            _(
                "This image is %(width)s x %(height)s pixels: each side can be at most "
                "%(max_side)s pixels. Please resize it and upload it again."
            )
            % {"width": width, "height": height, "max_side": MAX_IMAGE_SIDE},
            code="image_side_too_long",
        )
    if not _decodes_fully(file):
        raise ValidationError(
            _(
                "This image file is damaged or incomplete (it may have been cut off while "
                "copying). Please open and save it again, then upload it."
            ),
            code="image_incomplete",
        )


class CheckedImageField(WagtailImageField):
    """Wagtail's image field, plus the checks above; and a file that Willow
    takes for an image by its first bytes but Pillow cannot read (a PNG
    signature and nothing else) is refused instead of raising an error."""

    def to_python(self, data):
        try:
            file = super().to_python(data)
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001  (Pillow reading a header Willow let through)
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc
        if file is not None:
            validate_uploaded_image(file)
        return file


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if type(field) is WagtailImageField:
            # get_image_form() builds this field for each form class from the
            # current WAGTAILIMAGES_* settings; keep it and add the checks.
            field.__class__ = CheckedImageField
