"""Issue #14 item 10, "Paths at the centre": the home page features learning
paths with their credit and, for a signed-in learner, "Continue where you left
off" with one button to exactly what is next; a guide opened on its own still
offers to continue the paths it is a step of; "Log in" and "Sign up" in the
header bring the visitor back to the page they were on."""

import datetime
import re
from urllib.parse import quote

from django.core import mail
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from learning.journey import progress, services
from learning.models import LearningPathPage
from tests.factories import (
    GuidePageFactory,
    LearnerFactory,
    LearningPathPageFactory,
    MentorFactory,
    from_step_page,
)

from .conftest import correct_answers, evaluation_answers
from .test_credit_paused import author_of, let_disclosure_expire

pytestmark = pytest.mark.django_db

CREDIT_15 = "1.5 <em>AMA PRA Category 1 Credits</em>™"


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    """The home page section labelled by ``heading_id`` ("" when absent)."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def button_href(html, text):
    match = re.search(rf'<a class="button[^"]*" href="([^"]+)">{re.escape(text)}', html)
    assert match, f"no button {text!r}"
    return match.group(1)


def steps_of(path):
    return [step.guide for step in progress.path_steps(path)]


def complete_steps(learner, path, count):
    for guide in steps_of(path)[:count]:
        services.complete_step(learner, path, guide.pk)


# --- The featured paths ---------------------------------------------------------------


def test_home_features_live_credit_paths_with_credit_steps_mentors_and_state(client):
    author = MentorFactory(name="Amara Osei", credentials="MD, MPH")
    guides = [GuidePageFactory(authors=[author]) for _ in range(4)]
    LearningPathPageFactory(
        title="Recognising sepsis",
        summary="Spot the deteriorating patient early.",
        steps=guides,
        max_credits="1.50",
    )
    section_html = section(html_of(client.get("/")), "paths-heading")
    assert "Learning paths with CME credit" in section_html
    assert "Recognising sepsis" in section_html
    assert "Spot the deteriorating patient early." in section_html
    assert CREDIT_15 in section_html  # worded as on the catalogue and the path page
    assert "<dt>Steps</dt><dd>4</dd>" in section_html
    assert "Amara Osei, MD, MPH" in section_html
    assert "Offered now" in section_html
    assert 'href="/paths/"' in section_html


def test_a_path_whose_credit_is_paused_says_so(client):
    path = LearningPathPageFactory(title="Recognising sepsis")
    let_disclosure_expire(author_of(path))
    section_html = section(html_of(client.get("/")), "paths-heading")
    assert "Recognising sepsis" in section_html
    assert "Paused for now" in section_html
    assert "Offered now" not in section_html


def test_only_live_public_current_credit_paths_newest_first_three_at_most(client):
    today = timezone.localdate()
    for days, title in [(50, "Fifty"), (10, "Ten"), (30, "Thirty"), (40, "Forty")]:
        LearningPathPageFactory(
            title=f"Path {title}",
            release_date=today - datetime.timedelta(days=days),
            last_reviewed=today - datetime.timedelta(days=1),
        )
    # Each newer than every path above: left out for what it is, not its age.
    newest = {
        "release_date": today - datetime.timedelta(days=5),
        "last_reviewed": today - datetime.timedelta(days=1),
    }
    LearningPathPageFactory(title="Path without credit", max_credits=0, **newest)
    draft = LearningPathPageFactory(title="Path in draft", **newest)
    draft.unpublish()
    private = LearningPathPageFactory(title="Path for members", **newest)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    ended = LearningPathPageFactory(title="Path that ended", **newest)
    LearningPathPage.objects.filter(pk=ended.pk).update(
        termination_date=today - datetime.timedelta(days=1)
    )
    section_html = section(html_of(client.get("/")), "paths-heading")
    titles = re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a>', section_html)
    assert titles == ["Path Ten", "Path Thirty", "Path Forty"]


def test_no_paths_no_section(client):
    assert 'id="paths-heading"' not in html_of(client.get("/"))


# --- Continue where you left off -----------------------------------------------------


def test_anonymous_and_learners_with_nothing_unfinished_see_no_continue_section(client, path):
    assert "Continue where you left off" not in html_of(client.get("/"))
    learner = LearnerFactory(completed=path)
    client.force_login(learner)
    assert "Continue where you left off" not in html_of(client.get("/"))


def test_continue_names_the_next_step_and_goes_to_exactly_it(client, learner, path):
    services.enrol(learner, path)
    complete_steps(learner, path, 1)
    client.force_login(learner)
    html = section(html_of(client.get("/")), "continue-heading")
    second = steps_of(path)[1]
    assert "Recognising sepsis" in html
    assert f"Up next: <strong>step 2 of 3, “{second.title}”</strong>" in html
    assert "1 of 3 steps complete" in html
    href = button_href(html, "Continue with step 2")
    assert href == f"{second.url}?path=sepsis"
    step_page = html_of(client.get(href))
    assert "Step 2 of 3" in step_page
    assert "Mark complete and continue" in step_page


@pytest.mark.parametrize(
    ("stage", "button", "route", "named"),
    [
        ("test", "Take the post-test", "test/", "the post-test"),
        ("evaluation", "Fill the evaluation", "evaluation/", "the evaluation"),
        ("claim", "Claim credit", "claim/", "claim your credit"),
    ],
)
def test_after_the_steps_continue_goes_to_the_test_the_evaluation_or_the_claim(
    client, learner, path, stage, button, route, named
):
    services.enrol(learner, path)
    complete_steps(learner, path, 3)
    if stage in ("evaluation", "claim"):
        services.submit_attempt(learner, path, correct_answers(path))
    if stage == "claim":
        services.submit_evaluation(learner, path, evaluation_answers(path))
    client.force_login(learner)
    html = section(html_of(client.get("/")), "continue-heading")
    assert f"Up next: <strong>{named}</strong>" in html
    href = button_href(html, button)
    assert href == path.url + route
    assert client.get(href).status_code == 200  # the page itself, not a redirect


def test_most_recently_active_path_comes_first(client, learner, path):
    other = LearningPathPageFactory(title="Safer handovers", slug="handovers")
    services.enrol(learner, other)
    services.enrol(learner, path)  # enrolled last
    complete_steps(learner, other, 1)  # but active here since
    client.force_login(learner)
    html = section(html_of(client.get("/")), "continue-heading")
    assert html.index("Safer handovers") < html.index("Recognising sepsis")


def test_the_personal_home_page_is_never_cached_for_others(client, learner, path):
    services.enrol(learner, path)
    anonymous = client.get("/")
    assert "private" not in anonymous.get("Cache-Control", "")
    client.force_login(learner)
    response = client.get("/")
    assert "Continue where you left off" in html_of(response)
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_dashboard_names_the_next_step_with_the_same_button(client, learner, path):
    services.enrol(learner, path)
    complete_steps(learner, path, 2)
    client.force_login(learner)
    html = html_of(client.get("/me/"))
    third = steps_of(path)[2]
    assert f"Up next: <strong>step 3 of 3, “{third.title}”</strong>" in html
    assert button_href(html, "Continue with step 3") == f"{third.url}?path=sepsis"


# --- A guide opened on its own ---------------------------------------------------------


def guide_box(html):
    match = re.search(r'<aside class="guide-paths".*?</aside>', html, re.S)
    return match.group(0) if match else ""


def test_anonymous_visitors_see_nothing_new_on_a_guide(client, path):
    assert guide_box(html_of(client.get(steps_of(path)[1].url))) == ""


def test_a_learner_not_on_the_path_sees_only_which_paths_include_the_guide(client, path):
    client.force_login(LearnerFactory())
    box = guide_box(html_of(client.get(steps_of(path)[1].url)))
    assert "Part of a learning path" in box
    assert "Step 2 of 3 of the learning path" in box
    assert f'href="{path.url}"' in box
    assert "Mark complete" not in box and "Continue the path" not in box


def test_a_guide_in_no_path_shows_no_box(client):
    guide = GuidePageFactory()
    assert guide_box(html_of(client.get(guide.url))) == ""


def test_enrolled_learner_can_mark_the_guide_complete_and_continue(client, learner, path):
    services.enrol(learner, path)
    first, second, third = steps_of(path)
    client.force_login(learner)
    box = guide_box(html_of(client.get(second.url)))
    assert "Part of your learning path" in box
    assert "This guide is <strong>step 2 of 3</strong> of" in box
    # Marked complete on the step page, which shows the activity's disclosure
    # (learning.journey.disclosure_proof), not here.
    assert "complete/" not in box
    assert button_href(box, "Read it as step 2 of 3 to mark it complete") == (
        f"{second.url}?path=sepsis"  # the guide as a step of the path
    )
    assert f'href="{third.url}?path=sepsis">Next step: {third.title}</a>' in box
    # Where they left off is step 1: "Continue the path" goes there.
    assert button_href(box, "Continue the path") == f"{first.url}?path=sepsis"

    response = client.post(
        f"{path.url}steps/{second.pk}/complete/", from_step_page(learner, path, second.pk)
    )
    assert response.status_code == 302
    assert response["Location"] == f"{first.url}?path=sepsis"  # the first unread step
    box = guide_box(html_of(client.get(second.url)))
    assert "and you have completed it ✓" in box
    assert "Mark complete" not in box


def test_completed_path_points_to_its_page(client, learner, path):
    learner = LearnerFactory(completed=path)
    client.force_login(learner)
    box = guide_box(html_of(client.get(steps_of(path)[0].url)))
    assert "which you completed on" in box
    assert "your certificate is on the path's page" in box
    assert "Mark complete" not in box


def test_a_guide_in_several_paths_lists_each_the_learners_first(client, learner, path):
    shared = steps_of(path)[0]
    LearningPathPageFactory(
        title="A first look at sepsis", slug="sepsis-intro", steps=[GuidePageFactory(), shared]
    )
    services.enrol(learner, path)
    client.force_login(learner)
    box = guide_box(html_of(client.get(shared.url)))
    assert box.index("Recognising sepsis") < box.index("A first look at sepsis")
    assert "step 1 of 3" in box and "Step 2 of 2 of the learning path" in box

    # Read from the other path, its step bar shows it: the box names only the first.
    html = html_of(client.get(f"{shared.url}?path=sepsis-intro"))
    assert "A first look at sepsis" not in guide_box(html)
    assert "Recognising sepsis" in guide_box(html)


def test_unpublished_paths_are_not_offered(client, learner, path):
    services.enrol(learner, path)
    path.unpublish()
    client.force_login(learner)
    assert guide_box(html_of(client.get(steps_of(path)[0].url))) == ""
    assert "Continue where you left off" not in html_of(client.get("/"))


# --- Log in and sign up come back to the page ------------------------------------------


def header_link(html, text):
    match = re.search(rf'<a (?:class="[^"]*" )?href="([^"]*)">{text}</a>', html)
    assert match, text
    return match.group(1).replace("&amp;", "&")


def test_header_log_in_and_sign_up_keep_the_page(client, path):
    html = html_of(client.get(path.url))
    assert header_link(html, "Sign up") == "/accounts/signup/?next=" + quote(path.url, safe="")
    assert header_link(html, "Log in") == "/accounts/login/?next=" + quote(path.url, safe="")
    # From the log-in page, "Sign up" carries the page the visitor came from.
    html = html_of(client.get("/accounts/login/?next=" + path.url))
    assert header_link(html, "Sign up") == "/accounts/signup/?next=" + quote(path.url, safe="")
    # Never another site, and the home page keeps the default (the dashboard).
    html = html_of(client.get("/accounts/login/?next=https://evil.example/"))
    assert header_link(html, "Sign up") == "/accounts/signup/"
    assert header_link(html_of(client.get("/")), "Sign up") == "/accounts/signup/"


def test_signing_up_from_the_header_returns_to_the_path(client, path):
    signup = header_link(html_of(client.get(path.url)), "Sign up")
    password = "a-long-clinical-passphrase"
    response = client.post(
        signup, {"email": "new.doctor@example.org", "password1": password, "password2": password}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)
    assert client.post(link)["Location"] == path.url


def test_a_path_in_a_private_section_is_neither_featured_nor_offered_on_its_guides(
    client, learner, path
):
    PageViewRestriction.objects.create(
        page=path.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    assert section(html_of(client.get("/")), "paths-heading") == ""
    client.force_login(learner)
    assert guide_box(html_of(client.get(steps_of(path)[0].url))) == ""
