"""The demo exercises credit reporting (issue #13, item 9): learners with NPI
and licences, the demo doctor with an ABIM board ID, MOC consent and MOC
points on her certificate, a learner without consent, a reissued and a revoked
certificate, and a saved CME batch whose next batch is waiting with exactly
those corrections."""

import io
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

import openpyxl

from learning.boards import ConsentScope
from learning.models import (
    Certificate,
    CertificateMoc,
    CertificateStatus,
    LearnerProfile,
    ReportAction,
    ReportBatch,
    ReportBody,
)
from learning.reporting.batches import preview


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


class DemoReportingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()
        cls.batch = ReportBatch.objects.get()

    def test_the_doctor_has_an_npi_a_licence_an_abim_id_and_moc_points(self):
        profile = LearnerProfile.objects.get(user__username="doctor")
        self.assertEqual((profile.first_name, profile.last_name), ("Maya", "Chen"))
        self.assertEqual(profile.birth_date_mmdd, "04/09")
        self.assertEqual(profile.npi, "1234567893")
        self.assertEqual([str(licence) for licence in profile.licences.all()], ["IL 036-118842"])
        self.assertEqual([b.board for b in profile.boards.all()], ["ABIM"])
        active = {(c.scope, c.body) for c in profile.consents.active()}
        self.assertIn((ConsentScope.BOARD, "ABIM"), active)
        moc = CertificateMoc.objects.get(certificate__user=profile.user)
        self.assertEqual((moc.board, moc.board_id), ("ABIM", "104283"))
        self.assertIn("American Board of Internal Medicine", moc.statement)

    def test_a_saved_batch_reported_the_consenting_learners(self):
        self.assertEqual((self.batch.body, self.batch.number), (ReportBody.CME, 1))
        names = sorted(row.certificate.learner_name for row in self.batch.rows.all())
        # The doctor, and the two learners whose certificates changed later.
        self.assertEqual(names, ["Amara N. Okafor", "Hannah Weiss", "Maya R. Chen"])
        self.assertTrue(all(row.action == ReportAction.ADD for row in self.batch.rows.all()))

    def test_the_next_batch_holds_the_reissue_and_the_revocation(self):
        plan = preview(self.batch.institution, ReportBody.CME)
        rows = sorted((row.action, row.certificate.learner_name) for row in plan.rows)
        self.assertEqual(
            rows,
            [
                (ReportAction.ADD, "Amara N. Okafor-Bello"),
                (ReportAction.DELETE, "Amara N. Okafor"),
                (ReportAction.DELETE, "Hannah Weiss"),
            ],
        )
        statuses = Certificate.objects.filter(user__username__in=["amara.okafor", "hannah.weiss"])
        self.assertEqual(
            sorted(statuses.values_list("status", flat=True)),
            [CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED, CertificateStatus.VALID],
        )

    def test_the_learner_without_consent_is_listed_not_reported(self):
        plan = preview(self.batch.institution, ReportBody.CME)
        self.assertIn("Luis Ferreira", [c.certificate.learner_name for c in plan.left_out])
        self.assertNotIn("Luis Ferreira", str([row.data for row in self.batch.rows.all()]))

    def test_the_abim_batch_waits_for_the_doctor(self):
        plan = preview(self.batch.institution, ReportBody.ABIM)
        self.assertEqual([row.certificate.learner_name for row in plan.rows], ["Maya R. Chen"])
        self.assertEqual(plan.problems, [])

    def test_staff_download_the_saved_batch_as_the_template(self):
        self.client.force_login(self.batch.institution.staff.get())
        response = self.client.get(f"/admin/cme-reports/batches/{self.batch.pk}/learners.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        body = b"".join(response.streaming_content)
        sheet = openpyxl.load_workbook(io.BytesIO(body))["Sheet1"]
        last_names = sorted(sheet.cell(row=r, column=5).value for r in range(3, sheet.max_row + 1))
        self.assertEqual(last_names, ["Chen", "Okafor", "Weiss"])
