"""A CME reviewer's decision or exception, recorded through ``cms.disclosures``
and written, in the same transaction, to the page's Wagtail audit log, so it
appears in the page's History with who decided what and why."""

from django.db import transaction

from wagtail.log_actions import LogFormatter, log

from cms.choices import MitigationMethod, OwnerException
from cms.disclosures import record_decision, record_owner_exception

DECISION_ACTION = "curbside.relevance_decision"
EXCEPTION_ACTION = "curbside.owner_exception"


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "system"


@transaction.atomic
def decide(page, status, *, relevant: bool, mitigation: str, reason: str, user):
    """Record a relevance decision on ``page`` for one relationship (a
    ``cms.control.RelationshipStatus``) and log it on the page."""
    relationship = status.relationship
    decision = record_decision(
        page,
        relationship,
        relevant=relevant,
        mitigation=mitigation,
        reason=reason,
        decided_by=user,
    )
    log(
        instance=page.specific,
        action=DECISION_ACTION,
        user=user,
        data={
            "decision": decision.pk,
            "person": relationship.disclosure.person.display_name,
            "company": relationship.company,
            "nature": relationship.nature_label,
            "relevant": decision.relevant,
            "mitigation": decision.mitigation,
            "reason": decision.reason,
            "decided_by": _who(user),
        },
    )
    return decision


@transaction.atomic
def record_exception(page, person, *, exception: str, withdrawn: bool, reason: str, user):
    """Record (or withdraw) a Standard 3 exception for ``person`` on ``page``
    and log it on the page."""
    record = record_owner_exception(
        page, person, exception=exception, reason=reason, recorded_by=user, withdrawn=withdrawn
    )
    log(
        instance=page.specific,
        action=EXCEPTION_ACTION,
        user=user,
        data={
            "exception_record": record.pk,
            "person": person.display_name,
            "exception": record.exception,
            "withdrawn": record.withdrawn,
            "reason": record.reason,
            "recorded_by": _who(user),
        },
    )
    return record


class DecisionFormatter(LogFormatter):
    label = "Relevance decision (Standard 3)"

    def format_message(self, log_entry):
        data = log_entry.data
        subject = f"{data['person']}'s relationship with {data['company']} ({data['nature']})"
        if data["relevant"]:
            method = MitigationMethod(data["mitigation"]).label
            verdict = f"is relevant; mitigated by: {method}"
        else:
            verdict = "is not relevant"
        return f"{data['decided_by']} decided {subject} {verdict}. Reason: {data['reason']}"


class ExceptionFormatter(LogFormatter):
    label = "Owner/employee exception (Standard 3)"

    def format_message(self, log_entry):
        data = log_entry.data
        if data["withdrawn"]:
            what = f"withdrew the Standard 3 exception for {data['person']}"
        else:
            which = OwnerException(data["exception"]).label
            what = f"recorded a Standard 3 exception for {data['person']}: {which}"
        return f"{data['recorded_by']} {what}. Reason: {data['reason']}"


def register_log_actions(actions) -> None:
    actions.register_action(DECISION_ACTION)(DecisionFormatter)
    actions.register_action(EXCEPTION_ACTION)(ExceptionFormatter)
