from django.core.exceptions import PermissionDenied

from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from .models import Institution, Mentor


class InstancePermissionEditView(EditView):
    """Wagtail's generic edit view checks the model-level permission only; our
    policies also decide per record (a mentor edits their own profile)."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        ):
            raise PermissionDenied
        return obj


class OwnRecordSnippetViewSet(SnippetViewSet):
    edit_view_class = InstancePermissionEditView
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
    search_fields = ["name", "specialty"]
    ordering = ["sort_name"]


class InstitutionViewSet(OwnRecordSnippetViewSet):
    model = Institution
    icon = "group"
    menu_label = "Institutions"
    list_display = ["name", "contact_email", "signatory_name"]
    search_fields = ["name"]


class PeopleViewSetGroup(SnippetViewSetGroup):
    items = (MentorViewSet, InstitutionViewSet)
    menu_icon = "group"
    menu_label = "People"
    menu_name = "people"
