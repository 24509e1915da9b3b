"""The demo shows the CME compliance work (issue #12, item 9): disclosure
histories for faculty, planners and reviewers, relevance and mitigation
decisions, every credit path but one passing the publish gate, and the one
whose author's disclosure has expired visibly unavailable for credit while the
demo learner's certificates stay valid.

Note: the journey does not yet consult the gate in this branch (the refusal of
enrolments and claims, and its notice, come with the daily check), so the stale
path is asserted through ``path_problems``, the rule that code will call.
"""

import datetime
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from cms.choices import ContentRole, MitigationMethod
from cms.disclosures import record_disclosure
from cms.models import DisclosedRelationship, GuidePage, Mentor, RelevanceDecision
from learning.compliance.entries import path_entries
from learning.compliance.gate import path_problems
from learning.demo.accreditation import STALE_PATH
from learning.models import Certificate, LearningPathPage

STALE_AUTHOR = "farid-haddad"


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


class DemoComplianceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()
        cls.paths = list(LearningPathPage.objects.live().filter(max_credits__gt=0).order_by("pk"))

    def people_on(self, path, role):
        return [e.person for e in path_entries(path) if e.role == role]

    def decision(self, page, slug, company):
        return RelevanceDecision.objects.get(
            page=page,
            relationship__company=company,
            relationship__disclosure__person__slug=slug,
        )

    def test_there_are_six_live_credit_paths(self):
        self.assertEqual(len(self.paths), 6)

    def test_everyone_in_control_of_content_has_a_history(self):
        for path in self.paths:
            for entry in path_entries(path):
                with self.subTest(path=path.slug, person=entry.person.slug, role=entry.role):
                    history = entry.person.disclosure_history
                    self.assertGreaterEqual(len(history), 2)
                    current, superseded = history[0], history[1]
                    self.assertEqual(entry.person.current_disclosure, current)
                    self.assertLess(superseded.given_on, current.given_on)

    def test_a_new_disclosure_supersedes_and_the_old_one_stays(self):
        margaret = Mentor.objects.get(slug="margaret-osullivan")
        current, older = margaret.disclosure_history[:2]
        (old_rel,) = older.relationship_list
        (new_rel,) = current.relationship_list
        self.assertEqual(old_rel.company, new_rel.company)
        self.assertTrue(old_rel.ongoing)
        self.assertFalse(new_rel.ongoing)
        self.assertLess(new_rel.ended_on, current.given_on)

    def test_faculty_with_nothing_to_disclose(self):
        faculty = {p for path in self.paths for p in self.people_on(path, ContentRole.FACULTY)}
        none = [p for p in faculty if p.current_disclosure.none_to_disclose]
        self.assertGreaterEqual(len(none), 3)
        self.assertIn("amara-okafor", {p.slug for p in none})

    def test_planners_and_reviewers_are_attached_to_every_path(self):
        reviewer = Mentor.objects.get(user__username="reviewer")
        self.assertEqual(reviewer.slug, "ruth-okonkwo")
        for path in self.paths:
            with self.subTest(path=path.slug):
                planners = self.people_on(path, ContentRole.PLANNER)
                reviewers = self.people_on(path, ContentRole.REVIEWER)
                self.assertIn("grace-adeyemi", {p.slug for p in planners})
                self.assertEqual(reviewers, [reviewer])
        staff_only = Mentor.objects.filter(
            slug__in=["ruth-okonkwo", "grace-adeyemi", "marcus-bell"]
        )
        self.assertEqual(staff_only.count(), 3)
        self.assertFalse(staff_only.filter(in_directory=True).exists())
        directory = self.client.get("/mentors/").content.decode()
        self.assertIn("Amara Okafor", directory)
        self.assertNotIn("Grace Adeyemi", directory)

    def test_a_relevant_relationship_with_its_mitigation(self):
        path = LearningPathPage.objects.get(slug="recognising-the-deteriorating-patient")
        decision = self.decision(path, "marcus-bell", "Corvane Diagnostics")
        self.assertTrue(decision.relevant)
        self.assertEqual(decision.mitigation, MitigationMethod.PEER_REVIEW)
        self.assertIn("peer reviewed every step", decision.reason)
        self.assertEqual(decision.decided_by.username, "reviewer")
        self.assertIn("marcus-bell", {p.slug for p in self.people_on(path, ContentRole.PLANNER)})
        guide = GuidePage.objects.get(slug="mi-in-young-women")
        troponin = self.decision(guide, "priya-raman", "Northfield Diagnostics")
        self.assertTrue(troponin.relevant)
        self.assertIn("2021 AHA/ACC chest pain guideline", troponin.reason)

    def test_relationships_judged_not_relevant_with_the_reason(self):
        guide = GuidePage.objects.get(slug="fellowship-or-not")
        for company in ["Meridian Cardio Devices", "Northfield Diagnostics"]:
            with self.subTest(company=company):
                decision = self.decision(guide, "priya-raman", company)
                self.assertFalse(decision.relevant)
                self.assertEqual(decision.mitigation, "")
                self.assertIn("career guide", decision.reason)

    def test_no_relationship_with_a_company_that_is_not_ineligible(self):
        # Practice-management software and EHR vendors are not ineligible companies.
        companies = set(DisclosedRelationship.objects.values_list("company", flat=True))
        self.assertTrue(companies)
        self.assertFalse([c for c in companies if "Software" in c or "Tidewell" in c])

    def test_activity_details(self):
        supported = [p for p in self.paths if p.commercial_support.exists()]
        self.assertEqual([p.slug for p in supported], ["running-a-safer-practice"])
        (support,) = supported[0].commercial_support.all()
        self.assertEqual(support.kind, "monetary")
        joint = [p.slug for p in self.paths if p.joint_provider]
        self.assertEqual(joint, ["international-medical-graduates-road"])
        for path in self.paths:
            with self.subTest(path=path.slug):
                self.assertLessEqual(path.max_credits * 60, path.estimated_minutes)
                self.assertTrue(path.hardware_software.strip())

    def test_every_credit_path_but_the_stale_one_passes_the_gate(self):
        for path in self.paths:
            if path.slug != STALE_PATH:
                with self.subTest(path=path.slug):
                    self.assertEqual(path_problems(path), [])

    def test_the_stale_path_is_live_and_unavailable_for_its_expired_disclosure(self):
        path = LearningPathPage.objects.get(slug=STALE_PATH)
        self.assertTrue(path.live)
        farid = Mentor.objects.get(slug=STALE_AUTHOR)
        self.assertFalse(farid.disclosure_is_current())
        self.assertIn(farid, self.people_on(path, ContentRole.FACULTY))
        problems = path_problems(path)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("Farid Haddad, MBBS, MRCPsych's disclosure", problems[0])
        self.assertIn("expired on", problems[0])
        # It was released while his disclosure was current.
        self.assertLess(farid.current_disclosure.given_on, path.release_date)
        self.assertGreater(farid.current_disclosure.expires_on, path.release_date)
        self.assertEqual(self.client.get(path.url).status_code, 200)

    def test_the_stale_path_is_available_again_once_the_disclosure_is_renewed(self):
        farid = Mentor.objects.get(slug=STALE_AUTHOR)
        record_disclosure(farid, none_to_disclose=True, signed_name="Farid Haddad")
        path = LearningPathPage.objects.get(slug=STALE_PATH)
        self.assertEqual(path_problems(path), [])

    def test_only_the_stale_authors_guides_are_in_the_stale_path(self):
        farid = Mentor.objects.get(slug=STALE_AUTHOR)
        for path in self.paths:
            if path.slug != STALE_PATH:
                with self.subTest(path=path.slug):
                    self.assertNotIn(farid, [e.person for e in path_entries(path)])

    def test_the_demo_learners_certificates_stay_valid(self):
        certificates = Certificate.objects.filter(user__username="doctor")
        self.assertEqual(certificates.count(), 1)
        certificate = certificates.get()
        self.assertEqual(certificate.status, "valid")
        self.assertEqual(certificate.activity_title[:20], "Recognising the dete")
        html = self.client.get(
            f"/certificates/verify/{certificate.verification_code}/"
        ).content.decode()
        self.assertIn("Valid", html)
        self.assertIn("has not been revoked", html)

    def test_dates_are_within_the_rules(self):
        today = timezone.localdate()
        for path in self.paths:
            with self.subTest(path=path.slug):
                self.assertLessEqual(path.release_date, path.last_reviewed)
                self.assertLess(today - path.last_reviewed, datetime.timedelta(days=3 * 365))
