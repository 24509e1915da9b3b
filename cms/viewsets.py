from django.core.exceptions import PermissionDenied

from wagtail.snippets.views.snippets import (
    EditView,
    HistoryView,
    RevisionsCompareView,
    SnippetViewSet,
    SnippetViewSetGroup,
    UsageView,
)

from .models import Institution, Mentor


class InstancePermissionMixin:
    """Wagtail's generic object views check the model-level permission only; our
    policies also decide per record (a mentor edits their own profile, and only
    theirs: its history, earlier revisions and usage included)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        ):
            raise PermissionDenied
        return obj


class InstancePermissionEditView(InstancePermissionMixin, EditView):
    pass


class InstancePermissionHistoryView(InstancePermissionMixin, HistoryView):
    pass


class InstancePermissionCompareView(InstancePermissionMixin, RevisionsCompareView):
    pass


class InstancePermissionUsageView(InstancePermissionMixin, UsageView):
    pass


class OwnRecordSnippetViewSet(SnippetViewSet):
    edit_view_class = InstancePermissionEditView
    history_view_class = InstancePermissionHistoryView
    revisions_compare_view_class = InstancePermissionCompareView
    usage_view_class = InstancePermissionUsageView
    copy_view_enabled = False

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        )


class MentorViewSet(OwnRecordSnippetViewSet):
    model = Mentor
    icon = "user"
    menu_label = "Mentors"
    list_display = ["display_name", "specialty", "institution_name", "disclosure_date"]
    list_filter = ["practice_setting", "international_graduate", "is_active"]
    ordering = ["sort_name"]


class InstitutionViewSet(OwnRecordSnippetViewSet):
    model = Institution
    icon = "group"
    menu_label = "Institutions"
    list_display = ["name", "contact_email", "signatory_name"]


class PeopleViewSetGroup(SnippetViewSetGroup):
    items = (MentorViewSet, InstitutionViewSet)
    menu_icon = "group"
    menu_label = "People"
    menu_name = "people"
