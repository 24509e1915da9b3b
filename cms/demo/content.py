"""Editorial demo content: mentors, guides and an institution. The demo users
they link to are seeded first, by the project package (curbside/demo.py).

Every function is idempotent: it creates what is missing, keyed by slug or
username, and leaves existing records (and any edits to them) alone.
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.disclosures import Relationship, record_disclosure
from cms.models import (
    GuideAuthor,
    GuideIndexPage,
    GuidePage,
    HomeFeaturedGuide,
    HomePage,
    Institution,
    Mentor,
    PracticeSetting,
)

from .registry import register_seeder

DATA_DIR = Path(__file__).resolve().parent / "data"
MENTOR_USER_SLUG = "daniel-reyes"
# Demo users the content links to: the mentor to a mentor profile, staff to the institution.
LINKED_USERS = ["mentor", "staff"]
FEATURED_GUIDES = ["mi-in-young-women", "negotiating-your-first-contract", "i-pass-handoffs"]


def months_ago(months, today=None):
    today = today or timezone.localdate()
    month_index = today.year * 12 + (today.month - 1) - int(months)
    year, month = divmod(month_index, 12)
    day = min(today.day, 28)
    return datetime.date(year, month + 1, day)


def load_json(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def guide_files():
    return sorted((DATA_DIR / "guides").glob("*.json"))


def demo_users():
    """The demo users the content links to (seeded before it), by username."""
    User = get_user_model()
    return {user.username: user for user in User.objects.filter(username__in=LINKED_USERS)}


def seed_mentors(users, stdout):
    mentors = {}
    for item in load_json("mentors.json"):
        mentor = Mentor.objects.filter(slug=item["slug"]).first()
        if mentor is None:
            mentor = Mentor(
                slug=item["slug"],
                name=item["name"],
                credentials=item["credentials"],
                specialty=item["specialty"],
                institution_name=item["institution"],
                bio=item["bio"],
                interests="\n".join(item["interests"]),
                international_graduate=item["international_graduate"],
                practice_setting=PracticeSetting.RURAL
                if item.get("rural")
                else PracticeSetting.ACADEMIC
                if "University" in item["institution"]
                else PracticeSetting.COMMUNITY,
            )
            mentor.save()
            record_disclosure(
                mentor,
                given_on=months_ago(item["disclosure_months_ago"]),
                relationships=[Relationship(**rel) for rel in item["relationships"]],
                none_to_disclose=not item["relationships"],
                signed_name=item["name"],
            )
            mentor.save_revision()
            stdout(f"  mentor {mentor.name}")
        mentors[item["slug"]] = mentor
    linked = mentors.get(MENTOR_USER_SLUG)
    mentor_user = users.get("mentor")
    if (
        linked
        and mentor_user
        and linked.user_id is None
        and not Mentor.objects.filter(user=mentor_user).exists()
    ):
        linked.user = mentor_user
        linked.save(update_fields=["user"])
    return mentors


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
    for order, mentor in enumerate(authors):
        guide.authors.add(GuideAuthor(mentor=mentor, sort_order=order))
    guide.specialties.add(*item["specialties"])
    index_page.add_child(instance=guide)
    # Demo guides are published as already-approved content, outside the workflow.
    guide.save_revision(user=owner, log_action=True).publish(user=None)
    return guide


def seed_guides(mentors, stdout):
    index_page = GuideIndexPage.objects.get()
    existing = set(GuidePage.objects.values_list("slug", flat=True))
    for path in guide_files():
        item = json.loads(path.read_text(encoding="utf-8"))
        if item["slug"] in existing:
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
    mentors = seed_mentors(users, stdout)
    seed_institution(users, stdout)
    seed_guides(mentors, stdout)
    seed_home()
