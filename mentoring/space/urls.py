"""/mentoring/space/<id>/...: the pair's private space (one include line in
curbside/urls.py)."""

from django.urls import path

from . import session_views, views

urlpatterns = [
    path("<id:pk>/", views.space, name="mentoring_space"),
    path("<id:pk>/agreement/", views.agreement, name="mentoring_space_agreement"),
    path(
        "<id:pk>/agreement/accept/",
        views.agreement_accept,
        name="mentoring_space_agreement_accept",
    ),
    path("<id:pk>/goals/add/", views.goal_add, name="mentoring_space_goal_add"),
    path("<id:pk>/goals/<id:goal_id>/", views.goal, name="mentoring_space_goal"),
    path("<id:pk>/sessions/add/", session_views.session_add, name="mentoring_space_session_add"),
    path(
        "<id:pk>/sessions/<id:session_id>/",
        session_views.session_detail,
        name="mentoring_space_session",
    ),
    path(
        "<id:pk>/sessions/<id:session_id>/edit/",
        session_views.session_edit,
        name="mentoring_space_session_edit",
    ),
    path(
        "<id:pk>/sessions/<id:session_id>/cancel/",
        session_views.session_cancel,
        name="mentoring_space_session_cancel",
    ),
    path(
        "<id:pk>/sessions/<id:session_id>/held/",
        session_views.session_held,
        name="mentoring_space_session_held",
    ),
    path(
        "<id:pk>/sessions/<id:session_id>/notes/<id:note_id>/delete/",
        session_views.note_delete,
        name="mentoring_space_note_delete",
    ),
    path(
        "<id:pk>/sessions/<id:session_id>/invite.ics",
        session_views.invite,
        name="mentoring_space_invite",
    ),
    path("<id:pk>/close/", views.close, name="mentoring_space_close"),
    path("<id:pk>/rematch/", views.rematch, name="mentoring_space_rematch"),
]
