"""Admin URLs of the disclosure and CME review screens (under /admin/cme/)."""

from django.urls import path

from .mitigation import ContentIndexView, ContentReviewView
from .views import HistoryView, NewDisclosureView, PeopleView

urlpatterns = [
    path("cme/people/", PeopleView.as_view(), name="cms_disclosure_people"),
    path("cme/people/<id:pk>/", HistoryView.as_view(), name="cms_disclosure_history"),
    path("cme/people/<id:pk>/disclose/", NewDisclosureView.as_view(), name="cms_disclosure_new"),
    path("cme/content/", ContentIndexView.as_view(), name="cms_content_index"),
    path("cme/content/<id:page_id>/", ContentReviewView.as_view(), name="cms_content_review"),
]
