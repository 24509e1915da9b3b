"""Disclosures in the admin: who has a current one, a person's history, and
signing a new one (a person their own; CME staff anyone's). Writing goes
through ``cms.disclosures.record_disclosure``; who may do what is
``cms.permissions``. A refused disclosure comes back with every problem and
everything typed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from wagtail import hooks

from cms.admin_header import TitledAdminTemplateMixin
from cms.disclosures import record_disclosure, relationship_problems
from cms.integers import parse_int
from cms.models import GuideAuthor, Mentor
from cms.permissions import (
    disclosure_people_q,
    is_cme_staff,
    is_person,
    may_manage_disclosures_of,
    may_record_mitigation,
)

from .forms import INELIGIBLE_COMPANY_HELP, DisclosureForm, RelationshipFormSet

# Extra blank relationship rows the "more rows" button adds, up to MAX_ROWS.
MORE_ROWS = 3
MAX_ROWS = 100


def disclosure_state(person, on):
    """("none" | "current" | "expired", the date that goes with it)."""
    current = person.current_disclosure
    if current is None:
        return "none", None
    return ("current" if current.is_current(on) else "expired"), current.expires_on


def controlled_content(person) -> list:
    """The pages ``person`` controls: guides they author, and whatever other
    apps report through the ``content_controlled_by`` hook (learning paths)."""
    from cms.models import GuidePage  # the pages module imports cms.control

    guide_ids = GuideAuthor.objects.filter(mentor=person).values_list("page_id", flat=True)
    pages = list(GuidePage.objects.filter(pk__in=guide_ids).order_by("title"))
    for hook in hooks.get_hooks("content_controlled_by"):
        pages += list(hook(person) or [])
    return pages


class PeopleView(TitledAdminTemplateMixin, TemplateView):
    """Everyone's disclosure status for CME staff; a person sees only themselves."""

    template_name = "cms/admin/disclosure_people.html"
    page_title = "Disclosures"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not is_cme_staff(user) and not Mentor.objects.filter(user=user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        people = (
            Mentor.objects.with_disclosures()
            .filter(disclosure_people_q(self.request.user))
            .order_by("sort_name", "pk")
        )
        rows = []
        for person in people:
            state, day = disclosure_state(person, today)
            rows.append({"person": person, "state": state, "date": day})
        return super().get_context_data(
            rows=rows,
            staff=is_cme_staff(self.request.user),
            reviewer=may_record_mitigation(self.request.user),
            **kwargs,
        )


class PersonMixin:
    """The person of the URL: 404 if there is none, and only the person
    themselves or CME staff may go further."""

    def dispatch(self, request, *args, **kwargs):
        person = Mentor.objects.with_disclosures().filter(pk=kwargs["pk"]).first()
        if person is None:
            raise Http404
        if not may_manage_disclosures_of(request.user, person):
            raise PermissionDenied
        self.person = person
        return super().dispatch(request, *args, **kwargs)


class HistoryView(PersonMixin, TitledAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/disclosure_history.html"
    header_icon = "history"

    def get_page_title(self):
        return f"Disclosures: {self.person.display_name}"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        history = self.person.disclosure_history
        rows = []
        for number, disclosure in enumerate(history):
            if number:
                state = "superseded"
            else:
                state = "current" if disclosure.is_current(today) else "expired"
            rows.append({"disclosure": disclosure, "state": state})
        reviewer = may_record_mitigation(self.request.user)
        return super().get_context_data(
            person=self.person,
            rows=rows,
            own=is_person(self.request.user, self.person),
            reviewer=reviewer,
            content=controlled_content(self.person) if reviewer else [],
            **kwargs,
        )


def prefill(person):
    """Initial values from the person's current disclosure, for a quick renewal."""
    current = person.current_disclosure
    if current is None:
        return {}, []
    rows = [
        {
            "company": rel.company,
            "nature": rel.nature,
            "detail": rel.detail,
            "started_on": rel.started_on,
            "ended_on": rel.ended_on,
            "ongoing": rel.ended_on is None,
        }
        for rel in current.relationship_list
    ]
    return {"none_to_disclose": current.none_to_disclose}, rows


class NewDisclosureView(PersonMixin, TitledAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/disclosure_form.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return f"New disclosure: {self.person.display_name}"

    @property
    def staff_entry(self) -> bool:
        return not is_person(self.request.user, self.person)

    def get(self, request, *args, **kwargs):
        initial, rows = prefill(self.person)
        form = DisclosureForm(initial=initial, staff_entry=self.staff_entry)
        formset = RelationshipFormSet(initial=rows, prefix="rel")
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form = DisclosureForm(request.POST, staff_entry=self.staff_entry)
        if "more_rows" in request.POST:
            # More blank rows, nothing checked yet: what was typed stays.
            data = request.POST.copy()
            total = parse_int(data.get("rel-TOTAL_FORMS"), min_value=0, max_value=MAX_ROWS)
            if total is not None:
                data["rel-TOTAL_FORMS"] = str(min(total + MORE_ROWS, MAX_ROWS))
            formset = RelationshipFormSet(data, prefix="rel")
            context = self.get_context_data(form=form, formset=formset, quiet=True)
            return self.render_to_response(context)
        formset = RelationshipFormSet(request.POST, prefix="rel")
        if self.save(form, formset):
            messages.success(
                request,
                f"Disclosure signed for {self.person.display_name}. It supersedes the previous "
                "one, which stays in the history.",
            )
            return redirect("cms_disclosure_history", self.person.pk)
        messages.error(request, "The disclosure was not recorded: see the problems below.")
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def save(self, form, formset) -> bool:
        """Record the disclosure, or attach every problem to the forms."""
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if not (form_ok and formset_ok):
            return False
        rows = formset.live_forms()
        relationships = [row.relationship() for row in rows]
        given_on = form.cleaned_data.get("given_on") or timezone.localdate()
        # Each row's own problems go on the row; the rest at the top.
        for row, rel in zip(rows, relationships, strict=True):
            for problem in relationship_problems([rel], given_on):
                row.add_error(None, problem.split(": ", 1)[-1])
        listed = set(relationship_problems(relationships, given_on))
        try:
            record_disclosure(
                self.person,
                relationships=relationships,
                none_to_disclose=form.cleaned_data["none_to_disclose"],
                signed_name=form.cleaned_data["signed_name"],
                recorded_by=self.request.user,
                given_on=given_on,
            )
        except ValidationError as error:
            for message in error.messages:
                if message not in listed:
                    form.add_error(None, message)
            return False
        return True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            staff_entry=self.staff_entry,
            company_help=INELIGIBLE_COMPANY_HELP,
            **kwargs,
        )


def history_url(person) -> str:
    return reverse("cms_disclosure_history", args=(person.pk,))
