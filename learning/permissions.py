"""Who may see and do what in the learning app: predicates and Q filters.

Querysets, forms, views, viewsets and hooks call these rules. Querysets import
this module while the models load, so it imports no learning model.
"""

from collections.abc import Iterable
from typing import Any, Protocol

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from cms.models import Institution

# A request's user: signed in or not.
AnyUser = User | AnonymousUser


# --- Institution staff --------------------------------------------------------


def staff_may_act(user: AnyUser) -> bool:
    """May ``user`` use the CME staff screens (certificates, reports) at all?"""
    return user.is_active and (user.is_superuser or user.staff_institutions.exists())


class StaffOnlyMixin:
    """For the CME staff's admin views: anyone else gets a 404, as if the page
    did not exist."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not staff_may_act(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def institution_staff_q(user: AnyUser, institution_lookup: str = "institution") -> Q:
    """Records whose institution (``institution_lookup``) lists ``user`` as
    staff; every record for a superuser."""
    if user.is_superuser:
        return Q()
    return Q(**{f"{institution_lookup}__staff": user})


def staff_visible_q(user: AnyUser, path_lookup: str = "enrolment__path") -> Q:
    """Records (reached through ``path_lookup``) of paths that an institution
    ``user`` staffs accredits."""
    return institution_staff_q(user, f"{path_lookup}__institution")


def choosable_institutions_q(user: AnyUser, current_institution_id: int | None) -> Q:
    """The institutions a (non-superuser) editor may make accredit a path: their
    own, and the path's current one so that saving does not change it."""
    allowed = Q(staff=user)
    if current_institution_id:
        allowed |= Q(pk=current_institution_id)
    return allowed


class IssuedCertificate(Protocol):
    """What the download rule reads of a certificate (learning.models.Certificate)."""

    user_id: int
    institution: Institution


def can_download_certificate(user: AnyUser, certificate: IssuedCertificate) -> bool:
    """The learner, superusers and the issuing institution's staff."""
    if not user.is_authenticated:
        return False
    if certificate.user_id == user.pk or user.is_superuser:
        return True
    return certificate.institution.staff.filter(pk=user.pk).exists()


def download_needs_second_factor(user: AnyUser, certificate: IssuedCertificate) -> bool:
    """True when ``user`` may download ``certificate`` only as staff and their
    role requires two-factor authentication they have not set up: staff reach
    every learner's certificate of their institution, so the same rule as the
    admin's (curbside.security.AdminSecurityMiddleware) applies. The learner
    downloads their own certificate without it."""
    from cms.two_factor import has_second_factor, mfa_required  # not while models load

    if certificate.user_id == user.pk:
        return False
    return mfa_required(user) and not has_second_factor(user)


# --- Learner records ----------------------------------------------------------


class ReadOnlyRecordPolicy(ModelPermissionPolicy):
    """Learner records are written only by the learner's journey: nobody, not
    even a superuser, adds, edits or deletes them in the admin."""

    WRITE_ACTIONS = {"add", "change", "delete"}

    def user_has_permission(self, user: AnyUser, action: str) -> bool:
        return action not in self.WRITE_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: AnyUser, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user: AnyUser, action: str, instance: Model) -> bool:
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(
        self, user: AnyUser, actions: Iterable[str], instance: Model
    ) -> bool:
        return self.user_has_any_permission(user, actions)


def records_blocking_deletion(page: Page) -> str | None:
    """Why ``page`` (or a page below it) cannot be deleted: learner records
    point at it. None when nothing does."""
    # Through the app registry: this module cannot import the models.
    enrolment = apps.get_model("learning", "Enrolment")
    step_completion = apps.get_model("learning", "StepCompletion")
    path_step = apps.get_model("learning", "PathStep")
    pages = Page.objects.descendant_of(page, inclusive=True)
    ids = list(pages.values_list("pk", flat=True))
    if enrolment.objects.filter(path_id__in=ids).exists():
        return "learners are enrolled in it"
    if step_completion.objects.filter(guide_id__in=ids).exists():
        return "learners have completed it as a step"
    if path_step.objects.filter(Q(guide_id__in=ids) & ~Q(page_id__in=ids)).exists():
        return "a learning path uses it as a step"
    return None


def refuse_deleting_records(request: HttpRequest, page: Page) -> HttpResponse | None:
    """``before_delete_page`` hook: content that learner records point at is
    unpublished instead, so no completion, attempt or claim is ever lost."""
    reason = records_blocking_deletion(page)
    if reason is None:
        return None
    messages.error(
        request,
        f"“{page.get_admin_display_title()}” cannot be deleted because {reason}; learner records "
        "must be kept. Unpublish it instead (or remove it from the path first).",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
