from django.shortcuts import get_object_or_404, render

from wagtail import views as wagtail_views
from wagtail.models import Site

from .models import GuidePage, Institution, Mentor, PracticeSetting
from .models.routing import route_request


def serve(request, path):
    """Wagtail's page serving, routed from the cache when the address's start
    is there (``cms.models.routing.route_request``): the same page, the same
    hooks (view restrictions among them), one query fewer."""
    route_request(request, path)
    return wagtail_views.serve(request, path)


def mentor_directory(request):
    mentors = list(Mentor.objects.for_directory())
    setting = request.GET.get("setting", "")
    img_only = request.GET.get("img") == "1"
    if setting in PracticeSetting.values:
        mentors = [m for m in mentors if m.practice_setting == setting]
    else:
        setting = ""
    if img_only:
        mentors = [m for m in mentors if m.international_graduate]
    return render(
        request,
        "cms/mentor_directory.html",
        {
            "mentors": mentors,
            "settings_choices": PracticeSetting.choices,
            "selected_setting": setting,
            "img_only": img_only,
        },
    )


def mentor_profile(request, slug):
    mentor = get_object_or_404(
        Mentor.objects.with_disclosures().with_photos("avatar-lg"),
        slug=slug,
        is_active=True,
        in_directory=True,
    )
    guides = (
        GuidePage.objects.live()
        .public()
        .filter(authors__mentor=mentor)
        .for_listing()
        .order_by("-release_date", "title")
    )
    return render(
        request,
        "cms/mentor_profile.html",
        {"mentor": mentor, "guides": guides},
    )


def privacy_policy(request, retention_years):
    """The public privacy policy: the same for everyone, no personal data, so
    it sets no cookie and any cache may keep it. ``retention_years`` comes from
    the URLconf (learning's RETENTION_YEARS: cms does not import learning)."""
    site = Site.find_for_request(request)
    return render(
        request,
        "cms/privacy_policy.html",
        {
            "site_name": (site.site_name if site else "") or "Curbside",
            "retention_years": retention_years,
            "institutions": Institution.objects.exclude(contact_email="", contact_phone="")
            .only("name", "contact_email", "contact_phone", "website")
            .order_by("name"),
        },
    )
