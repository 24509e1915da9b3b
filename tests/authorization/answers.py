"""What the expected table's codes mean (table.py): where each redirect code
leads (REDIRECTS), the (status, Location) of a code (expected_answer), and
the strings some 200 answers must show (MUST_SHOW)."""

from urllib.parse import urlencode

from .mentoring_rows import MENTORING_MESSAGE
from .mentoring_world import (
    SPACE_ENDED_SHARED_A,
    SPACE_PRIVATE_DOC_A,
    SPACE_PRIVATE_MEN_A,
    SPACE_SHARED_A,
)

REDIRECTS = {
    "me": "/me/",
    "admin": "/admin/",
    "path": "{path_a_url}",
    "cont": "{path_a_url}continue/",
    "tres": "{path_a_url}test/result/",
    "xhome": "/admin/pages/{home}/",
    "xpaths": "/admin/pages/{paths_index}/",
    "addg": "/admin/pages/add/cms/guidepage/{guides_index}/",
    "inspA": "/admin/certificate/inspect/{cert_a}/",
    "sett": "/admin/settings/cms/siteidentity/{site}/",
    "discB": "/admin/cme/people/{mentor_b}/",
    "decC": "/admin/cme/content/{guide_c}/#d-{guide_c}-{rel_c}",
    "batch": "/admin/cme-reports/batches/",
    "rep": "/me/profile/reporting/",
    "trans": "/me/transcript/",
    "inbox": "/me/notifications/",
    "nset": "/me/notifications/settings/",
    "mprog": "/mentoring/alder-mentoring/",
    "msugg": "/mentoring/alder-mentoring/suggestions/",
    "mprofj": "/mentoring/profile/?join=alder-mentoring",
    "mreq": "/mentoring/requests/",
    "msp": "/mentoring/space/{rel_a}/",
    "msg": "/mentoring/space/{rel_a}/goals/{goal_a}/",
    "mss": "/mentoring/space/{rel_a}/sessions/{sess_a}/",
    "msse": "/mentoring/space/{rel_end}/sessions/{sess_end}/",
    "gask": "{guide_a_url}#ask-the-author",
    "cqp": "/consults/questions/{cq_pub}/",
    "cqpa": "/consults/questions/{cq_pub}/#answers",
    "cqv": "/consults/questions/{cq_priv}/",
    "cqva": "/consults/questions/{cq_priv}/#answers",
    "faqA": "/admin/pages/{guide_a}/edit/",
    "crel": "/consults/relationships/{rel_b}/",
    "crep": "/admin/consults/reports/{creport}/",
    "cmodq": "/admin/consults/questions/#q-{cq_pub}",
}

# Strings a role's 200 answer must contain: proof that the "must not contain"
# checks look at pages that do show learner data to those entitled to it.
MUST_SHOW = {
    ("me_transcript", "doc_a"): ["{number_a}"],
    ("me_transcript", "doc_b"): ["{number_b}", "Bob&#x27;s outside course"],
    ("ext_edit_b", "doc_b"): ["Elsewhere CME"],
    ("certificate_list", "stf_a"): ["Alice Able"],
    ("certificate_list", "stf_b"): ["Bob Baker"],
    ("certificate_list", "su"): ["Alice Able", "Bob Baker"],
    ("creditclaim_list", "stf_a"): ["Alice Able", "Path Alpha"],
    ("verify_a", "anon"): ["Alice Able"],
    ("mentor_list", "men_a"): ["Ana Alvarez"],
    ("mentor_compare_b", "men_b"): ["Acme Pharma"],
    ("inst_compare_b", "stf_b"): ["Dr Olde Signatory"],
    ("batch_a", "stf_a"): ["Alice Able", "{number_a}"],
    ("learners_a", "stf_a"): ["Alice Able", "{number_a}"],
    ("learners_b", "su"): ["Bob Baker", "{number_b}"],
    ("batch_b", "su"): ["Bob Baker", "{number_b}"],
    ("learners_b_page", "stf_b"): ["Bob Baker", "{number_b}"],
    ("batch_b_page", "stf_b"): ["Bob Baker", "{number_b}"],
    ("batch_a_json", "stf_a"): ["Alice", "{number_a}"],
    ("notes_inbox", "doc_a"): ["Alpha reminder for Alice"],
    ("notes_inbox", "doc_b"): ["Beta reminder for Bob"],
    ("mentoring_requests", "doc_a"): [MENTORING_MESSAGE, "both trained abroad"],
    ("mentoring_requests", "men_a"): [MENTORING_MESSAGE],
    ("mentoring_suggest_a", "doc_a"): ["trained abroad"],
    ("mentoring_admin", "stf_a"): ["Alderbank mentoring"],
    ("ms_space", "doc_a"): [SPACE_SHARED_A, SPACE_PRIVATE_DOC_A],
    ("ms_space", "men_a"): [SPACE_SHARED_A, SPACE_PRIVATE_MEN_A],
    ("ms_session", "doc_a"): [SPACE_SHARED_A, SPACE_PRIVATE_DOC_A],
    ("ms_session", "men_a"): [SPACE_SHARED_A, SPACE_PRIVATE_MEN_A],
    ("ms_invite", "men_a"): ["BEGIN:VCALENDAR", "METHOD:REQUEST"],
    ("ms_ended_session", "doc_a"): [SPACE_ENDED_SHARED_A, "notes are read-only"],
    ("ms_ended_session", "men_a"): [SPACE_ENDED_SHARED_A, "notes are read-only"],
    ("consult_q_pub", "anon"): ["Matrix public question", "Matrix answer"],
    ("consult_q_priv", "men_b"): ["Matrix private question"],
    ("consult_rel_b", "doc_b"): ["Matrix private question"],
    ("consult_mod_report", "stf_b"): ["Matrix answer"],
    ("consult_mod_questions", "su"): ["Matrix public question"],
}


def login_redirect(url):
    return "/accounts/login/?" + urlencode({"next": url}, safe="/")


def expected_answer(code, url, ids):
    """(status, Location or None) for a code of the table."""
    if code.isdigit():
        return int(code), None
    if code == "login":
        return 302, login_redirect(url)
    if code == "loginp":  # log in, then back to path A's page (enrolling on the way)
        return 302, login_redirect(ids["path_a_url"])
    return 302, REDIRECTS[code].format(**ids)
