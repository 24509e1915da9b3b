"""Demo people in control of content, with their disclosure histories, and the
CME reviewer's relevance and mitigation decisions about their relationships.

Mentors (``mentors.json``) write guides and are listed in the directory;
planners and CME reviewers (``contributors.json``) are named on the paths they
control but, unless they also mentor, have no public profile. Every record goes
through ``cms.disclosures`` (the only way to write them), so the demo shows the
same history a real CME office would keep.

Idempotent: a person's disclosures are recorded only when the person is first
created (their dates are relative to the day of seeding, so recording them on
a later run would add a new history); a decision only when none exists for
that relationship on that page.
"""

from cms.disclosures import Relationship, record_decision, record_disclosure
from cms.models import GuidePage, Mentor, PracticeSetting, RelevanceDecision

from .common import load_json, months_ago
from .images import mentor_portrait

PEOPLE_FILES = ["mentors.json", "contributors.json"]
# The CME reviewer who records the demo's relevance and mitigation decisions.
DECIDING_USER = "reviewer"
# Who types a disclosure in for someone without an account: CME staff.
RECORDING_USER = "staff"


def practice_setting(item):
    if item.get("rural"):
        return PracticeSetting.RURAL
    if "University" in item["institution"]:
        return PracticeSetting.ACADEMIC
    return PracticeSetting.COMMUNITY


def relationship(rel):
    """A relationship from the data file; its dates are months before today."""
    return Relationship(
        company=rel["company"],
        nature=rel["nature"],
        detail=rel.get("detail", ""),
        started_on=months_ago(rel["started_months_ago"]) if "started_months_ago" in rel else None,
        ended_on=months_ago(rel["ended_months_ago"]) if "ended_months_ago" in rel else None,
    )


def record_history(person, disclosures, recorded_by):
    """Every disclosure in the data, oldest first: each supersedes the one before."""
    for item in sorted(disclosures, key=lambda d: -d["months_ago"]):
        relationships = [relationship(rel) for rel in item["relationships"]]
        record_disclosure(
            person,
            given_on=months_ago(item["months_ago"]),
            relationships=relationships,
            none_to_disclose=not relationships,
            signed_name=person.name,
            recorded_by=recorded_by,
        )


def link_user(person, user):
    """Link a demo account to its person once, if neither is linked yet."""
    if (
        user is not None
        and person.user_id is None
        and not Mentor.objects.filter(user=user).exists()
    ):
        person.user = user
        person.save(update_fields=["user"])


def give_portrait(person):
    """A placeholder portrait for a directory mentor seeded before the demo
    had images (one without a photo: a photo chosen since is kept)."""
    if person.in_directory and person.photo_id is None:
        person.photo, person.photo_alt = mentor_portrait(person)
        person.save(update_fields=["photo", "photo_alt"])
        person.save_revision()


def seed_person(item, users, stdout):
    person = Mentor.objects.filter(slug=item["slug"]).first()
    account = users.get(item["user"]) if item.get("user") else None
    if person is not None:
        link_user(person, account)
        give_portrait(person)
        return person
    person = Mentor(
        slug=item["slug"],
        name=item["name"],
        credentials=item["credentials"],
        specialty=item["specialty"],
        institution_name=item["institution"],
        bio=item["bio"],
        interests="\n".join(item["interests"]),
        international_graduate=item["international_graduate"],
        practice_setting=practice_setting(item),
        in_directory=item.get("in_directory", True),
    )
    if person.in_directory:
        person.photo, person.photo_alt = mentor_portrait(person)
    person.save()
    link_user(person, account)
    # The person signs their own disclosure when they have an account;
    # otherwise CME staff enter the signed form on their behalf.
    record_history(person, item["disclosures"], person.user or users.get(RECORDING_USER))
    person.save_revision()
    stdout(f"  {'mentor' if person.in_directory else 'planner or reviewer'} {person.name}")
    return person


def seed_people(users, stdout):
    """Every demo person, by slug."""
    people = {}
    for name in PEOPLE_FILES:
        for item in load_json(name):
            people[item["slug"]] = seed_person(item, users, stdout)
    return people


def current_relationship(person, company):
    """The relationship with ``company`` on the person's current disclosure, if any."""
    person = Mentor.objects.with_disclosures().get(pk=person.pk)
    return next((r for r in person.relationship_list if r.company == company), None)


def decide(page, person, item, decided_by):
    """Record the reviewer's decision about one relationship on one page, once.
    Returns whether a decision was recorded."""
    rel = current_relationship(person, item["company"])
    if rel is None or RelevanceDecision.objects.filter(page=page, relationship=rel).exists():
        return False
    record_decision(
        page,
        rel,
        relevant=item["relevant"],
        mitigation=item.get("mitigation", ""),
        reason=item["reason"],
        decided_by=decided_by,
    )
    return True


def seed_guide_decisions(users, stdout):
    """The reviewer's decisions about guide authors' relationships (decisions.json)."""
    reviewer = users.get(DECIDING_USER)
    for item in load_json("decisions.json"):
        person = Mentor.objects.get(slug=item["person"])
        for guide in GuidePage.objects.filter(slug__in=item["guides"]):
            if decide(guide, person, item, reviewer):
                verdict = "relevant, mitigated" if item["relevant"] else "not relevant"
                stdout(f"  decision: {person.name}, {item['company']} on {guide.slug}: {verdict}")
