"""Fields hidden by a panel permission are dropped from the form for users
without it (cms.panels), and the system check cms.E001 finds any group that
only hides them."""

from django.core.exceptions import ImproperlyConfigured

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList

import pytest

from cms.checks import check_hidden_fields_are_refused
from cms.models import Mentor
from cms.panels import RestrictedPanel, restricted_fields, unrestricted_fields


def test_a_group_permission_alone_leaves_its_fields_open():
    panel = ObjectList(
        [
            FieldPanel("name"),
            MultiFieldPanel([FieldPanel("user"), FieldPanel("is_active")], permission="p.x"),
        ]
    )
    assert sorted(unrestricted_fields(panel)) == [("is_active", "p.x"), ("user", "p.x")]
    assert restricted_fields(panel) == {}


def test_restricted_panel_restricts_every_field_inside_it():
    panel = ObjectList(
        [
            FieldPanel("name"),
            RestrictedPanel([FieldPanel("user"), FieldPanel("is_active")], permission="p.x"),
        ]
    )
    assert unrestricted_fields(panel) == []
    assert restricted_fields(panel) == {"user": "p.x", "is_active": "p.x"}


def test_inline_panels_cannot_be_restricted():
    with pytest.raises(ImproperlyConfigured):
        RestrictedPanel([InlinePanel("relationships")], permission="p.x")


def test_mentor_account_fields_are_restricted():
    handler = Mentor.snippet_viewset.get_edit_handler()
    assert restricted_fields(handler) == {
        "user": "cms.manage_mentors",
        "in_directory": "cms.manage_mentors",
        "is_active": "cms.manage_mentors",
    }


def test_the_project_passes_the_check():
    assert check_hidden_fields_are_refused(None) == []
