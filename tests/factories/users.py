"""Factories for users: learners, mentors, CME reviewers, institution staff and
superusers, with traits for the usual states::

    UserFactory(superuser=True)      # is_superuser + is_staff, with a TOTP authenticator
    UserFactory(reviewer=True)       # in "CME reviewers", with TOTP
    UserFactory(staff=True)          # in "Institution staff", with TOTP
    UserFactory(mentor=True)         # in "Mentors"
    UserFactory(learner=True)        # with a LearnerProfile (profile__full_name=...)
    LearnerFactory(enrolled_in=path) # a learner enrolled on ``path``
    LearnerFactory(completed=path)   # ... who finished it and claimed credit

Superusers, CME reviewers and institution staff get a TOTP authenticator by
default (the admin needs a second factor, curbside.security); its secret is on
``user.totp_secret``. ``totp=False`` leaves it out, ``totp="BASE32SECRET"``
chooses the secret.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

import factory
from factory.django import DjangoModelFactory

from curbside.security import activate_totp, confirm_email, has_second_factor, mfa_required
from learning.journey import disclosure_proof, progress, services
from learning.journey.questions import evaluation_questions, post_test_questions
from learning.models import Degree, LearnerProfile


class LearnerProfileFactory(DjangoModelFactory):
    full_name = factory.Sequence(lambda n: f"Learner Number{n}")
    # As the learner would split their printed name for PARS.
    first_name = factory.LazyAttribute(lambda p: p.full_name.split()[0])
    last_name = factory.LazyAttribute(lambda p: p.full_name.split()[-1])
    credentials = "MD"
    # The profession the credentials name (an MD unless they name another).
    degree = factory.LazyAttribute(
        lambda p: p.credentials.lower() if p.credentials.lower() in Degree.values else Degree.MD
    )
    specialty = "Family medicine"
    time_zone = "America/New_York"

    class Meta:
        model = LearnerProfile


def add_groups(user, create, names):
    if not create:
        return
    for name in names or ():
        user.groups.add(Group.objects.get(name=name))
    user.save()


def _with_groups(*default):
    return factory.PostGeneration(
        lambda user, create, names, **kw: add_groups(
            user, create, default if names is None else names
        )
    )


class UserFactory(DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)
        reviewer = factory.Trait(groups=_with_groups("CME reviewers"))
        staff = factory.Trait(groups=_with_groups("Institution staff"))
        mentor = factory.Trait(groups=_with_groups("Mentors"))
        learner = factory.Trait(
            profile=factory.RelatedFactory(LearnerProfileFactory, factory_related_name="user")
        )

    groups = factory.PostGeneration(
        lambda user, create, names, **kw: add_groups(user, create, names)
    )
    # See the module docstring for ``totp``.
    totp = factory.PostGeneration(lambda user, create, extracted, **kw: extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create and instance.email:
            # Log-in needs a confirmed address (ACCOUNT_EMAIL_VERIFICATION).
            confirm_email(instance)
        wanted = (results or {}).get("totp")
        if (
            create
            and wanted is not False
            and mfa_required(instance)
            and not has_second_factor(instance)
        ):
            instance.totp_secret = activate_totp(instance, wanted or None)


class MentorUserFactory(UserFactory):
    groups = _with_groups("Mentors")


class ReviewerFactory(UserFactory):
    groups = _with_groups("CME reviewers")


class InstitutionStaffFactory(UserFactory):
    groups = _with_groups("Institution staff")


class LearnerFactory(UserFactory):
    """A user with a LearnerProfile; ``enrolled_in=path`` enrols them,
    ``completed=path`` takes them through the path to a credit claim
    (``completed_claims`` on the user lists the claims)."""

    profile = factory.RelatedFactory(LearnerProfileFactory, factory_related_name="user")
    # Done in _after_postgeneration, once the profile exists.
    enrolled_in = factory.PostGeneration(lambda user, create, path, **kw: path)
    completed = factory.PostGeneration(lambda user, create, paths, **kw: paths)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        results = results or {}
        if not create:
            return
        if results.get("enrolled_in") is not None:
            services.enrol(instance, results["enrolled_in"])
        paths = results.get("completed")
        if paths is not None:
            paths = paths if isinstance(paths, list | tuple) else [paths]
            instance.completed_claims = [complete_path(instance, path) for path in paths]


def correct_answers(path):
    return {q.id: list(q.correct) for q in post_test_questions(path)}


def evaluation_answers(path):
    answers = {}
    for q in evaluation_questions(path):
        if q.kind == "rating":
            answers[q.id] = 4
        elif q.kind == "text":
            answers[q.id] = "The checklist."
        else:
            answers[q.id] = {"choice": "yes", "how": "Screen earlier."}
    return answers


def from_step_page(user, path, guide_id):
    """What the step page's "Mark complete" form posts (besides the CSRF token):
    the proof that it showed ``user`` the activity's disclosure as it is now
    (learning.journey.disclosure_proof)."""
    return {disclosure_proof.FIELD: disclosure_proof.for_step(user.pk, path, guide_id)}


def complete_path(user, path, credits="1.25"):
    """Take ``user`` through ``path`` to a credit claim; returns the claim."""
    services.enrol(user, path)
    for step in progress.path_steps(path):
        services.complete_step(user, path, step.guide_id)
    services.submit_attempt(user, path, correct_answers(path))
    services.submit_evaluation(user, path, evaluation_answers(path))
    claim, _ = services.claim_credit(user, path, credits, True)
    return claim
