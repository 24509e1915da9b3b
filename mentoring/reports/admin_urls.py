from django.urls import path

from .views import ProgrammeReportView, programme_report_csv

urlpatterns = [
    path(
        "mentoring/programmes/<int:pk>/report/",
        ProgrammeReportView.as_view(),
        name="mentoring_programme_report",
    ),
    path(
        "mentoring/programmes/<int:pk>/report.csv",
        programme_report_csv,
        name="mentoring_programme_report_csv",
    ),
]
