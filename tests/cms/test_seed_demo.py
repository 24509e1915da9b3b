"""seed_demo builds the demo site; every public URL of the product (README, docs) answers on it."""

from io import StringIO

from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

import pytest
from PIL import Image as PILImage

from cms.alt_text import alt_text_problem
from cms.blocks import stream_text, word_count
from cms.models import GuidePage, Institution, Mentor, RelevanceDecision, Topic

DEMO_PASSWORD = "curbside-demo"


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


def model_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"cms", "learning", "auth", "wagtailcore", "taggit", "wagtailimages"}
        and not model._meta.label.startswith(
            ("wagtailcore.ModelLogEntry", "wagtailcore.PageLogEntry")
        )
    }


@pytest.mark.django_db
def test_refuses_to_run_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not GuidePage.objects.exists()


class SeededSiteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()

    def test_demo_images_are_drawn_and_described(self):
        """Every guide and path has a lead image, every directory mentor a
        photo (placeholder portraits with initials), each with alt text that
        describes it; the image's description says the same."""
        from learning.models import LearningPathPage

        illustrated = [*GuidePage.objects.live(), *LearningPathPage.objects.live()]
        self.assertEqual(len(illustrated), 39)
        for page in illustrated:
            self.assertIsNotNone(page.lead_image, page.slug)
            self.assertIsNone(alt_text_problem(page.lead_image_alt, page.lead_image), page.slug)
            self.assertEqual(page.lead_image.description, page.lead_image_alt)
            self.assertTrue(page.lead_image_alt.startswith("Illustration of "))
            self.assertEqual((page.lead_image.width, page.lead_image.height), (1600, 900))
        for mentor in Mentor.objects.filter(in_directory=True):
            self.assertIsNone(alt_text_problem(mentor.photo_alt, mentor.photo), mentor.slug)
            self.assertIn(mentor.initials, mentor.photo_alt)
        # Shared by topic: a listing's first visit renders few renditions.
        self.assertEqual(len({page.lead_image_id for page in illustrated}), 12)
        with PILImage.open(illustrated[0].lead_image.file) as drawn:
            self.assertEqual(drawn.format, "PNG")

    def test_a_demo_seeded_before_images_gets_them(self):
        """A guide, a path and a mentor seeded before the demo had images:
        seeding again adds them (as a new published revision for pages)."""
        from learning.models import LearningPathPage

        guide = GuidePage.objects.get(slug="i-pass-handoffs")
        path = LearningPathPage.objects.get(slug="running-a-safer-practice")
        for page in (guide, path):
            type(page).objects.filter(pk=page.pk).update(lead_image=None, lead_image_alt="")
        Mentor.objects.filter(slug="daniel-reyes").update(photo=None, photo_alt="")
        seed()
        for page in (guide, path):
            page = type(page).objects.get(pk=page.pk)
            self.assertIsNotNone(page.lead_image)
            self.assertEqual(page.live_revision.as_object().lead_image, page.lead_image)
        self.assertIsNotNone(Mentor.objects.get(slug="daniel-reyes").photo)

    def test_seed_is_idempotent(self):
        before = model_counts()
        seed()
        self.assertEqual(model_counts(), before)

    def test_demo_content_meets_the_brief(self):
        mentors = Mentor.objects.all()
        self.assertGreaterEqual(mentors.count(), 6)
        self.assertGreaterEqual(len({m.specialty for m in mentors}), 6)
        self.assertTrue(mentors.filter(international_graduate=True).exists())
        self.assertTrue(mentors.filter(practice_setting="rural").exists())
        guides = GuidePage.objects.live()
        self.assertGreaterEqual(guides.count(), 30)
        for topic in Topic.values:
            self.assertGreaterEqual(guides.filter(topic=topic).count(), 8, topic)
        for guide in guides:
            self.assertGreaterEqual(word_count(stream_text(guide.body)), 400, guide.slug)
            self.assertTrue(guide.authors.exists(), guide.slug)
        self.assertEqual(Institution.objects.count(), 1)

    def test_send_notifications_sends_the_demo_doctor_one_inactivity_reminder(self):
        # She left her path in progress 9 days before the seed (learning.demo.reminders).
        from django.core import mail

        call_command("send_notifications", stdout=StringIO())
        # (The demo mentor also hears of the doctor's waiting mentoring request.)
        (message,) = [m for m in mail.outbox if m.to == ["doctor@curbside.example"]]
        sent = len(mail.outbox)
        self.assertIn("Starting your first attending job", message.subject)
        self.assertIn("2 of 4 steps complete", message.body)
        # Seeding again leaves her reminded: nothing new.
        seed()
        call_command("send_notifications", stdout=StringIO())
        self.assertEqual(len(mail.outbox), sent)

    def test_demo_users_sign_in_with_their_roles(self):
        roles = {
            "admin": None,
            "mentor": "Mentors",
            "reviewer": "CME reviewers",
            "staff": "Institution staff",
            "doctor": None,
        }
        for username, group in roles.items():
            with self.subTest(username=username):
                self.assertTrue(self.client.login(username=username, password=DEMO_PASSWORD))
                response = self.client.get("/admin/")
                if username == "doctor":
                    self.assertEqual(response.status_code, 302)
                else:
                    self.assertEqual(response.status_code, 200)
                if group:
                    self.assertTrue(response.wsgi_request.user.groups.filter(name=group).exists())
                self.client.logout()
        self.assertIsNotNone(Mentor.objects.get(user__username="mentor"))
        self.assertTrue(Institution.objects.get().staff.filter(username="staff").exists())

    def test_every_public_url_answers(self):
        guide = GuidePage.objects.live().first()
        mentor = Mentor.objects.for_directory().first()
        urls = [
            "/",
            "/guides/",
            "/guides/?topic=clinical",
            "/guides/?specialty=cardiology&page=2",
            "/guides/?page=2",
            guide.url,
            "/mentors/",
            "/mentors/?setting=rural&img=1",
            mentor.get_absolute_url(),
            "/privacy/",
            "/mentoring/",
            "/mentoring/first-years-in-practice/",
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_bad_filters_give_a_normal_page_with_a_message(self):
        response = self.client.get(
            "/guides/?topic=%3Cscript%3E&audience=x&page=999&specialty=a%20b"
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("We did not recognise the topic or audience level or specialty", html)
        self.assertNotIn("<script>", html)
        self.assertEqual(self.client.get("/mentors/no-such-mentor/").status_code, 404)

    def test_guide_page_shows_what_a_reader_needs(self):
        guide = GuidePage.objects.get(slug="mi-in-young-women")
        html = self.client.get(guide.url).content.decode()
        for text in [
            guide.title,
            "Priya Raman, MD, FACC",
            # Her troponin-assay relationship is relevant to this guide and mitigated
            # (the wording of each relationship's nature belongs to the display).
            "Northfield Diagnostics",
            "All relevant financial relationships have been mitigated.",
            "Disclosure of financial relationships",
            "This guide received no commercial support.",
            "After reading this guide you will be able to",
            "References",
            f"{guide.reading_minutes} min",
            "Last reviewed",
        ]:
            self.assertIn(text, html)
        self.assertLess(html.index('id="disclosure-heading"'), html.index('class="guide-body'))
        # Each of the author's relationships is told unless a CME reviewer judged it
        # not relevant to this guide; "mitigated" is said only when every one told is.
        priya = Mentor.objects.get(slug="priya-raman")
        told, all_mitigated = [], True
        for rel in priya.current_disclosure.relationship_list:
            decision = (
                RelevanceDecision.objects.filter(page=guide, relationship=rel)
                .order_by("-decided_at", "-pk")
                .first()
            )
            text = f"{rel.company}: {rel.get_nature_display()}"
            if decision is not None and not decision.relevant:
                self.assertNotIn(text, html)
                continue
            self.assertIn(text, html)
            told.append(rel)
            all_mitigated &= bool(decision and decision.mitigation)
        self.assertEqual(
            "All relevant financial relationships have been mitigated." in html,
            bool(told) and all_mitigated,
        )
