from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property

from wagtail.admin.widgets import Button
from wagtail.snippets.views.snippets import (
    EditView,
    HistoryView,
    RevisionsCompareView,
    SnippetViewSet,
    SnippetViewSetGroup,
    UsageView,
)

from .models import Institution, Mentor
from .permissions import may_manage_disclosures_of


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


class MentorEditView(InstancePermissionEditView):
    """Links to the person's disclosures (cms.disclosure_admin)."""

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if may_manage_disclosures_of(self.request.user, self.object):
            url = reverse("cms_disclosure_history", args=(self.object.pk,))
            buttons.append(Button("Disclosures", url=url, icon_name="doc-full", priority=5))
        return buttons


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
    edit_view_class = MentorEditView
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
