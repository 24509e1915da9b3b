"""Library images with real pixels (Pillow draws them), for pages and mentors."""

import factory
import wagtail_factories


class PictureFactory(wagtail_factories.ImageFactory):
    """A 1200 x 675 JPEG (16:9, the lead image's shape) called ``ward-round.jpg``."""

    title = factory.Sequence(lambda n: f"Ward round {n}")
    description = ""
    file = factory.django.ImageField(
        width=1200, height=675, color="teal", filename="ward-round.jpg", format="JPEG"
    )
