"""Learners, sessions and claims written straight to the database (in a child
process with Django set up): the benchmarks measure other things than sign-up."""


def bulk_learners(prefix, count, label, **profile):
    """``count`` users ``<prefix>00000``... (no usable password: nobody logs in
    with it, and hashing one is slow), each with a LearnerProfile whose full
    name ``<label> Learner 00000``... certificates can print. Returns the users."""
    from django.contrib.auth import get_user_model

    from learning.models import LearnerProfile

    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{i:05d}",
                email=f"{prefix}{i:05d}@example.org",
                first_name=label,
                last_name=f"Learner {i}",
                password="!",  # noqa: S106 (unusable)
            )
            for i in range(count)
        ]
    )
    LearnerProfile.objects.bulk_create(
        [
            LearnerProfile(
                user=user, full_name=f"{label} Learner {i:05d}", credentials="MD", **profile
            )
            for i, user in enumerate(users)
        ]
    )
    return users


def approved_claims(users, path):
    """Each user enrolled on ``path``, completed, with an approved claim for its
    maximum credits (as a reviewer leaves it). Returns the claims."""
    from django.utils import timezone

    from learning.models import ClaimStatus, CreditClaim, Enrolment

    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(user=user, path=path, completed_at=now) for user in users]
    )
    return CreditClaim.objects.bulk_create(
        [
            CreditClaim(
                enrolment=enrolment,
                credits=path.max_credits,
                max_credits=path.max_credits,
                attested=True,
                status=ClaimStatus.APPROVED,
                approved_at=now,
            )
            for enrolment in enrolments
        ]
    )


def credit_path():
    """The first live demo path that carries credit."""
    from learning.models import LearningPathPage

    return LearningPathPage.objects.live().filter(max_credits__gt=0).order_by("pk").first()


def signed_in_session(user):
    """A database session signed in as ``user`` (signed with this process's
    SECRET_KEY: give the server the same); returns its key, the sessionid cookie."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key
