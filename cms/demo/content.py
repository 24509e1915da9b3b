"""Editorial demo content: mentors, guides and an institution. The demo users
they link to are seeded first, by the project package (curbside/demo.py).

Every function is idempotent: it creates what is missing, keyed by slug or
username, and leaves existing records (and any edits to them) alone.
"""

import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.models import (
    GuideAuthor,
    GuideIndexPage,
    GuidePage,
    HomeFeaturedGuide,
    HomePage,
    Institution,
)
from cms.publishing import judged_as_of

from .common import DATA_DIR, load_json, months_ago
from .images import guide_lead_image
from .people import seed_guide_decisions, seed_people
from .registry import register_seeder

# Demo users the content links to: the mentor and the CME reviewer to their
# person records, staff to the institution (and as who entered others' disclosures).
LINKED_USERS = ["mentor", "reviewer", "staff"]
FEATURED_GUIDES = ["mi-in-young-women", "negotiating-your-first-contract", "i-pass-handoffs"]


def guide_files():
    return sorted((DATA_DIR / "guides").glob("*.json"))


def demo_users():
    """The demo users the content links to (seeded before it), by username."""
    User = get_user_model()
    return {user.username: user for user in User.objects.filter(username__in=LINKED_USERS)}


def seed_institution(users, stdout):
    data = load_json("institution.json")
    institution, created = Institution.objects.get_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "accreditation_statement": data["accreditation_statement"],
            "credit_designation_statement": data["credit_designation_statement"],
            "signatory_name": data["signatory_name"],
            "signatory_title": data["signatory_title"],
            "contact_email": data["contact_email"],
            "contact_phone": data["contact_phone"],
            "website": data.get("website", ""),
            "accme_provider_id": data.get("accme_provider_id", ""),
        },
    )
    if created:
        institution.save_revision()
        stdout(f"  institution {institution.name}")
    if "staff" in users:
        institution.staff.add(users["staff"])
    return institution


def build_guide(item, index_page, mentors):
    authors = [mentors[slug] for slug in item["authors"]]
    owner = next((m.user for m in authors if m.user_id), None)
    last_reviewed = months_ago(item["last_reviewed_months_ago"])
    release = months_ago(item["release_months_ago"])
    guide = GuidePage(
        title=item["title"],
        slug=item["slug"],
        summary=item["summary"],
        topic=item["topic"],
        audience_level=item["audience"],
        objectives=json.dumps([{"type": "objective", "value": o} for o in item["objectives"]]),
        body=json.dumps(item["body"]),
        references=json.dumps([{"type": "reference", "value": r} for r in item["references"]]),
        release_date=min(release, last_reviewed),
        last_reviewed=last_reviewed,
        owner=owner,
    )
    guide.lead_image, guide.lead_image_alt = guide_lead_image(item["slug"], item["topic"])
    for order, mentor in enumerate(authors):
        guide.authors.add(GuideAuthor(mentor=mentor, sort_order=order))
    guide.specialties.add(*item["specialties"])
    index_page.add_child(instance=guide)
    # Demo guides are published as already-approved content, outside the workflow.
    with judged_as_of(approval_day(authors)):
        guide.save_revision(user=owner, log_action=True).publish(user=None)
    return guide


def approval_day(authors):
    """The day a demo guide counts as approved (cms.publishing judges its
    publication as of then): when the last of its authors signed their
    current disclosure. A disclosure that has expired since (Farid Haddad's)
    was current then."""
    days = [mentor.disclosure_date for mentor in authors if mentor.disclosure_date]
    return max(days, default=timezone.localdate())


def give_lead_image(item):
    """A lead image for a demo guide seeded before the demo had images, as a
    new published revision; a guide an editor has changed since is left alone."""
    guide = GuidePage.objects.get(slug=item["slug"])
    if guide.lead_image_id or not guide.live or guide.has_unpublished_changes:
        return
    guide.lead_image, guide.lead_image_alt = guide_lead_image(item["slug"], item["topic"])
    with judged_as_of(approval_day(guide.author_mentors)):
        guide.save_revision(log_action=True).publish(user=None)


def seed_guides(mentors, stdout):
    index_page = GuideIndexPage.objects.get()
    existing = set(GuidePage.objects.values_list("slug", flat=True))
    for path in guide_files():
        item = json.loads(path.read_text(encoding="utf-8"))
        if item["slug"] in existing:
            give_lead_image(item)
            continue
        with transaction.atomic():
            build_guide(item, index_page, mentors)
        stdout(f"  guide {item['title']}")


def seed_home():
    home = HomePage.objects.get()
    if home.featured_guides.exists():
        return
    for order, slug in enumerate(FEATURED_GUIDES):
        guide = GuidePage.objects.filter(slug=slug).first()
        if guide:
            HomeFeaturedGuide.objects.create(page=home, guide=guide, sort_order=order)


@register_seeder("cms", order=0)
def seed_editorial_content(stdout):
    users = demo_users()
    people = seed_people(users, stdout)
    seed_institution(users, stdout)
    seed_guides(people, stdout)
    seed_guide_decisions(users, stdout)
    seed_home()
