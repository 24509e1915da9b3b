from django.urls import path

from . import views

urlpatterns = [
    path("consults/guides/<id:guide_id>/ask/", views.ask_on_guide, name="consult_ask_guide"),
    path(
        "consults/relationships/<id:pk>/",
        views.relationship_consults,
        name="consult_relationship",
    ),
    path("consults/questions/<id:pk>/", views.question_detail, name="consult_question"),
    path("consults/questions/<id:pk>/answer/", views.answer, name="consult_answer"),
    path(
        "consults/questions/<id:pk>/report/",
        views.report_question,
        name="consult_report_question",
    ),
    path("consults/questions/<id:pk>/faq/", views.make_faq, name="consult_make_faq"),
    path("consults/answers/<id:pk>/report/", views.report_answer, name="consult_report_answer"),
]
