from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import CreditClaim, Enrolment, StepCompletion, TestAttempt
from .protection import refuse_deleting_records
from .views import guide_step_context
from .viewsets import LearnerRecordsGroup, ReadOnlyRecordPolicy

for record_model in (Enrolment, StepCompletion, TestAttempt, CreditClaim):
    register_permission_policy(record_model, ReadOnlyRecordPolicy(record_model))

hooks.register("guide_page_context", guide_step_context)
hooks.register("before_delete_page", refuse_deleting_records)


@hooks.register("register_admin_viewset")
def register_learner_records():
    return LearnerRecordsGroup()
