"""The matrix's policy: the expected answer of every URL (row) for every role
(column), as a table (EXPECTED_TABLE) parsed into EXPECTED, and the cases
test_matrix.py runs (CASES). A new URL gets a line here, at the place of its
row in ROWS (rows.py). Where the redirect codes lead: answers.py."""

from .axes import ROLES

# ---------------------------------------------------------------------------
# The policy: the expected answer of every URL for every role.
#
#   200 403 404 405  that status
#   login   302 to the log-in page with ?next=<this URL>
#   me      302 to /me/ (signed in, but no admin access: curbside.security)
#   admin   302 to /admin/ (Wagtail's "no permission" redirect, with a message)
#   path    302 to path A's page      cont   302 to path A's continue/
#   loginp  302 to the log-in page with ?next=<path A's page> (enrols on log-in)
#   tres    302 to path A's post-test result
#   xhome   302 to the explorer at the home page
#   xpaths  302 to the explorer at /paths/
#   addg    302 to "add a guide" under /guides/ (the only page type allowed)
#   inspA   302 to the admin inspect view of certificate A (after revoking it)
#   sett    302 to the site settings of the default site
#   discB   302 to mentor B's disclosure history (after signing a new one)
#   decC    302 to guide C's relevance screen, at the decision just recorded
#   batch   302 to the PARS report batches (after "ask the learner")
#   rep     302 to /me/profile/reporting/     trans  302 to /me/transcript/
#   mprog   302 to the mentoring programme A's page   msugg  302 to its suggestions
#   mprofj  302 to the mentee profile, to join programme A on saving
#   mreq    302 to /mentoring/requests/
#   msse    302 to pair A's ended relationship's session (a refused delete, with a message)
#   gask    302 to guide A's "Ask the author" (its author does not ask)
#   cqp cqv 302 to the public / private consult question (cqpa, cqva: at its answers)
#   faqA    302 to guide A's editor (the FAQ draft was made)
#   crel    302 to the pair's private questions   crep  302 to the consult report
#   cmodq   302 to the public consult questions in the admin, at the question

EXPECTED_TABLE = """
row                      anon  doc_a doc_b men_a men_b rev   stf_a stf_b su
home                     200   200   200   200   200   200   200   200   200
guides                   200   200   200   200   200   200   200   200   200
guide_a                  200   200   200   200   200   200   200   200   200
guide_a_in_path          200   200   200   200   200   200   200   200   200
paths                    200   200   200   200   200   200   200   200   200
path_a                   200   200   200   200   200   200   200   200   200
path_a_enrol             path  path  path  path  path  path  path  path  path
path_a_enrol_post        loginp cont cont  cont  cont  cont  cont  cont  cont
path_a_continue          login path  path  path  path  path  path  path  path
path_a_step              405   405   405   405   405   405   405   405   405
path_a_step_post         login path  path  path  path  path  path  path  path
path_a_test              login tres  path  path  path  path  path  path  path
path_a_test_result       login 200   path  path  path  path  path  path  path
path_a_evaluation        login path  path  path  path  path  path  path  path
path_a_claim             login path  path  path  path  path  path  path  path
mentors                  200   200   200   200   200   200   200   200   200
mentor_a                 200   200   200   200   200   200   200   200   200
search                   200   200   200   200   200   200   200   200   200
suggest                  200   200   200   200   200   200   200   200   200
verify_form              200   200   200   200   200   200   200   200   200
verify_a                 200   200   200   200   200   200   200   200   200
healthz                  200   200   200   200   200   200   200   200   200
privacy_deleted          200   200   200   200   200   200   200   200   200
privacy_policy           200   200   200   200   200   200   200   200   200
django_admin             404   404   404   404   404   404   404   404   404
me                       login 200   200   200   200   200   200   200   200
me_profile               login 200   200   200   200   200   200   200   200
me_transcript            login 200   200   200   200   200   200   200   200
me_transcript_csv        login 200   200   200   200   200   200   200   200
me_transcript_pdf        login 200   200   200   200   200   200   200   200
cert_a_pdf               login 200   404   404   404   404   200   404   200
cert_b_pdf               login 404   200   404   404   404   404   200   200
cert_a_media             404   404   404   404   404   404   404   404   404
me_privacy               login 200   200   200   200   200   200   200   200
me_privacy_export        login 200   200   200   200   200   200   200   200
me_privacy_delete        login 200   200   200   200   200   200   200   200
notes_inbox              login 200   200   200   200   200   200   200   200
notes_read               login inbox inbox inbox inbox inbox inbox inbox inbox
notes_settings           login 200   200   200   200   200   200   200   200
notes_settings_post      login nset  nset  nset  nset  nset  nset  nset  nset
unsub_a                  200   200   200   200   200   200   200   200   200
unsub_a_post             200   200   200   200   200   200   200   200   200
unsub_forged             404   404   404   404   404   404   404   404   404
mfa                      login 200   200   200   200   200   200   200   200
me_reporting             login 200   200   200   200   200   200   200   200
rep_lic_b_remove         login 404   rep   404   404   404   404   404   404
rep_board_b_change       login 404   rep   404   404   404   404   404   404
ext_add                  login 200   200   200   200   200   200   200   200
ext_edit_b               login 404   200   404   404   404   404   404   404
ext_delete_b             login 404   200   404   404   404   404   404   404
ext_delete_b_post        login 404   trans 404   404   404   404   404   404
ext_cert_b               login 404   200   404   404   404   404   404   404
ext_media_b              404   404   404   404   404   404   404   404   404
cycle_add                login 200   200   200   200   200   200   200   200
cycle_edit_b             login 404   200   404   404   404   404   404   404
cycle_delete_b           login 404   200   404   404   404   404   404   404
cycle_delete_b_post      login 404   trans 404   404   404   404   404   404
admin                    login me    me    200   200   200   200   200   200
admin_account            login me    me    200   200   200   200   200   200
explorer                 login me    me    xhome xhome xhome xpaths xpaths 200
explorer_guides          login me    me    200   200   200   xpaths xpaths 200
edit_guide_a             login me    me    200   admin 200   admin admin 200
edit_guide_b             login me    me    admin 200   200   admin admin 200
history_guide_b          login me    me    admin 200   200   admin admin 200
edit_path_a              login me    me    admin admin 200   200   admin 200
edit_path_b              login me    me    admin admin 200   admin 200   200
add_subpage_guides       login me    me    addg  addg  admin admin admin addg
add_guide                login me    me    200   200   admin admin admin 200
mentor_list              login me    me    200   200   200   200   200   200
mentor_edit_a            login me    me    200   admin admin admin admin 200
mentor_edit_b            login me    me    admin 200   admin admin admin 200
mentor_history_b         login me    me    admin 200   admin admin admin 200
mentor_history_results_b login me    me    admin 200   admin admin admin 200
mentor_compare_b         login me    me    admin 200   admin admin admin 200
mentor_usage_b           login me    me    admin 200   admin admin admin 200
inst_list                login me    me    200   200   200   200   200   200
inst_edit_a              login me    me    admin admin admin 200   admin 200
inst_edit_b              login me    me    admin admin admin admin 200   200
inst_history_b           login me    me    admin admin admin admin 200   200
inst_compare_b           login me    me    admin admin admin admin 200   200
inst_usage_b             login me    me    admin admin admin admin 200   200
enrolment_list           login me    me    admin admin admin 200   200   200
enrolment_a              login me    me    404   404   404   200   404   200
stepcompletion_list      login me    me    admin admin admin 200   200   200
stepcompletion_a         login me    me    404   404   404   200   404   200
testattempt_list         login me    me    admin admin admin 200   200   200
testattempt_a            login me    me    404   404   404   200   404   200
creditclaim_list         login me    me    admin admin admin 200   200   200
creditclaim_a            login me    me    404   404   404   200   404   200
creditclaim_b            login me    me    404   404   404   404   200   200
certificate_list         login me    me    admin admin admin 200   200   200
certificate_a            login me    me    404   404   404   200   404   200
certificate_b            login me    me    404   404   404   404   200   200
certificate_edit_a       login me    me    admin admin admin admin admin admin
certificateevent_list    login me    me    admin admin admin 200   200   200
certificateevent_a       login me    me    404   404   404   200   404   200
issue                    login me    me    404   404   404   200   200   200
revoke_a                 login me    me    404   404   404   200   404   200
revoke_a_post            login me    me    404   404   404   inspA 404   inspA
reissue_a                login me    me    404   404   404   200   404   200
reports                  login me    me    404   404   404   200   200   200
report_a                 login me    me    404   404   404   200   404   200
report_b                 login me    me    404   404   404   404   200   200
reports_csv              login me    me    404   404   404   200   200   200
report_a_csv             login me    me    404   404   404   200   404   200
report_b_csv             login me    me    404   404   404   404   200   200
learners_a               login me    me    404   404   404   200   404   200
prog_report_a            login me    me    404   404   404   200   404   200
prog_report_a_csv        login me    me    404   404   404   200   404   200
learners_b               login me    me    404   404   404   404   200   200
extensions               login me    me    404   404   404   200   200   200
extensions_post_a        login me    me    404   404   404   200   404   200
batches                  login me    me    404   404   404   200   200   200
batch_new_a              login me    me    404   404   404   200   404   200
batch_new_b              login me    me    404   404   404   404   200   200
batch_new_a_post         login me    me    404   404   404   200   404   200
batch_a                  login me    me    404   404   404   200   404   200
batch_b                  login me    me    404   404   404   404   200   200
batch_a_xlsx             login me    me    404   404   404   200   404   200
batch_a_json             login me    me    404   404   404   200   404   200
batch_b_xlsx             login me    me    404   404   404   404   200   200
batch_b_json             login me    me    404   404   404   404   200   200
activities               login me    me    404   404   404   200   200   200
learners_b_page          login me    me    404   404   404   404   200   200
batch_b_page             login me    me    404   404   404   404   200   200
ask_a                    login me    me    404   404   404   405   404   405
ask_a_post               login me    me    404   404   404   batch 404   batch
ask_b_post               login me    me    404   404   404   404   batch batch
users                    login me    me    admin admin admin admin admin 200
user_edit_doc_a          login me    me    admin admin admin admin admin 200
groups                   login me    me    admin admin admin admin admin 200
site_settings            login me    me    admin admin admin admin admin sett
workflows                login me    me    admin admin admin admin admin 200
workflow_tasks           login me    me    admin admin admin admin admin 200
report_locked            login me    me    admin admin 200   admin admin 200
report_workflow          login me    me    200   200   200   200   200   200
report_workflow_tasks    login me    me    200   200   200   200   200   200
report_page_types        login me    me    200   200   200   200   200   200
report_site_history      login me    me    200   200   200   200   200   200
report_aging             login me    me    200   200   200   200   200   200
images                   login me    me    200   200   admin 200   200   200
documents                login me    me    200   200   admin admin admin 200
collections              login me    me    admin admin admin admin admin 200
sites                    login me    me    admin admin admin admin admin 200
redirects                login me    me    admin admin admin admin admin 200
forms                    login me    me    200   200   200   200   200   200
admin_api_pages          login me    me    200   200   200   200   200   200
cme_people               login me    me    200   200   200   200   200   200
disclosures_b            login me    me    admin 200   200   200   200   200
disclose_b               login me    me    admin 200   200   200   200   200
disclose_b_post          login me    me    admin discB discB discB discB discB
cme_content              login me    me    admin admin 200   admin admin 200
cme_content_path_a       login me    me    admin admin 200   admin admin 200
cme_content_guide_c      login me    me    admin admin 200   admin admin 200
cme_content_guide_c_post login me    me    admin admin decC  admin admin decC
mentoring                200   200   200   200   200   200   200   200   200
mentoring_prog_a         200   200   200   200   200   200   200   200   200
mentoring_profile        login 200   200   200   200   200   200   200   200
mentoring_offer          login 200   200   200   200   200   200   200   200
mentoring_requests       login 200   200   200   200   200   200   200   200
mentoring_suggest_a      login 200   mprog mprog mprog mprog mprog mprog mprog
mentoring_join_a         login 405   405   405   405   405   405   405   405
mentoring_join_a_post    login msugg mprofj mprofj mprofj mprofj mprofj mprofj mprofj
mentoring_leave_a_post   login mprog mprog mprog mprog mprog mprog mprog mprog
mentoring_ask_a_post     login mreq  mprog mprog mprog mprog mprog mprog mprog
mentoring_accept_post    login 404   404   mreq  404   404   404   404   404
mentoring_decline_post   login 404   404   mreq  404   404   404   404   404
mentoring_withdraw_post  login mreq  404   404   404   404   404   404   404
mentoring_admin          login me    me    admin admin admin 200   200   200
mentoring_admin_add      login me    me    admin admin admin 200   200   200
mentoring_admin_edit_a   login me    me    admin admin admin 200   404   200
mentoring_cohort_a       login me    me    404   404   404   200   404   200
ms_space                 login 200   404   200   404   404   404   404   404
ms_agreement             login 200   404   200   404   404   404   404   404
ms_agreement_post        login msp   404   msp   404   404   404   404   404
ms_accept_post           login msp   404   msp   404   404   404   404   404
ms_goal_add              login 200   404   200   404   404   404   404   404
ms_goal_add_post         login msp   404   msp   404   404   404   404   404
ms_goal                  login 200   404   200   404   404   404   404   404
ms_goal_post             login msg   404   msg   404   404   404   404   404
ms_session_add           login 200   404   200   404   404   404   404   404
ms_session_add_post      login 200   404   200   404   404   404   404   404
ms_session               login 200   404   200   404   404   404   404   404
ms_session_post          login mss   404   mss   404   404   404   404   404
ms_session_other         login 404   404   404   404   404   404   404   404
ms_session_edit          login 200   404   200   404   404   404   404   404
ms_session_edit_post     login mss   404   mss   404   404   404   404   404
ms_cancel_post           login mss   404   mss   404   404   404   404   404
ms_held_post             login mss   404   mss   404   404   404   404   404
ms_note_delete_post      login mss   404   404   404   404   404   404   404
ms_invite                login 200   404   200   404   404   404   404   404
ms_close                 login 200   404   200   404   404   404   404   404
ms_close_post            login msp   404   msp   404   404   404   404   404
ms_rematch_post          login msp   404   msp   404   404   404   404   404
ms_ended_session         login 200   404   200   404   404   404   404   404
ms_ended_delete_post     login msse  404   404   404   404   404   404   404
consult_ask_a            login 200   200   gask  200   200   200   200   200
consult_ask_a_post       login 400   400   gask  400   400   400   400   400
consult_q_pub            200   200   200   200   200   200   200   200   200
consult_q_priv           404   404   200   404   200   404   404   404   404
consult_answer_get       login 405   405   405   405   405   405   405   405
consult_answer_post      login cqp   cqp   cqpa  cqpa  cqp   cqp   cqp   cqp
consult_answer_priv_post login 404   cqv   404   cqva  404   404   404   404
consult_report_q_pub     login cqp   200   200   200   200   200   200   200
consult_report_a_pub     login 200   200   cqp   200   200   200   200   200
consult_report_a_post    login cqp   cqp   cqp   cqp   cqp   cqp   cqp   cqp
consult_report_q_priv    login 404   cqv   404   200   404   404   404   404
consult_faq_post         login cqp   cqp   faqA  cqp   cqp   cqp   cqp   cqp
consult_rel_b            login 404   200   404   200   404   404   404   404
consult_rel_b_post       login 404   400   404   crel  404   404   404   404
consult_mod_reports      login me    me    404   404   404   200   200   200
consult_mod_report       login me    me    404   404   404   200   200   200
consult_mod_report_post  login me    me    404   404   404   crep  crep  crep
consult_mod_questions    login me    me    404   404   404   200   200   200
consult_mod_hide_pub     login me    me    404   404   404   cmodq cmodq cmodq
consult_mod_hide_priv    login me    me    404   404   404   404   404   404
"""


def parse_table(text):
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[1:] == ROLES, header
    return {
        (cells[0], role): code
        for cells in rows
        for role, code in zip(ROLES, cells[1:], strict=True)
    }


EXPECTED = parse_table(EXPECTED_TABLE)
ROW_KEYS = list(dict.fromkeys(key for key, _ in EXPECTED))
CASES = [(key, role) for key in ROW_KEYS for role in ROLES]
