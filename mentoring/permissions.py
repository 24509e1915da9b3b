"""Who may see and do what in mentoring: predicates and Q filters.

Programme staff are the staff of the programme's institution (``cms.Institution.staff``)
and superusers. A members-only programme is for its institution's members: a
person with a verified e-mail address at one of the programme's member domains,
and the institution's staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from wagtail.permission_policies import ModelPermissionPolicy

from .models import Audience, ParticipationStatus, Programme, ProgrammeStatus, Role

AnyUser = User | AnonymousUser


def staff_programmes_q(user: AnyUser) -> Q:
    """Programmes ``user`` runs: their institutions' (every one for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return Q(institution__staff=user)


def staff_programmes(user: AnyUser) -> QuerySet[Programme]:
    return Programme.objects.filter(staff_programmes_q(user)).distinct()


def is_programme_staff(user: AnyUser, programme: Programme) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or programme.institution.staff.filter(pk=user.pk).exists()


def may_staff_mentoring(user: AnyUser) -> bool:
    """May ``user`` use the mentoring screens in the admin at all?"""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.staff_institutions.exists())
    )


def verified_domains(user: AnyUser) -> set[str]:
    from allauth.account.models import EmailAddress

    if not user.is_authenticated:
        return set()
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    return {address.rsplit("@", 1)[-1].lower() for address in addresses if "@" in address}


def is_member(user: AnyUser, programme: Programme) -> bool:
    """Is ``user`` a member of the programme's institution?"""
    if not user.is_authenticated:
        return False
    if programme.institution.staff.filter(pk=user.pk).exists():
        return True
    return bool(verified_domains(user) & set(programme.domains))


def may_join(user: AnyUser, programme: Programme) -> bool:
    return (
        user.is_authenticated
        and programme.status == ProgrammeStatus.OPEN
        and (programme.audience == Audience.ANYONE or is_member(user, programme))
    )


def listed_programmes_q() -> Q:
    """What the public list shows: open programmes (members-only ones too, marked)."""
    return Q(status=ProgrammeStatus.OPEN)


def visible_programme(user: AnyUser, programme: Programme) -> bool:
    """May ``user`` see the programme's public page? Open and closed ones are
    public; a draft only to its staff."""
    return programme.status != ProgrammeStatus.DRAFT or is_programme_staff(user, programme)


def active_roles(user: AnyUser, programme: Programme) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        programme.participants.filter(user=user, status=ParticipationStatus.ACTIVE).values_list(
            "role", flat=True
        )
    )


def is_active_mentee(user: AnyUser, programme: Programme) -> bool:
    return Role.MENTEE in active_roles(user, programme)


def owns(user: AnyUser, obj: Any, field: str) -> bool:
    return bool(user.is_authenticated and getattr(obj, f"{field}_id") == user.pk)


class ProgrammePolicy(ModelPermissionPolicy):
    """Programmes in the admin: institution staff manage their institutions'
    programmes (and only those); superusers every one."""

    ACTIONS = {"add", "change", "delete", "view"}

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in self.ACTIONS and may_staff_mentoring(user)

    def user_has_any_permission(self, user: Any, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_permission(user, action) and is_programme_staff(user, instance)

    def user_has_any_permission_for_instance(
        self, user: Any, actions: Iterable[str], instance: Any
    ) -> bool:
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_permission_for(self, user: Any, action: str) -> QuerySet[Any]:
        if not self.user_has_permission(user, action):
            return Programme.objects.none()
        return staff_programmes(user)

    def instances_user_has_any_permission_for(
        self, user: Any, actions: Iterable[str]
    ) -> QuerySet[Any]:
        if not self.user_has_any_permission(user, actions):
            return Programme.objects.none()
        return staff_programmes(user)
