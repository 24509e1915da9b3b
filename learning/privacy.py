"""Personal data: what Curbside holds about a learner, the export of all of
it as JSON, and self-service account deletion.

Deletion keeps what accreditors require (issued certificates, for 6 years from
issue, with the minimum needed to verify them) and removes everything else, in
one transaction. See docs/privacy.md for the rules and their reasons.

When certificates are kept, the user row stays as an anonymised tombstone
(``deleted-<id>``, no e-mail, no name, unusable password, inactive): the
learner records behind a certificate point at their user with PROTECT foreign
keys, and keeping those constraints intact is safer than loosening them. When
nothing has to be kept, the user row itself is deleted.
"""

import datetime
import json
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Max, ProtectedError
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from cms.models import Mentor

from .exceptions import JourneyError
from .models import (
    AccountDeletion,
    Certificate,
    CertificateEvent,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    StepCompletion,
    TestAttempt,
)

RETENTION_YEARS = 6
EXPORT_FORMAT = "curbside-personal-data"
EXPORT_VERSION = 1
DELETED_USERNAME_PREFIX = "deleted-"
DB_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


class PrivacyError(JourneyError):
    """A privacy request that cannot be done, with a message for the learner."""


class DeletionRefused(PrivacyError):
    """This account cannot be deleted by its owner (mentors, staff, admins)."""


# --- Retention ------------------------------------------------------------------------


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def retain_until(issued_at):
    """The last day a certificate issued at ``issued_at`` is kept after its
    learner deleted their account."""
    return add_years(timezone.localdate(issued_at), RETENTION_YEARS)


# --- Who may delete their own account -------------------------------------------------


def deletion_refusal(user):
    """Why ``user`` cannot delete their account here, or None if they can."""
    if AccountDeletion.objects.filter(user=user).exists():
        return "This account is already deleted."
    if not user.is_active:
        return "This account is not active."
    if user.is_superuser or user.is_staff:
        return (
            "Administrator accounts are not deleted here: another administrator removes "
            "them, so that someone can always manage the site."
        )
    if Mentor.objects.filter(user=user).exists():
        return (
            "You are a Curbside mentor: your published guides and financial disclosures are "
            "public records of accredited education. Ask the editors to close your account; "
            "they will detach your mentor profile and tell you what stays public."
        )
    if user.staff_institutions.exists():
        return (
            "You act for an accredited institution. Ask that institution's administrator or "
            "the Curbside editors to close your account, so its certificates stay managed."
        )
    if user.has_perm("wagtailadmin.access_admin"):
        return (
            "Your account can use the editing admin (for example as a CME reviewer), and "
            "its review decisions are part of the accreditation record. Ask the editors "
            "to close it."
        )
    return None


def confirmation_kind(user):
    """What the learner types to confirm deletion: their password, or their
    username for an account without a usable password."""
    return "password" if user.has_usable_password() else "username"


# --- What we hold ---------------------------------------------------------------------


@dataclass
class Holdings:
    profile: LearnerProfile | None
    email_addresses: int
    enrolments: int
    step_completions: int
    test_attempts: int
    evaluation_responses: int
    credit_claims: int
    certificates: list

    @property
    def claims_kept(self):
        return len({c.claim_id for c in self.certificates})

    @property
    def enrolments_removed(self):
        return self.enrolments - self.claims_kept

    @property
    def claims_removed(self):
        return self.credit_claims - self.claims_kept

    @property
    def retain_until(self):
        return _latest_retention(self.certificates)


def _latest_retention(certificates):
    dates = [retain_until(c.issued_at) for c in certificates]
    return max(dates) if dates else None


def holdings(user):
    """Counts of everything we hold about ``user``, and their certificates
    (each with its ``retain_until`` date)."""
    certificates = list(Certificate.objects.filter(user=user).order_by("issued_at", "pk"))
    for certificate in certificates:
        certificate.retain_until = retain_until(certificate.issued_at)
    emails = _email_addresses(user)
    return Holdings(
        profile=LearnerProfile.objects.filter(user=user).first(),
        email_addresses=emails.count() if emails is not None else 0,
        enrolments=Enrolment.objects.filter(user=user).count(),
        step_completions=StepCompletion.objects.filter(enrolment__user=user).count(),
        test_attempts=TestAttempt.objects.filter(enrolment__user=user).count(),
        evaluation_responses=EvaluationResponse.objects.filter(enrolment__user=user).count(),
        credit_claims=CreditClaim.objects.filter(enrolment__user=user).count(),
        certificates=certificates,
    )


def _optional_model(app_label, model_name, app_name):
    if not apps.is_installed(app_name):
        return None
    return apps.get_model(app_label, model_name)


def _email_addresses(user):
    model = _optional_model("account", "EmailAddress", "allauth.account")
    return model.objects.filter(user=user) if model else None


# --- Export ---------------------------------------------------------------------------


def _path(path):
    return {"title": path.title, "slug": path.slug}


def _account(user):
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }


def _profile(profile):
    if profile is None:
        return None
    return {
        "full_name": profile.full_name,
        "credentials": profile.credentials,
        "printed_name": profile.printed_name,
        "specialty": profile.specialty,
        "npi": profile.npi,
        "time_zone": profile.time_zone,
        "board_id": profile.board_id,
        "birth_month": profile.birth_month,
        "birth_day": profile.birth_day,
        "pars_consent": profile.pars_consent,
        "updated_at": profile.updated_at,
    }


def _security(user):
    """Second factors and linked sign-in accounts: which ones and when, never
    their secrets or tokens."""
    security = {"password_set": user.has_usable_password(), "authenticators": []}
    authenticator = _optional_model("mfa", "Authenticator", "allauth.mfa")
    if authenticator:
        security["authenticators"] = [
            {"type": a.type, "created_at": getattr(a, "created_at", None)}
            for a in authenticator.objects.filter(user=user).order_by("pk")
        ]
    social = _optional_model("socialaccount", "SocialAccount", "allauth.socialaccount")
    if social:
        security["social_accounts"] = [
            {
                "provider": s.provider,
                "uid": s.uid,
                "date_joined": s.date_joined,
                "last_login": s.last_login,
            }
            for s in social.objects.filter(user=user).order_by("pk")
        ]
    user_sessions = _optional_model("usersessions", "UserSession", "allauth.usersessions")
    if user_sessions:
        security["sessions"] = [
            {
                "ip": s.ip,
                "user_agent": s.user_agent,
                "created_at": s.created_at,
                "last_seen_at": s.last_seen_at,
            }
            for s in user_sessions.objects.filter(user=user).order_by("pk")
        ]
    return security


def _admin_preferences(user):
    """Wagtail's per-user settings (language, time zone...), if any."""
    model = _optional_model("wagtailusers", "UserProfile", "wagtail.users")
    profile = model.objects.filter(user=user).first() if model else None
    if profile is None:
        return None
    data = {}
    for field in profile._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        value = getattr(profile, field.attname)
        data[field.name] = (value.name or None) if isinstance(value, FieldFile) else value
    return data


def _certificate(certificate, events, supersedes_numbers):
    from .certificates.rendering import verification_url

    return {
        "number": certificate.number,
        "verification_code": certificate.verification_code,
        "verification_url": verification_url(certificate),
        "status": certificate.status,
        "printed_name": certificate.printed_name,
        "learner_name": certificate.learner_name,
        "learner_credentials": certificate.learner_credentials,
        "activity_title": certificate.activity_title,
        "path": _path(certificate.path),
        "learning_format": certificate.learning_format,
        "institution_name": certificate.institution_name,
        "credits": certificate.credits,
        "completion_date": certificate.completion_date,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "supersedes": supersedes_numbers.get(certificate.supersedes_id),
        "pdf_available": bool(certificate.pdf),
        "kept_after_account_deletion_until": retain_until(certificate.issued_at),
        # Who acted is another person's data: only what happened, when and why.
        "events": [
            {"action": e.action, "at": e.at, "reason": e.reason}
            for e in events.get(certificate.pk, [])
        ],
    }


def export_data(user):
    """Everything Curbside holds about ``user``, as JSON-ready data."""
    enrolments = list(Enrolment.objects.filter(user=user).select_related("path").order_by("pk"))
    paths = {e.pk: _path(e.path) for e in enrolments}
    emails = _email_addresses(user)
    certificates = list(
        Certificate.objects.filter(user=user).select_related("path").order_by("issued_at", "pk")
    )
    numbers = {c.pk: c.number for c in certificates}
    events = {}
    for event in CertificateEvent.objects.filter(certificate__user=user).order_by("at", "pk"):
        events.setdefault(event.certificate_id, []).append(event)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "account": _account(user),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in (emails.order_by("pk") if emails is not None else [])
        ],
        "profile": _profile(LearnerProfile.objects.filter(user=user).first()),
        "enrolments": [
            {
                "id": e.pk,
                "path": paths[e.pk],
                "enrolled_at": e.enrolled_at,
                "completed_at": e.completed_at,
            }
            for e in enrolments
        ],
        "step_completions": [
            {
                "enrolment": s.enrolment_id,
                "path": paths[s.enrolment_id],
                "guide_title": s.guide_title,
                "guide_revision_number": s.guide_revision_number,
                "completed_at": s.completed_at,
            }
            for s in StepCompletion.objects.filter(enrolment__user=user).order_by("pk")
        ],
        "test_attempts": [
            {
                "enrolment": a.enrolment_id,
                "path": paths[a.enrolment_id],
                "number": a.number,
                "submitted_at": a.submitted_at,
                "score": a.score,
                "pass_mark": a.pass_mark,
                "passed": a.passed,
                "answers": a.answers,
                "results": a.results,
                "path_revision_number": a.path_revision_number,
            }
            for a in TestAttempt.objects.filter(enrolment__user=user).order_by("pk")
        ],
        "evaluation_responses": [
            {
                "enrolment": r.enrolment_id,
                "path": paths[r.enrolment_id],
                "submitted_at": r.submitted_at,
                "questions": r.questions,
                "answers": r.answers,
            }
            for r in EvaluationResponse.objects.filter(enrolment__user=user).order_by("pk")
        ],
        "credit_claims": [
            {
                "enrolment": c.enrolment_id,
                "path": paths[c.enrolment_id],
                "credits": c.credits,
                "max_credits": c.max_credits,
                "attested": c.attested,
                "claimed_at": c.claimed_at,
                "status": c.status,
                "approved_at": c.approved_at,
            }
            for c in CreditClaim.objects.filter(enrolment__user=user).order_by("pk")
        ],
        "certificates": [_certificate(c, events, numbers) for c in certificates],
        "security": _security(user),
        "admin_preferences": _admin_preferences(user),
    }


def export_json(user):
    return json.dumps(export_data(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# --- Deletion -------------------------------------------------------------------------


@dataclass
class DeletionResult:
    certificates_kept: int
    retain_until: datetime.date | None
    user_removed: bool


def check_confirmation(user, confirmation):
    confirmation = confirmation or ""
    if confirmation_kind(user) == "password":
        if not confirmation or not user.check_password(confirmation):
            raise PrivacyError(
                "That is not your current password. Nothing was deleted.", field="confirmation"
            )
    elif confirmation.strip() != user.get_username():
        raise PrivacyError("That is not your username. Nothing was deleted.", field="confirmation")


def delete_account(user, confirmation):
    """Delete ``user``'s account at their request, after checking their
    password (or username). One transaction: on any error nothing changes."""
    User = get_user_model()
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            raise PrivacyError("This account is already deleted.")
        if reason := deletion_refusal(locked):
            raise DeletionRefused(reason)
        check_confirmation(locked, confirmation)
        # Lock the learner's records too: a credit claim racing this deletion
        # waits, then finds no enrolment.
        list(Enrolment.objects.select_for_update().filter(user=locked).values_list("pk"))

        certificates = list(Certificate.objects.filter(user=locked))
        kept_claims = {c.claim_id for c in certificates}
        kept_enrolments = set(
            CreditClaim.objects.filter(pk__in=kept_claims).values_list("enrolment_id", flat=True)
        )
        enrolments = Enrolment.objects.filter(user=locked)
        StepCompletion.objects.filter(enrolment__user=locked).delete()
        TestAttempt.objects.filter(enrolment__user=locked).delete()
        EvaluationResponse.objects.filter(enrolment__user=locked).delete()
        CreditClaim.objects.filter(enrolment__user=locked).exclude(pk__in=kept_claims).delete()
        enrolments.exclude(pk__in=kept_enrolments).delete()
        LearnerProfile.objects.filter(user=locked).delete()
        _delete_sessions(locked)

        removed = False
        if not certificates:
            try:
                with transaction.atomic():
                    locked.delete()
                    removed = True
            except ProtectedError:  # something else still points at the account
                removed = False
        if not removed:
            _anonymise(locked)
        kept_until = _latest_retention(certificates)
        AccountDeletion.objects.create(
            user=None if removed else locked,
            certificates_kept=len(certificates),
            retain_until=kept_until,
        )
    return DeletionResult(len(certificates), kept_until, removed)


def _delete_sessions(user):
    """Remove the account's stored sessions. (Sessions elsewhere stop working
    anyway: the account becomes inactive and its password unusable.)"""
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    key = str(user.pk)
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if str(s.get_decoded().get(SESSION_KEY)) == key
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def _tombstone_username(user):
    User = type(user)
    field = User.USERNAME_FIELD
    name = f"{DELETED_USERNAME_PREFIX}{user.pk}"
    if User._default_manager.filter(**{field: name}).exclude(pk=user.pk).exists():
        name = f"{name}-{timezone.now():%Y%m%d%H%M%S%f}"
    return name


def _anonymise(user):
    """Keep the user row for the PROTECT foreign keys of the kept records, with
    nothing personal left on it or hanging from it."""
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


# --- Purge after retention ------------------------------------------------------------


@dataclass
class PurgeResult:
    accounts: int = 0
    certificates: int = 0


def purge_expired(today=None, dry_run=False):
    """Remove the kept certificates of deleted accounts once 6 years have
    passed since they were issued (a reissued certificate keeps its whole
    chain until the newest is 6 years old), then the tombstone account."""
    today = today or timezone.localdate()
    result = PurgeResult()
    pending = AccountDeletion.objects.filter(user__isnull=False, purged_at__isnull=True)
    for deletion_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            deletion = AccountDeletion.objects.select_for_update().get(pk=deletion_id)
            if deletion.user_id is None:
                continue
            purged = _purge_account(deletion, today, dry_run)
            result.certificates += purged
            if deletion.purged_at is not None:
                result.accounts += 1
            if dry_run:
                transaction.set_rollback(True)
    return result


def _purge_account(deletion, today, dry_run):
    user = deletion.user
    claims = (
        CreditClaim.objects.filter(enrolment__user=user)
        .annotate(last_issued=Max("certificates__issued_at"))
        .order_by("pk")
    )
    removed = 0
    files = []
    for claim in claims:
        if claim.last_issued is not None and retain_until(claim.last_issued) >= today:
            continue
        # Newest first: a reissue points at (PROTECTs) the certificate it replaced.
        chain = list(claim.certificates.order_by("-issued_at", "-pk"))
        CertificateEvent.objects.filter(certificate__in=chain).delete()
        for certificate in chain:
            if certificate.pdf:
                files.append((certificate.pdf.storage, certificate.pdf.name))
            certificate.delete()
            removed += 1
        enrolment_id = claim.enrolment_id
        claim.delete()
        Enrolment.objects.filter(pk=enrolment_id).delete()
    remaining = Certificate.objects.filter(user=user)
    if remaining.exists():
        deletion.retain_until = _latest_retention(list(remaining))
        deletion.save(update_fields=["retain_until"])
    else:
        Enrolment.objects.filter(user=user).delete()
        user.delete()
        deletion.user = None
        deletion.purged_at = timezone.now()
        deletion.save(update_fields=["user", "purged_at"])
    if not dry_run:
        transaction.on_commit(lambda: _delete_files(files))
    return removed


def _delete_files(files):
    for storage, name in files:
        storage.delete(name)
