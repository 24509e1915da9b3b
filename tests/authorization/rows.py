"""The matrix's rows (ROWS): every URL of the site a role might try, with how
to request it, in the order of the expected table (table.py). ``{name}`` is
filled from world.ids. The mentoring, relationship-space and consults rows
come last, from mentoring_rows.py."""

from .axes import ROLES, Row
from .mentoring_rows import MENTORING_ROWS

ROWS = {
    # Public pages and the learning-path routes.
    "home": Row("/"),
    "guides": Row("/guides/"),
    "guide_a": Row("{guide_a_url}"),
    "guide_a_in_path": Row("{guide_a_url}?path=path-alpha"),
    "paths": Row("/paths/"),
    "path_a": Row("{path_a_url}"),
    "path_a_enrol": Row("{path_a_url}enrol/"),
    "path_a_enrol_post": Row("{path_a_url}enrol/", "post"),
    "path_a_continue": Row("{path_a_url}continue/"),
    "path_a_step": Row("{path_a_url}steps/{guide_a}/complete/"),
    "path_a_step_post": Row("{path_a_url}steps/{guide_a}/complete/", "post"),
    "path_a_test": Row("{path_a_url}test/"),
    "path_a_test_result": Row("{path_a_url}test/result/"),
    "path_a_evaluation": Row("{path_a_url}evaluation/"),
    "path_a_claim": Row("{path_a_url}claim/"),
    "mentors": Row("/mentors/"),
    "mentor_a": Row("/mentors/ana-alvarez/"),
    "search": Row("/search/?q=x"),
    "suggest": Row("/search/suggest/?q=se"),
    "verify_form": Row("/certificates/verify/"),
    "verify_a": Row("/certificates/verify/{code_a}/", public_identity=True),
    "healthz": Row("/healthz"),
    "privacy_deleted": Row("/me/privacy/deleted/"),
    "privacy_policy": Row("/privacy/"),
    "django_admin": Row("/django-admin/"),
    # The learner's own pages and downloads.
    "me": Row("/me/"),
    "me_profile": Row("/me/profile/"),
    "me_transcript": Row("/me/transcript/"),
    "me_transcript_csv": Row("/me/transcript/transcript.csv"),
    "me_transcript_pdf": Row("/me/transcript/transcript.pdf"),
    "cert_a_pdf": Row("/me/certificates/{cert_a}/pdf/"),
    "cert_b_pdf": Row("/me/certificates/{cert_b}/pdf/"),
    # The PDF file itself is never served from media, to anyone.
    "cert_a_media": Row("/media/{cert_a_file}"),
    "me_privacy": Row("/me/privacy/"),
    "me_privacy_export": Row("/me/privacy/export.json"),
    "me_privacy_delete": Row("/me/privacy/delete/"),
    # Notifications: the inbox, its "mark read", the settings and the
    # e-mail's one-click unsubscribe (a signed token, no sign-in needed).
    "notes_inbox": Row(
        "/me/notifications/",
        extra_forbidden=tuple((r, "Beta reminder for Bob") for r in ROLES if r != "doc_b")
        + tuple((r, "Alpha reminder for Alice") for r in ROLES if r != "doc_a"),
    ),
    "notes_read": Row("/me/notifications/read/", "post"),
    "notes_settings": Row("/me/notifications/settings/"),
    "notes_settings_post": Row("/me/notifications/settings/", "post"),
    "unsub_a": Row("/notifications/unsubscribe/{unsub_a}/"),
    "unsub_a_post": Row("/notifications/unsubscribe/{unsub_a}/", "post"),
    "unsub_forged": Row("/notifications/unsubscribe/not-a-token/"),
    "mfa": Row("/accounts/2fa/"),
    # Reporting identity, credit from elsewhere, licence cycles (learner side).
    "me_reporting": Row("/me/profile/reporting/"),
    "rep_lic_b_remove": Row(
        "/me/profile/reporting/", "post", (("action", "licence-remove"), ("id", "{lic_b}"))
    ),
    "rep_board_b_change": Row(
        "/me/profile/reporting/",
        "post",
        (("action", "board-change"), ("id", "{board_b}"), ("board-{board_b}-board_id", "654321")),
    ),
    "ext_add": Row("/me/transcript/external/add/"),
    "ext_edit_b": Row("/me/transcript/external/{ext_b}/edit/"),
    "ext_delete_b": Row("/me/transcript/external/{ext_b}/delete/"),
    "ext_delete_b_post": Row("/me/transcript/external/{ext_b}/delete/", "post"),
    "ext_cert_b": Row("/me/transcript/external/{ext_b}/certificate/"),
    "ext_media_b": Row("/media/{ext_b_file}"),
    "cycle_add": Row("/me/transcript/cycles/add/"),
    "cycle_edit_b": Row("/me/transcript/cycles/{cycle_b}/edit/"),
    "cycle_delete_b": Row("/me/transcript/cycles/{cycle_b}/delete/"),
    "cycle_delete_b_post": Row("/me/transcript/cycles/{cycle_b}/delete/", "post"),
    # Wagtail admin: home, pages.
    "admin": Row("/admin/"),
    "admin_account": Row("/admin/account/"),
    "explorer": Row("/admin/pages/"),
    "explorer_guides": Row("/admin/pages/{guides_index}/"),
    "edit_guide_a": Row("/admin/pages/{guide_a}/edit/"),
    "edit_guide_b": Row("/admin/pages/{guide_b}/edit/"),
    "history_guide_b": Row("/admin/pages/{guide_b}/history/"),
    "edit_path_a": Row("/admin/pages/{path_a}/edit/"),
    "edit_path_b": Row("/admin/pages/{path_b}/edit/"),
    "add_subpage_guides": Row("/admin/pages/{guides_index}/add_subpage/"),
    "add_guide": Row("/admin/pages/add/cms/guidepage/{guides_index}/"),
    # Snippets: mentors and institutions.
    "mentor_list": Row(
        "/admin/snippets/cms/mentor/",
        extra_forbidden=(("men_a", "Ben Brooks"), ("men_b", "Ana Alvarez")),
    ),
    "mentor_edit_a": Row("/admin/snippets/cms/mentor/edit/{mentor_a}/"),
    "mentor_edit_b": Row("/admin/snippets/cms/mentor/edit/{mentor_b}/"),
    "mentor_history_b": Row("/admin/snippets/cms/mentor/history/{mentor_b}/"),
    "mentor_history_results_b": Row("/admin/snippets/cms/mentor/history-results/{mentor_b}/"),
    "mentor_compare_b": Row(
        "/admin/snippets/cms/mentor/history/{mentor_b}/revisions/compare/earliest...latest/",
        extra_forbidden=(("men_a", "Acme Pharma"),),
    ),
    "mentor_usage_b": Row("/admin/snippets/cms/mentor/usage/{mentor_b}/"),
    "inst_list": Row(
        "/admin/snippets/cms/institution/",
        extra_forbidden=(("stf_a", "Birchfield"), ("stf_b", "Alderbank")),
    ),
    "inst_edit_a": Row("/admin/snippets/cms/institution/edit/{inst_a}/"),
    "inst_edit_b": Row("/admin/snippets/cms/institution/edit/{inst_b}/"),
    "inst_history_b": Row("/admin/snippets/cms/institution/history/{inst_b}/"),
    "inst_compare_b": Row(
        "/admin/snippets/cms/institution/history/{inst_b}/revisions/compare/earliest...latest/",
        extra_forbidden=(("stf_a", "Dr Olde Signatory"),),
    ),
    "inst_usage_b": Row("/admin/snippets/cms/institution/usage/{inst_b}/"),
    # Learner records (read-only viewsets).
    "enrolment_list": Row("/admin/enrolment/"),
    "enrolment_a": Row("/admin/enrolment/inspect/{enrolment_a}/"),
    "stepcompletion_list": Row("/admin/stepcompletion/"),
    "stepcompletion_a": Row("/admin/stepcompletion/inspect/{stepcompletion_a}/"),
    "testattempt_list": Row("/admin/testattempt/"),
    "testattempt_a": Row("/admin/testattempt/inspect/{testattempt_a}/"),
    "creditclaim_list": Row("/admin/creditclaim/"),
    "creditclaim_a": Row("/admin/creditclaim/inspect/{creditclaim_a}/"),
    "creditclaim_b": Row("/admin/creditclaim/inspect/{creditclaim_b}/"),
    "certificate_list": Row("/admin/certificate/"),
    "certificate_a": Row("/admin/certificate/inspect/{cert_a}/"),
    "certificate_b": Row("/admin/certificate/inspect/{cert_b}/"),
    "certificate_edit_a": Row("/admin/certificate/edit/{cert_a}/"),
    "certificateevent_list": Row("/admin/certificateevent/"),
    "certificateevent_a": Row("/admin/certificateevent/inspect/{certificateevent_a}/"),
    # Institution staff views: issue, revoke, reissue, reports, PARS.
    "issue": Row("/admin/certificates/issue/"),
    "revoke_a": Row("/admin/certificates/{cert_a}/revoke/"),
    "revoke_a_post": Row(
        "/admin/certificates/{cert_a}/revoke/", "post", (("reason", "Matrix check"),)
    ),
    "reissue_a": Row("/admin/certificates/{cert_a}/reissue/"),
    "reports": Row("/admin/cme-reports/"),
    "report_a": Row("/admin/cme-reports/{path_a}/"),
    "report_b": Row("/admin/cme-reports/{path_b}/"),
    "reports_csv": Row("/admin/cme-reports/summary.csv"),
    # A path's report as CSV and its learners' drill-down (learning.reports).
    "report_a_csv": Row("/admin/cme-reports/{path_a}/report.csv"),
    "report_b_csv": Row("/admin/cme-reports/{path_b}/report.csv"),
    "learners_a": Row("/admin/cme-reports/{path_a}/learners/"),
    # A mentoring programme's report and its CSV: its institution's staff only.
    "prog_report_a": Row("/admin/mentoring/programmes/{prog_rep_a}/report/"),
    "prog_report_a_csv": Row("/admin/mentoring/programmes/{prog_rep_a}/report.csv"),
    "learners_b": Row("/admin/cme-reports/{path_b}/learners/"),
    # Claim extensions (learning.journey.extension_admin): doctor A has already
    # claimed, so staff A's POST comes back with the form's error.
    "extensions": Row("/admin/cme-reports/extensions/"),
    "extensions_post_a": Row(
        "/admin/cme-reports/extensions/",
        "post",
        (
            ("path", "{path_a}"),
            ("learner", "doctor-a"),
            ("until", "2099-01-01"),
            ("reason", "Matrix check"),
        ),
    ),
    # PARS report batches (learning.reporting): the list, the validation page
    # (GET, and POST that makes the batch: refused, nothing new), a batch and
    # its files, the activity export, and "ask the learner".
    "batches": Row("/admin/cme-reports/batches/"),
    "batch_new_a": Row("/admin/cme-reports/batches/new/?institution={inst_a}&body=CME"),
    "batch_new_b": Row("/admin/cme-reports/batches/new/?institution={inst_b}&body=ABIM"),
    "batch_new_a_post": Row(
        "/admin/cme-reports/batches/new/", "post", (("institution", "{inst_a}"), ("body", "CME"))
    ),
    "batch_a": Row("/admin/cme-reports/batches/{batch_a}/"),
    "batch_b": Row("/admin/cme-reports/batches/{batch_b}/"),
    "batch_a_xlsx": Row("/admin/cme-reports/batches/{batch_a}/learners.xlsx"),
    "batch_a_json": Row("/admin/cme-reports/batches/{batch_a}/learners.json"),
    "batch_b_xlsx": Row("/admin/cme-reports/batches/{batch_b}/learners.xlsx"),
    "batch_b_json": Row("/admin/cme-reports/batches/{batch_b}/learners.json"),
    "activities": Row("/admin/cme-reports/activities.xlsx"),
    # The learners' drill-down and a batch's rows, a page at a time (?page=):
    # the page number changes nothing about who may see them.
    "learners_b_page": Row("/admin/cme-reports/{path_b}/learners/?page=2"),
    "batch_b_page": Row("/admin/cme-reports/batches/{batch_b}/?page=2"),
    "ask_a": Row("/admin/cme-reports/batches/ask/{cert_a}/"),
    "ask_a_post": Row("/admin/cme-reports/batches/ask/{cert_a}/", "post"),
    "ask_b_post": Row("/admin/cme-reports/batches/ask/{cert_b}/", "post"),
    # Wagtail's own admin areas.
    "users": Row("/admin/users/"),
    "user_edit_doc_a": Row("/admin/users/edit/{doc_a}/"),
    "groups": Row("/admin/groups/"),
    "site_settings": Row("/admin/settings/cms/siteidentity/"),
    "workflows": Row("/admin/workflows/list/"),
    "workflow_tasks": Row("/admin/workflows/tasks/index/"),
    "report_locked": Row("/admin/reports/locked/"),
    "report_workflow": Row("/admin/reports/workflow/"),
    "report_workflow_tasks": Row("/admin/reports/workflow_tasks/"),
    "report_page_types": Row("/admin/reports/page-types-usage/"),
    "report_site_history": Row("/admin/reports/site-history/"),
    "report_aging": Row("/admin/reports/aging-pages/"),
    "images": Row("/admin/images/"),
    "documents": Row("/admin/documents/"),
    "collections": Row("/admin/collections/"),
    "sites": Row("/admin/sites/"),
    "redirects": Row("/admin/redirects/"),
    "forms": Row("/admin/forms/"),
    "admin_api_pages": Row("/admin/api/main/pages/"),
    # Disclosures (the person or CME staff) and relevance and mitigation (CME reviewers).
    "cme_people": Row(
        "/admin/cme/people/",
        extra_forbidden=(("men_a", "Ben Brooks"), ("men_b", "Ana Alvarez")),
    ),
    "disclosures_b": Row("/admin/cme/people/{mentor_b}/"),
    "disclose_b": Row("/admin/cme/people/{mentor_b}/disclose/"),
    "disclose_b_post": Row(
        "/admin/cme/people/{mentor_b}/disclose/",
        "post",
        (
            ("rel-TOTAL_FORMS", "0"),
            ("rel-INITIAL_FORMS", "0"),
            ("none_to_disclose", "on"),
            ("given_on", "2026-01-05"),
            ("signed_name", "Ben Brooks"),
            ("attest", "on"),
        ),
    ),
    "cme_content": Row("/admin/cme/content/"),
    "cme_content_path_a": Row("/admin/cme/content/{path_a}/"),
    "cme_content_guide_c": Row("/admin/cme/content/{guide_c}/"),
    "cme_content_guide_c_post": Row(
        "/admin/cme/content/{guide_c}/",
        "post",
        (
            ("kind", "decision"),
            ("page", "{guide_c}"),
            ("target", "{rel_c}"),
            ("d-{guide_c}-{rel_c}-relevant", "no"),
            ("d-{guide_c}-{rel_c}-reason", "Matrix check"),
        ),
    ),
    **MENTORING_ROWS,
}
