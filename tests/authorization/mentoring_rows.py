"""The matrix's last rows, in the table's order: mentoring (programmes,
profiles, requests, the staff's programmes and cohort table), the mentoring
relationship's private space and Curbside consults (MENTORING_ROWS, the end
of ROWS in rows.py)."""

from .axes import ROLES, Row
from .mentoring_world import (
    SPACE_ENDED_SHARED_A,
    SPACE_PRIVATE_DOC_A,
    SPACE_PRIVATE_DOC_B,
    SPACE_PRIVATE_MEN_A,
    SPACE_SHARED_A,
)

MENTORING_MESSAGE = "Matrix hello from doctor A"
# A mentee's private wish never reaches a public mentoring page.
_NOT_PUBLIC = tuple((role, "trained abroad") for role in ROLES)


def _space_row(url, method="get", data=(), public_identity=False):
    """A row of the space: nobody but its author sees a private note, and
    nobody outside pair A sees pair A's shared note."""
    private = tuple(
        (role, text)
        for role in ROLES
        for text, author in (
            (SPACE_PRIVATE_DOC_A, "doc_a"),
            (SPACE_PRIVATE_MEN_A, "men_a"),
            (SPACE_PRIVATE_DOC_B, "doc_b"),
        )
        if role != author
    ) + tuple((role, SPACE_SHARED_A) for role in ROLES if role not in ("doc_a", "men_a"))
    if public_identity:  # the invitation names both members by design
        private += tuple(
            (role, text) for role in ("doc_a", "men_a") for text in ("Bob Baker", "doctor-b")
        )
    return Row(url, method, data, public_identity=public_identity, extra_forbidden=private)


MENTORING_ROWS = {
    # Mentoring (helper M1's block): public programmes, personal pages, the
    # mentor's answer, and the staff's programmes and cohort table. Doctor A's
    # message and private wish ("trained abroad") reach only doctor A, mentor A
    # and the programme's staff.
    "mentoring": Row("/mentoring/", extra_forbidden=_NOT_PUBLIC),
    "mentoring_prog_a": Row("/mentoring/alder-mentoring/", extra_forbidden=_NOT_PUBLIC),
    "mentoring_profile": Row("/mentoring/profile/"),
    "mentoring_offer": Row("/mentoring/offer/"),
    "mentoring_requests": Row(
        "/mentoring/requests/",
        extra_forbidden=tuple((r, MENTORING_MESSAGE) for r in ROLES if r not in ("doc_a", "men_a")),
    ),
    "mentoring_suggest_a": Row("/mentoring/alder-mentoring/suggestions/"),
    "mentoring_join_a": Row("/mentoring/alder-mentoring/join/mentee/"),
    "mentoring_join_a_post": Row("/mentoring/alder-mentoring/join/mentee/", "post"),
    "mentoring_leave_a_post": Row("/mentoring/alder-mentoring/leave/mentee/", "post"),
    "mentoring_ask_a_post": Row("/mentoring/alder-mentoring/ask/{men_a_user}/", "post"),
    "mentoring_accept_post": Row("/mentoring/requests/{mreq_a}/accept/", "post"),
    "mentoring_decline_post": Row("/mentoring/requests/{mreq_a}/decline/", "post"),
    "mentoring_withdraw_post": Row("/mentoring/requests/{mreq_a}/withdraw/", "post"),
    "mentoring_admin": Row(
        "/admin/mentoring/programmes/", extra_forbidden=(("stf_b", "Alderbank mentoring"),)
    ),
    "mentoring_admin_add": Row("/admin/mentoring/programmes/new/"),
    "mentoring_admin_edit_a": Row("/admin/mentoring/programmes/edit/{prog_a}/"),
    "mentoring_cohort_a": Row("/admin/mentoring/programmes/{prog_a}/cohort/"),
    # Mentoring relationship space (helper M2's block): pair A's space.
    "ms_space": _space_row("/mentoring/space/{rel_a}/"),
    "ms_agreement": _space_row("/mentoring/space/{rel_a}/agreement/"),
    "ms_agreement_post": _space_row(
        "/mentoring/space/{rel_a}/agreement/",
        "post",
        (("goals", "Nights"), ("cadence", "weekly"), ("contact", ""), ("confidentiality", "Ok")),
    ),
    "ms_accept_post": _space_row(
        "/mentoring/space/{rel_a}/agreement/accept/", "post", (("version", "1"),)
    ),
    "ms_goal_add": _space_row("/mentoring/space/{rel_a}/goals/add/"),
    "ms_goal_add_post": _space_row(
        "/mentoring/space/{rel_a}/goals/add/", "post", (("title", "Audit"), ("topic", "practice"))
    ),
    "ms_goal": _space_row("/mentoring/space/{rel_a}/goals/{goal_a}/"),
    "ms_goal_post": _space_row(
        "/mentoring/space/{rel_a}/goals/{goal_a}/",
        "post",
        (("action", "check-in"), ("c-note", "Going well"), ("c-progress", "50")),
    ),
    "ms_session_add": _space_row("/mentoring/space/{rel_a}/sessions/add/"),
    "ms_session_add_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/add/",
        "post",
        (("date", "2001-01-01"), ("time", "10:00"), ("minutes", "60")),
    ),
    "ms_session": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/"),
    "ms_session_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/",
        "post",
        (("text", "A new shared note"), ("visibility", "shared")),
    ),
    "ms_session_other": _space_row("/mentoring/space/{rel_a}/sessions/{sess_b}/"),
    "ms_session_edit": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/edit/"),
    "ms_session_edit_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/edit/",
        "post",
        (("date", "{sess_day}"), ("time", "10:00"), ("minutes", "45")),
    ),
    "ms_cancel_post": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/cancel/", "post"),
    "ms_held_post": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/held/", "post"),
    "ms_note_delete_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/notes/{note_a}/delete/", "post"
    ),
    "ms_invite": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/invite.ics", public_identity=True
    ),
    "ms_close": _space_row("/mentoring/space/{rel_a}/close/"),
    "ms_close_post": _space_row(
        "/mentoring/space/{rel_a}/close/",
        "post",
        (("reason", "no_time"), ("rating", "4"), ("would_recommend", "yes")),
    ),
    "ms_rematch_post": _space_row("/mentoring/space/{rel_a}/rematch/", "post"),
    # Pair A's ended relationship: its notes are read, never deleted (no
    # control is shown; a hand-made POST is refused with a message).
    "ms_ended_session": Row(
        "/mentoring/space/{rel_end}/sessions/{sess_end}/",
        extra_forbidden=tuple(
            (role, text)
            for role in ("doc_a", "men_a")
            for text in ("Delete my note", "/delete/", "Save note")
        )
        + tuple((r, SPACE_ENDED_SHARED_A) for r in ROLES if r not in ("doc_a", "men_a")),
    ),
    "ms_ended_delete_post": Row(
        "/mentoring/space/{rel_end}/sessions/{sess_end}/notes/{note_end}/delete/", "post"
    ),
    # Curbside consults (mentoring.consults, helper M3's block): asking on a
    # guide (refused: the text has an identifier and no confirmation), the
    # public and private question pages, answering, reporting, the FAQ draft,
    # the pair's private questions, and moderation in the admin.
    "consult_ask_a": Row("/consults/guides/{guide_a}/ask/"),
    "consult_ask_a_post": Row(
        "/consults/guides/{guide_a}/ask/",
        "post",
        (("title", "Matrix"), ("body", "MRN 1234567 has chest pain")),
    ),
    "consult_q_pub": Row("/consults/questions/{cq_pub}/"),
    "consult_q_priv": Row("/consults/questions/{cq_priv}/"),
    "consult_answer_get": Row("/consults/questions/{cq_pub}/answer/"),
    "consult_answer_post": Row(
        "/consults/questions/{cq_pub}/answer/", "post", (("body", "Matrix check answer"),)
    ),
    "consult_answer_priv_post": Row(
        "/consults/questions/{cq_priv}/answer/", "post", (("body", "Matrix check answer"),)
    ),
    "consult_report_q_pub": Row("/consults/questions/{cq_pub}/report/"),
    "consult_report_a_pub": Row("/consults/answers/{ca_pub}/report/"),
    "consult_report_a_post": Row(
        "/consults/answers/{ca_pub}/report/", "post", (("reason", "other"),)
    ),
    "consult_report_q_priv": Row("/consults/questions/{cq_priv}/report/"),
    "consult_faq_post": Row("/consults/questions/{cq_pub}/faq/", "post"),
    "consult_rel_b": Row("/consults/relationships/{rel_b}/"),
    "consult_rel_b_post": Row("/consults/relationships/{rel_b}/", "post"),
    "consult_mod_reports": Row("/admin/consults/"),
    "consult_mod_report": Row("/admin/consults/reports/{creport}/"),
    "consult_mod_report_post": Row(
        "/admin/consults/reports/{creport}/", "post", (("action", "dismiss"),)
    ),
    "consult_mod_questions": Row(
        "/admin/consults/questions/", extra_forbidden=tuple((r, "Matrix private") for r in ROLES)
    ),
    "consult_mod_hide_pub": Row(
        "/admin/consults/questions/{cq_pub}/", "post", (("action", "hide"),)
    ),
    "consult_mod_hide_priv": Row(
        "/admin/consults/questions/{cq_priv}/", "post", (("action", "hide"),)
    ),
}
