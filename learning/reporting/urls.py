"""The report batch screens, under /admin/cme-reports/ (registered by
learning.wagtail_hooks, which wraps them in Wagtail's admin access check)."""

from django.urls import URLPattern, path

from . import admin_views as views

admin_urls: list[URLPattern] = [
    path("cme-reports/batches/", views.BatchListView.as_view(), name="learning_report_batches"),
    path(
        "cme-reports/batches/new/",
        views.NewBatchView.as_view(),
        name="learning_report_new_batch",
    ),
    path(
        "cme-reports/batches/<id:pk>/",
        views.BatchDetailView.as_view(),
        name="learning_report_batch",
    ),
    path(
        "cme-reports/batches/<id:pk>/learners.xlsx",
        views.batch_xlsx,
        name="learning_report_batch_xlsx",
    ),
    path(
        "cme-reports/batches/<id:pk>/learners.json",
        views.batch_json,
        name="learning_report_batch_json",
    ),
    path(
        "cme-reports/batches/ask/<id:certificate_id>/",
        views.ask_learner,
        name="learning_report_ask",
    ),
    path(
        "cme-reports/activities.xlsx",
        views.activities_export,
        name="learning_report_activities",
    ),
]
