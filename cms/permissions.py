from django.db.models import Q

from wagtail.permission_policies import ModelPermissionPolicy


class OwnRecordPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, plus an ``own`` permission that allows changing only
    the records a user is linked to.

    Users with the model's ``change`` permission (administrators) edit every
    record; users with ``own_permission`` edit only those matched by
    ``owner_lookup`` (a queryset lookup that is compared with the user).
    """

    def __init__(self, model, own_permission, owner_lookup):
        super().__init__(model)
        self.own_permission = own_permission
        self.owner_lookup = owner_lookup

    def _can_edit_own(self, user, actions):
        return "change" in actions and user.is_active and user.has_perm(self.own_permission)

    def _has_model_permission(self, user, actions):
        return user.is_active and any(
            user.has_perm(self._get_permission_name(action)) for action in actions
        )

    def _owned_q(self, user):
        return Q(**{self.owner_lookup: user})

    def user_has_permission(self, user, action):
        return self.user_has_any_permission(user, [action])

    def user_has_any_permission(self, user, actions):
        return self._has_model_permission(user, actions) or self._can_edit_own(user, actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if self._has_model_permission(user, actions):
            return True
        return (
            self._can_edit_own(user, actions)
            and self.model._default_manager.filter(self._owned_q(user), pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if self._has_model_permission(user, actions):
            return self.model._default_manager.all()
        if self._can_edit_own(user, actions):
            # By primary key, so that the admin's search (Wagtail's search
            # backend, which can only filter on indexed fields) can narrow it.
            owned = self.model._default_manager.filter(self._owned_q(user)).values_list(
                "pk", flat=True
            )
            return self.model._default_manager.filter(pk__in=list(owned))
        return self.model._default_manager.none()


# --- Disclosures and CME review (ACCME Standard 3) ---------------------------
#
# "CME staff" (cms.manage_disclosures: CME reviewers and institution staff)
# enter and renew anyone's disclosure and read every history. A person signs
# their own (their Mentor.user is them). Only CME reviewers
# (cms.record_mitigation) record relevance, mitigation and exceptions.


def is_cme_staff(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("cms.manage_disclosures"))


def may_record_mitigation(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("cms.record_mitigation"))


def is_person(user, person) -> bool:
    """Is ``person`` (a Mentor) the signed-in ``user`` themselves?"""
    return user.is_active and person.user_id is not None and person.user_id == user.pk


def may_manage_disclosures_of(user, person) -> bool:
    """May ``user`` sign a new disclosure for ``person`` and read their history?"""
    return is_cme_staff(user) or is_person(user, person)


def disclosure_people_q(user) -> Q:
    """The people whose disclosures ``user`` may see: everyone for CME staff,
    themselves for a person, nobody otherwise."""
    if is_cme_staff(user):
        return Q()
    if user.is_active and user.is_authenticated:
        return Q(user=user)
    return Q(pk__in=[])
