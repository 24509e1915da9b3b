"""Programmes in the Wagtail admin, for the staff of their institution."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from cms.models import Institution

from .models import Audience, Programme
from .models.programmes import email_domains
from .permissions import staff_programmes
from .urls import RESERVED_SLUGS

DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


class ProgrammeForm(WagtailAdminModelForm):
    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and not for_user.is_superuser:
            field = self.fields["institution"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Institution.objects.filter(staff=for_user)

    def clean_member_email_domains(self) -> str:
        text = self.cleaned_data["member_email_domains"]
        for domain in email_domains(text):
            if not DOMAIN.fullmatch(domain):
                raise forms.ValidationError(
                    f"“{domain}” is not an e-mail domain: write it like “lakeshore.org”."
                )
        return "\n".join(email_domains(text))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("audience") == Audience.MEMBERS and not email_domains(
            cleaned.get("member_email_domains") or ""
        ):
            self.add_error(
                "member_email_domains",
                "A members-only programme needs at least one e-mail domain of the "
                "institution's members.",
            )
        return cleaned

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"“{slug}” is taken by a page of the site: choose another.")
        return slug


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Any]:
        return super().get_base_queryset().filter(pk__in=staff_programmes(self.request.user))


class ScopedEditView(generic.EditView):
    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        return get_object_or_404(staff_programmes(self.request.user), pk=self.kwargs["pk"])


class ScopedDeleteView(generic.DeleteView):
    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        return get_object_or_404(staff_programmes(self.request.user), pk=self.kwargs["pk"])


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "group"
    menu_label = "Mentoring programmes"
    menu_name = "mentoring_programmes"
    url_prefix = "mentoring/programmes"
    name = "mentoring_programmes"
    add_to_admin_menu = True
    menu_order = 350
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "title",
        "institution",
        Column("kind", label="Kind", accessor="get_kind_display"),
        Column("status", label="Status", accessor="get_status_display"),
        TitleColumn(
            "cohort",
            label="Cohort table",
            accessor=lambda programme: "Suggested pairs",
            get_url=lambda programme: reverse("mentoring_cohort", args=[programme.pk]),
        ),
        TitleColumn(
            "report",
            label="Report",
            accessor=lambda programme: "Programme report",
            get_url=lambda programme: reverse("mentoring_programme_report", args=[programme.pk]),
        ),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("institution"),
            FieldRowPanel([FieldPanel("title"), FieldPanel("slug")]),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldPanel("kind"),
                    FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                    FieldPanel("cadence"),
                    FieldPanel("mentees_per_mentor"),
                    FieldPanel("matching_mode"),
                ],
                heading="How it runs",
            ),
            MultiFieldPanel(
                [FieldPanel("audience"), FieldPanel("member_email_domains")],
                heading="Who may join",
            ),
            FieldPanel("status"),
        ],
        base_form_class=ProgrammeForm,
    )
