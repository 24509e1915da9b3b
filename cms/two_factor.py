"""Who must use two-factor authentication, and who has it: the rule the
admin's middleware (curbside.security) and the apps' own staff-only views
(for example learning's certificate download for issuing staff) apply alike.
Here, at the bottom of the import layers, so that every app can ask.
See docs/accounts-security.md."""

from django.contrib.auth.models import Group

from allauth.mfa.models import Authenticator

# Roles that must use two-factor authentication (group names from
# cms/migrations/0002). Superusers are always included; mentors are offered
# it like everyone else, unless they also hold one of these roles.
MFA_REQUIRED_GROUPS = ("CME reviewers", "Institution staff")
# Authenticators that count as a second factor (recovery codes alone do not).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required(user):
    """True if ``user`` must have an authenticator before using the admin:
    superusers, CME reviewers and institution staff (the group, or a staff
    member of an institution)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        Group.objects.filter(user=user, name__in=MFA_REQUIRED_GROUPS).exists()
        or user.staff_institutions.exists()
    )


def has_second_factor(user):
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()
