"""Registers learning's admin screens, permission policies and hooks with
Wagtail (nothing else here)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import admin_menu
from .compliance.admin_hooks import explain_draft_copy, refuse_bulk_publish, register_log_actions
from .compliance.entries import control_entries, controlled_models, paths_controlled_by
from .http_cache import (
    learning_dependents,
    learning_institution_dependents,
    learning_mentor_dependents,
)
from .journey.extensions import register_log_actions as register_extension_log_actions
from .journey.guide_paths import guide_paths_context
from .journey.home import home_page_context
from .journey.views.path_page import catalogue_context, guide_step_context
from .models import (
    Certificate,
    CertificateEvent,
    CreditClaim,
    Enrolment,
    StepCompletion,
    TestAttempt,
)
from .permissions import ReadOnlyRecordPolicy, refuse_deleting_records
from .viewsets import LearnerRecordsGroup

for record_model in (
    Enrolment,
    StepCompletion,
    TestAttempt,
    CreditClaim,
    Certificate,
    CertificateEvent,
):
    register_permission_policy(record_model, ReadOnlyRecordPolicy(record_model))

hooks.register("guide_page_context", guide_step_context)
hooks.register("guide_page_context", guide_paths_context)
hooks.register("home_page_context", home_page_context)
hooks.register("path_index_page_context", catalogue_context)
hooks.register("before_delete_page", refuse_deleting_records)
# What a shared HTTP cache purges with a guide or a path (learning.http_cache).
hooks.register("http_cache_dependents", learning_dependents)
hooks.register("http_cache_mentor_dependents", learning_mentor_dependents)
hooks.register("http_cache_institution_dependents", learning_institution_dependents)


# The CME reviewer's screen (cms.disclosure_admin) for a learning path: its
# planners, reviewers and step guides' faculty.
hooks.register("content_control_entries", control_entries)
hooks.register("controlled_content_models", controlled_models)
hooks.register("content_controlled_by", paths_controlled_by)


@hooks.register("register_admin_viewset")
def register_learner_records() -> LearnerRecordsGroup:
    return LearnerRecordsGroup()


# The CME office's screens and their menu items (learning.admin_menu).
hooks.register("register_admin_urls", admin_menu.admin_urls)
hooks.register("register_admin_menu_item", admin_menu.issue_certificates_menu_item)
hooks.register("register_admin_menu_item", admin_menu.reports_menu_item)

hooks.register("before_bulk_action", refuse_bulk_publish)
hooks.register("after_copy_page", explain_draft_copy)
hooks.register("register_log_actions", register_log_actions)
hooks.register("register_log_actions", register_extension_log_actions)
