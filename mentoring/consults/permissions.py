"""Who may do what with consults. Every view and service asks here.

* Public questions (on a guide) are read by anyone while not hidden; any
  signed-in person may ask one, except the guide's own authors.
* The guide's authors (their Mentor profiles' users) answer; any other active
  mentor (a user with an active Mentor profile) may add an answer.
* Private questions live in a mentoring relationship: only its mentee and its
  mentor see them (everyone else gets a 404); the mentee asks while the
  relationship is active, the mentor answers.
* Moderators: superusers and the staff of any institution. They see and act
  on every public question, and on a private one only through a report about
  it (the report shows the reported text).
* Only a guide's authors may turn one of its answered questions into a FAQ draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cms.models import GuidePage

    from ..models import Answer, Question, Relationship


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def guide_author_user_ids(guide: GuidePage) -> set[int]:
    """The users behind the guide's active author Mentor profiles."""
    return {
        user_id
        for user_id in guide.authors.filter(mentor__is_active=True).values_list(
            "mentor__user_id", flat=True
        )
        if user_id is not None
    }


def is_guide_author(user: Any, guide: GuidePage) -> bool:
    return _active(user) and user.pk in guide_author_user_ids(guide)


def is_mentor(user: Any) -> bool:
    """Has an active Mentor profile (cms.Mentor)."""
    if not _active(user):
        return False
    profile = getattr(user, "mentor_profile", None)
    return profile is not None and profile.is_active


def may_moderate(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.staff_institutions.exists())


def in_relationship(user: Any, relationship: Relationship) -> bool:
    return _active(user) and user.pk in (relationship.mentee_id, relationship.mentor_id)


def may_ask_on_guide(user: Any, guide: GuidePage) -> bool:
    return _active(user) and not is_guide_author(user, guide)


def may_ask_in_relationship(user: Any, relationship: Relationship) -> bool:
    return _active(user) and relationship.is_active and user.pk == relationship.mentee_id


def may_view(user: Any, question: Question) -> bool:
    """Hidden questions are shown to nobody on the site (moderators see them in the admin)."""
    if question.is_hidden:
        return False
    if question.relationship is not None:
        return in_relationship(user, question.relationship)
    return True


def may_answer(user: Any, question: Question) -> bool:
    if not _active(user) or question.is_hidden or user.pk == question.asker_id:
        return False
    if question.relationship is not None:
        # Once the relationship has ended its space is read-only, answers too.
        relationship = question.relationship
        return bool(relationship.is_active and user.pk == relationship.mentor_id)
    assert question.guide is not None
    return is_guide_author(user, question.guide) or is_mentor(user)


def may_report_question(user: Any, question: Question) -> bool:
    return _active(user) and user.pk != question.asker_id and may_view(user, question)


def may_report_answer(user: Any, answer: Answer) -> bool:
    return (
        _active(user)
        and not answer.hidden
        and user.pk != answer.author_id
        and may_view(user, answer.question)
    )


def may_make_faq(user: Any, question: Question) -> bool:
    return (
        question.guide is not None
        and not question.is_hidden
        and is_guide_author(user, question.guide)
    )
