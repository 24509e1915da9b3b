"""The JSON export of everything Curbside holds about a user (format
"curbside-personal-data", version 1; docs/privacy.md describes it)."""

import json
from typing import Any

from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from cms.personal_data import export_sections
from learning.certificates.external import file_name
from learning.certificates.rendering import verification_url
from learning.models import (
    Certificate,
    CertificateEvent,
    ClaimExtension,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    ExternalCredit,
    LearnerProfile,
    LearningPathPage,
    LicenceCycle,
    StepCompletion,
    TestAttempt,
)

from .optional import email_addresses, optional_model
from .retention import retain_until

EXPORT_FORMAT = "curbside-personal-data"
EXPORT_VERSION = 1


def _path(path: LearningPathPage) -> dict[str, str]:
    return {"title": path.title, "slug": path.slug}


def _account(user: User) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }


def _profile(profile: LearnerProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "full_name": profile.full_name,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "credentials": profile.credentials,
        "degree": profile.degree,
        "degree_display": profile.get_degree_display() if profile.degree else "",
        "printed_name": profile.printed_name,
        "specialty": profile.specialty,
        "npi": profile.npi,
        "time_zone": profile.time_zone,
        "legacy_board_id": profile.legacy_board_id,
        "birth_month": profile.birth_month,
        "birth_day": profile.birth_day,
        "updated_at": profile.updated_at,
        "state_licences": [
            {"state": lic.state, "number": lic.number, "added_at": lic.added_at}
            for lic in profile.licences.all()
        ],
        "certifying_boards": [
            {"board": b.board, "board_id": b.board_id, "added_at": b.added_at}
            for b in profile.boards.all()
        ],
        # Every consent ever given, with when it was given and withdrawn.
        "reporting_consents": [
            {
                "scope": c.scope,
                "body": c.body,
                "given_at": c.given_at,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in profile.consents.order_by("given_at", "pk")
        ],
    }


def _external(user: User) -> dict[str, Any]:
    """Credit from elsewhere (the certificate's file name, never its bytes)
    and licence cycles."""
    return {
        "external_credit": [
            {
                "provider": e.provider,
                "activity": e.activity,
                "completed_on": e.completed_on,
                "credit_type": e.credit_type,
                "amount": e.amount,
                "certificate_file": file_name(e.certificate) or None,
                "added_at": e.added_at,
            }
            for e in ExternalCredit.objects.filter(user=user).order_by("completed_on", "pk")
        ],
        "licence_cycles": [
            {
                "name": c.name,
                "credits_required": c.credits_required,
                "years": c.years,
                "starts_on": c.starts_on,
                "counts": c.counts,
            }
            for c in LicenceCycle.objects.filter(user=user).order_by("pk")
        ],
    }


def _security(user: User) -> dict[str, Any]:
    """Second factors and linked sign-in accounts: which ones and when, never
    their secrets or tokens."""
    security: dict[str, Any] = {"password_set": user.has_usable_password(), "authenticators": []}
    authenticator = optional_model("mfa", "Authenticator", "allauth.mfa")
    if authenticator:
        security["authenticators"] = [
            {"type": a.type, "created_at": getattr(a, "created_at", None)}
            for a in authenticator._default_manager.filter(user=user).order_by("pk")
        ]
    social = optional_model("socialaccount", "SocialAccount", "allauth.socialaccount")
    if social:
        security["social_accounts"] = [
            {
                "provider": s.provider,
                "uid": s.uid,
                "date_joined": s.date_joined,
                "last_login": s.last_login,
            }
            for s in social._default_manager.filter(user=user).order_by("pk")
        ]
    user_sessions = optional_model("usersessions", "UserSession", "allauth.usersessions")
    if user_sessions:
        security["sessions"] = [
            {
                "ip": s.ip,
                "user_agent": s.user_agent,
                "created_at": s.created_at,
                "last_seen_at": s.last_seen_at,
            }
            for s in user_sessions._default_manager.filter(user=user).order_by("pk")
        ]
    return security


def _admin_preferences(user: User) -> dict[str, Any] | None:
    """Wagtail's per-user settings (language, time zone...), if any."""
    model = optional_model("wagtailusers", "UserProfile", "wagtail.users")
    profile = model._default_manager.filter(user=user).first() if model else None
    if profile is None:
        return None
    data: dict[str, Any] = {}
    for field in profile._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        value = getattr(profile, field.attname)
        data[field.name] = (value.name or None) if isinstance(value, FieldFile) else value
    return data


def _certificate(
    certificate: Certificate,
    events: dict[int, list[CertificateEvent]],
    supersedes_numbers: dict[int | None, str],
) -> dict[str, Any]:
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
        "kind": certificate.kind,
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
        "moc_points": [
            {
                "board": m.board,
                "credit_type": m.credit_type,
                "points": m.points,
                "board_id": m.board_id,
            }
            for m in certificate.moc.all()
        ],
        # What the institution sent to ACCME's PARS (and boards through it),
        # with the values exactly as sent.
        "reported": [
            {
                "to": r.batch.get_body_display(),
                "batch": r.batch.number,
                "at": r.batch.created_at,
                "action": r.action,
                "values": r.data,
            }
            for r in certificate.reported.all()
        ],
    }


def _extensions(user: User, paths: dict[int, dict[str, str]]) -> list[dict[str, Any]]:
    """Claim extensions staff granted (who granted one is their data)."""
    return [
        {
            "enrolment": x.enrolment_id,
            "path": paths.get(x.enrolment_id),
            "until": x.until,
            "reason": x.reason,
            "granted_at": x.granted_at,
        }
        for x in ClaimExtension.objects.filter(enrolment__user=user).order_by("pk")
    ]


def export_data(user: User) -> dict[str, Any]:
    """Everything Curbside holds about ``user``, as JSON-ready data."""
    enrolments = list(Enrolment.objects.filter(user=user).select_related("path").order_by("pk"))
    paths = {e.pk: _path(e.path) for e in enrolments}
    emails = email_addresses(user)
    certificates = list(
        Certificate.objects.filter(user=user)
        .select_related("path")
        .prefetch_related("moc", "reported__batch")
        .order_by("issued_at", "pk")
    )
    numbers: dict[int | None, str] = {c.pk: c.number for c in certificates}
    events: dict[int, list[CertificateEvent]] = {}
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
        "claim_extensions": _extensions(user, paths),
        "certificates": [_certificate(c, events, numbers) for c in certificates],
        **_external(user),
        "security": _security(user),
        "admin_preferences": _admin_preferences(user),
        # Every other app's section (notifications, mentoring): cms.personal_data.
        **export_sections(user),
    }


def export_json(user: User) -> str:
    return json.dumps(export_data(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
