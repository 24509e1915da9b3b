from django.urls import reverse

from .choices import Topic


def site_navigation(request):
    """Navigation links; static URLs only, so no query runs for them."""
    return {
        "nav_links": [
            {"label": "Paths", "url": "/paths/"},
            {"label": "Guides", "url": "/guides/"},
            {"label": "Mentors", "url": reverse("mentor_directory")},
            # The mentoring app's programmes (a path, not a reverse: cms knows no app above it).
            {"label": "Mentoring", "url": "/mentoring/"},
        ],
        "nav_topics": Topic.choices,
    }
