"""Enrolments on a path without credit whose evaluation was submitted are
complete: the evaluation is such a path's last stage (it has no claim). Until
this change they stayed "in progress" for good, and blocked any path needing
them as a prerequisite. Completed at the evaluation's time."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def complete(apps, schema_editor):
    Enrolment = apps.get_model("learning", "Enrolment")
    EvaluationResponse = apps.get_model("learning", "EvaluationResponse")
    submitted = EvaluationResponse.objects.filter(enrolment=OuterRef("pk")).values(
        "submitted_at"
    )[:1]
    stuck = Enrolment.objects.filter(
        completed_at__isnull=True,
        path__max_credits=0,
        pk__in=EvaluationResponse.objects.values("enrolment_id"),
    )
    stuck.update(completed_at=Subquery(submitted))


class Migration(migrations.Migration):
    dependencies = [("learning", "0014_certificate_family_name")]

    operations = [migrations.RunPython(complete, migrations.RunPython.noop)]
