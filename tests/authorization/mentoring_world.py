"""The mentoring part of the matrix's data set (world.py's _build_world calls
these): an open programme with a waiting request (helper M1's block), two
mentoring relationships with their notes (M2's), consult questions with an
answer and a report (M3's), and a programme for its report's rows."""


def _programme_report_world(inst_a):
    """A mentoring programme of institution A, for its report's rows."""
    from tests.factories.mentoring import ProgrammeFactory

    return {"prog_rep_a": ProgrammeFactory(institution=inst_a, slug="alpha-report").pk}


# Mentoring relationship space (helper M2's block): doctor A is mentored by
# mentor A in a programme of institution A, doctor B by mentor B in one of B.
SPACE_SHARED_A = "Shared note of pair A: practise the handover summary"
SPACE_PRIVATE_DOC_A = "Private note of doctor A: nights feel lonely"
SPACE_PRIVATE_MEN_A = "Private note of mentor A: ask about the rota"
SPACE_PRIVATE_DOC_B = "Private note of doctor B: exam stress"
# Pair A's earlier relationship, in another programme of institution A: it
# has ended, so its record is read-only for both (no delete control, and a
# hand-made delete is refused with a message).
SPACE_ENDED_SHARED_A = "Shared note of the ended pair A mentoring: night-shift rota"


def _mentoring_space_world(inst_a, inst_b, doctor_a, doctor_b, mentor_a, mentor_b, staff_a):
    import datetime

    from django.utils import timezone

    from mentoring.models import Relationship, RelationshipStatus
    from mentoring.space import scheduling, services
    from tests.factories.mentoring import ProgrammeFactory, RelationshipFactory

    rel_a = RelationshipFactory(
        programme=ProgrammeFactory(institution=inst_a, slug="alderbank-mentoring"),
        mentee=doctor_a,
        mentor=mentor_a,
    )
    rel_b = RelationshipFactory(
        programme=ProgrammeFactory(institution=inst_b, slug="birchfield-mentoring"),
        mentee=doctor_b,
        mentor=mentor_b,
    )
    start = timezone.now() + datetime.timedelta(days=30)
    sess_a = scheduling.schedule_session(rel_a, mentor_a, starts_at=start, minutes=60)
    sess_b = scheduling.schedule_session(rel_b, mentor_b, starts_at=start, minutes=60)
    services.add_note(sess_a, doctor_a, text=SPACE_SHARED_A, visibility="shared")
    note_a = services.add_note(sess_a, doctor_a, text=SPACE_PRIVATE_DOC_A, visibility="private")
    services.add_note(sess_a, mentor_a, text=SPACE_PRIVATE_MEN_A, visibility="private")
    services.add_note(sess_b, doctor_b, text=SPACE_PRIVATE_DOC_B, visibility="private")
    services.save_agreement(
        rel_a,
        doctor_a,
        goals="Settle into hospital medicine.",
        cadence="monthly",
        contact="",
        confidentiality="Between us.",
    )
    goal_a = services.add_goal(rel_a, doctor_a, title="Lead handover", topic="clinical")
    rel_end = RelationshipFactory(
        programme=ProgrammeFactory(institution=inst_a, slug="alderbank-earlier"),
        mentee=doctor_a,
        mentor=mentor_a,
    )
    later = start + datetime.timedelta(hours=3)
    sess_end = scheduling.schedule_session(rel_end, mentor_a, starts_at=later, minutes=60)
    note_end = services.add_note(sess_end, doctor_a, text=SPACE_ENDED_SHARED_A, visibility="shared")
    Relationship.objects.filter(pk=rel_end.pk).update(
        status=RelationshipStatus.ENDED, ended_at=timezone.now()
    )
    return {
        "rel_end": rel_end.pk,
        "sess_end": sess_end.pk,
        "note_end": note_end.pk,
        "rel_a": rel_a.pk,
        "sess_a": sess_a.pk,
        "sess_b": sess_b.pk,
        "goal_a": goal_a.pk,
        "note_a": note_a.pk,
        "sess_day": (start + datetime.timedelta(days=1)).date().isoformat(),
    }


def _consults_world(guide_a, inst_b, doctor_a, doctor_b, mentor_a, mentor_b):
    """Curbside consults (helper M3's block): doctor A's public question on
    guide A answered by its author, mentor A; doctor B's private question to
    mentor B, their mentor; a report by doctor B of mentor A's answer."""
    from mentoring.models import Answer, Question, Report
    from tests.factories.mentoring import ProgrammeFactory, RelationshipFactory

    pair = RelationshipFactory(
        programme=ProgrammeFactory(institution=inst_b), mentee=doctor_b, mentor=mentor_b.user
    )
    public = Question.objects.create(
        asker=doctor_a, guide=guide_a, title="Matrix public question", body="When to repeat?"
    )
    answer = Answer.objects.create(question=public, author=mentor_a.user, body="Matrix answer")
    private = Question.objects.create(
        asker=doctor_b, relationship=pair, title="Matrix private question", body="Between us."
    )
    report = Report.objects.create(reporter=doctor_b, answer=answer, reason="other")
    return {
        "rel_b": pair.pk,
        "cq_pub": public.pk,
        "ca_pub": answer.pk,
        "cq_priv": private.pk,
        "creport": report.pk,
    }


def _mentoring_world(inst_a, doctor_a, mentor_a_user):
    """Mentoring (helper M1's block): an open programme at institution A with
    mentor A as a mentor and doctor A as a mentee whose request waits for
    mentor A. Doctor A asked, in private, for a mentor who trained abroad."""
    from mentoring.models import Role
    from tests.factories.mentoring import (
        MatchRequestFactory,
        MenteeProfileFactory,
        MentorOfferFactory,
        ParticipationFactory,
        ProgrammeFactory,
    )

    programme = ProgrammeFactory(
        institution=inst_a, title="Alderbank mentoring", slug="alder-mentoring"
    )
    MenteeProfileFactory(user=doctor_a, wants_shared=["trained_abroad"])
    MentorOfferFactory(user=mentor_a_user, shares=["trained_abroad"])
    ParticipationFactory(programme=programme, user=doctor_a, role=Role.MENTEE)
    ParticipationFactory(programme=programme, user=mentor_a_user, role=Role.MENTOR)
    request = MatchRequestFactory(
        programme=programme,
        mentee=doctor_a,
        mentor=mentor_a_user,
        message="Matrix hello from doctor A",
        reasons=["both trained abroad", "Internal medicine"],
    )
    return {"prog_a": programme.pk, "men_a_user": mentor_a_user.pk, "mreq_a": request.pk}
