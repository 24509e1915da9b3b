from django.urls import reverse

from .choices import Topic


def site_navigation(request):
    """Navigation links; static URLs only, so no query runs for them."""
    return {
        "nav_links": [
            {"label": "Paths", "url": "/paths/"},
            {"label": "Guides", "url": "/guides/"},
            {"label": "Mentors", "url": reverse("mentor_directory")},
        ],
        "nav_topics": Topic.choices,
    }
