"""Account deletion at the learner's request: carry out the account's
DeletionPlan in one transaction.

When certificates are kept, the user row stays as an anonymised tombstone
(``deleted-<id>``, no e-mail, no name, unusable password, inactive): the
learner records behind a certificate point at their user with PROTECT foreign
keys, and keeping those constraints intact is safer than loosening them. When
nothing has to be kept, the user row itself is deleted.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from cms.personal_data import erase as erase_elsewhere
from learning.certificates.external import delete_external_files
from learning.exceptions import JourneyError
from learning.models import (
    AccountDeletion,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    ExternalCredit,
    LearnerProfile,
    LicenceCycle,
    StepCompletion,
    TestAttempt,
)

from .kept import blank_identifiers, forget_extensions
from .plan import DeletionPlan, confirmation_kind, plan_deletion

DELETED_USERNAME_PREFIX = "deleted-"
DB_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


class PrivacyError(JourneyError):
    """A privacy request that cannot be done, with a message for the learner."""


class DeletionRefused(PrivacyError):
    """This account cannot be deleted by its owner (mentors, staff, admins)."""


@dataclass
class DeletionResult:
    certificates_kept: int
    retain_until: datetime.date | None
    user_removed: bool


def check_confirmation(user: User, confirmation: str | None) -> None:
    confirmation = confirmation or ""
    if confirmation_kind(user) == "password":
        if not confirmation or not user.check_password(confirmation):
            raise PrivacyError(
                "That is not your current password. Nothing was deleted.", field="confirmation"
            )
    elif confirmation.strip() != user.get_username():
        raise PrivacyError("That is not your username. Nothing was deleted.", field="confirmation")


def delete_account(user: User, confirmation: str | None) -> DeletionResult:
    """Delete ``user``'s account at their request, after checking their
    password (or username). One transaction: on any error nothing changes."""
    UserModel = get_user_model()
    with transaction.atomic():
        locked = UserModel.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            raise PrivacyError("This account is already deleted.")
        # Lock the learner's records too, before planning: a credit claim
        # racing this deletion waits, then finds no enrolment.
        list(Enrolment.objects.select_for_update().filter(user=locked).values_list("pk"))
        plan = plan_deletion(locked)
        if plan.refusal:
            raise DeletionRefused(plan.refusal)
        check_confirmation(locked, confirmation)
        removed = _carry_out(locked, plan)
        AccountDeletion.objects.create(
            user=None if removed else locked,
            certificates_kept=len(plan.certificates),
            retain_until=plan.retain_until,
        )
    return DeletionResult(len(plan.certificates), plan.retain_until, removed)


def _carry_out(user: User, plan: DeletionPlan) -> bool:
    """Remove what the plan does not keep; True if the user row itself went."""
    StepCompletion.objects.filter(enrolment__user=user).delete()
    TestAttempt.objects.filter(enrolment__user=user).delete()
    EvaluationResponse.objects.filter(enrolment__user=user).delete()
    CreditClaim.objects.filter(enrolment__user=user).exclude(pk__in=plan.kept_claim_ids).delete()
    forget_extensions(user, plan.kept_enrolment_ids)
    blank_identifiers(user)
    Enrolment.objects.filter(user=user).exclude(pk__in=plan.kept_enrolment_ids).delete()
    # The profile takes its licences, boards and consents with it.
    LearnerProfile.objects.filter(user=user).delete()
    # Uploaded certificates: the files go once this transaction commits.
    delete_external_files(user)
    ExternalCredit.objects.filter(user=user).delete()
    LicenceCycle.objects.filter(user=user).delete()
    erase_elsewhere(user)  # other apps' personal data (cms.personal_data)
    _delete_sessions(user)
    removed = False
    if plan.removes_user:
        try:
            with transaction.atomic():
                user.delete()
                removed = True
        except ProtectedError:  # something else still points at the account
            removed = False
    if not removed:
        _anonymise(user)
    return removed


def _delete_sessions(user: User) -> None:
    """Remove the account's stored sessions. (Sessions elsewhere stop working
    anyway: the account becomes inactive and its password unusable.)"""
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return
    key = str(user.pk)
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if str(s.get_decoded().get(SESSION_KEY)) == key
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def _tombstone_username(user: User) -> str:
    UserModel = type(user)
    field = UserModel.USERNAME_FIELD
    name = f"{DELETED_USERNAME_PREFIX}{user.pk}"
    if UserModel._default_manager.filter(**{field: name}).exclude(pk=user.pk).exists():
        name = f"{name}-{timezone.now():%Y%m%d%H%M%S%f}"
    return name


def _anonymise(user: User) -> None:
    """Keep the user row for the PROTECT foreign keys of the kept records, with
    nothing personal left on it or hanging from it."""
    relation: Any
    for relation in user._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many:
            through = relation.through
            for field in through._meta.concrete_fields:
                if field.is_relation and field.related_model is type(user):
                    through._default_manager.filter(**{field.name: user}).delete()
        elif getattr(relation, "on_delete", None) is models.CASCADE:
            relation.related_model._base_manager.filter(**{relation.field.name: user}).delete()
    user.groups.clear()
    user.user_permissions.clear()
    setattr(user, user.USERNAME_FIELD, _tombstone_username(user))
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.date_joined = timezone.now()
    user.set_unusable_password()
    user.save()
