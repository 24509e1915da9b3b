"""The CME reviewer's screen for one piece of content (a guide or a learning
path): everyone in control of it, each relationship of their current
disclosure with the decision in force and its history, a form to record a new
decision, and for owners and employees of ineligible companies the Standard 3
exception. What still blocks publication is listed at the top.

Only CME reviewers (``cms.record_mitigation``) and superusers see it; the
entries of a path come from the ``content_control_entries`` hook (cms does not
import learning)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.models import Page

from cms.admin_header import TitledAdminTemplateMixin
from cms.control import EntryStatus, RelationshipStatus, guide_entries, statuses
from cms.integers import parse_id
from cms.models.disclosures import OwnerEmployeeException, RelevanceDecision
from cms.permissions import may_record_mitigation

from . import audit
from .forms import DecisionForm, ExceptionForm


def controlled_content_models() -> list:
    """The page types whose people disclose: guides, and what other apps
    register with the ``controlled_content_models`` hook (learning paths)."""
    from cms.models import GuidePage  # the pages module imports cms.control

    models = [GuidePage]
    for hook in hooks.get_hooks("controlled_content_models"):
        models += list(hook())
    return models


def is_controlled_content(page) -> bool:
    return issubclass(page.specific_class or Page, tuple(controlled_content_models()))


def content_entries(page):
    """Everyone in control of ``page`` (a specific page), or None when the page
    is not content whose people disclose."""
    from cms.models import GuidePage

    if isinstance(page, GuidePage):
        return guide_entries(page)
    for hook in hooks.get_hooks("content_control_entries"):
        entries = hook(page)
        if entries is not None:
            return list(entries)
    return None


@dataclass
class RelationshipRow:
    status: RelationshipStatus
    form: DecisionForm
    history: list

    @property
    def anchor(self) -> str:
        return f"decision-{self.form.prefix}"


@dataclass
class PersonBlock:
    status: EntryStatus
    roles: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    exception_form: ExceptionForm | None = None
    exception_history: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"person-{self.status.entry.page.pk}-{self.status.person.pk}"


@dataclass
class Section:
    page: Page
    people: dict = field(default_factory=dict)


def decision_prefix(page_id, relationship_id) -> str:
    return f"d-{page_id}-{relationship_id}"


def exception_prefix(page_id, person_id) -> str:
    return f"x-{page_id}-{person_id}"


def build_sections(entry_statuses, bound: dict) -> list[Section]:
    """Group the statuses by decision page, then person, with unbound forms
    (or the bound one of ``bound``, keyed by form prefix) and histories."""
    page_ids = {s.entry.page.pk for s in entry_statuses}
    rel_ids = {r.relationship.pk for s in entry_statuses for r in s.relationships}
    person_ids = {s.person.pk for s in entry_statuses}
    decisions = defaultdict(list)
    for decision in RelevanceDecision.objects.filter(
        page_id__in=page_ids, relationship_id__in=rel_ids
    ).select_related("decided_by"):
        decisions[decision.page_id, decision.relationship_id].append(decision)
    exceptions = defaultdict(list)
    for record in OwnerEmployeeException.objects.filter(
        page_id__in=page_ids, person_id__in=person_ids
    ).select_related("recorded_by"):
        exceptions[record.page_id, record.person_id].append(record)

    sections: dict[int, Section] = {}
    for status in entry_statuses:
        page = status.entry.page
        section = sections.setdefault(page.pk, Section(page=page))
        block = section.people.get(status.person.pk)
        if block is None:
            block = section.people[status.person.pk] = PersonBlock(status=status)
            for rel_status in status.relationships:
                rel = rel_status.relationship
                prefix = decision_prefix(page.pk, rel.pk)
                form = bound.get(prefix) or DecisionForm(prefix=prefix)
                block.rows.append(RelationshipRow(rel_status, form, decisions[page.pk, rel.pk]))
            if status.owner_or_employee_of or exceptions[page.pk, status.person.pk]:
                prefix = exception_prefix(page.pk, status.person.pk)
                block.exception_form = bound.get(prefix) or ExceptionForm(prefix=prefix)
                block.exception_history = exceptions[page.pk, status.person.pk]
        if status.entry.role not in block.roles:
            block.roles.append(status.entry.role)
    return list(sections.values())


class ContentReviewView(TitledAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/content_review.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        # Refused before the page is looked up: others learn nothing about it.
        if not may_record_mitigation(request.user):
            raise PermissionDenied
        page = Page.objects.filter(pk=kwargs["page_id"]).first()
        if page is None or not is_controlled_content(page):
            raise Http404
        self.page = page.specific
        self.entries = content_entries(self.page) or []
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Disclosures and mitigation: {self.page.title}"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, bound=None, **kwargs):
        entry_statuses = statuses(self.entries)
        today = timezone.localdate()
        problems = list(dict.fromkeys(p for s in entry_statuses for p in s.problems(today)))
        return super().get_context_data(
            page=self.page,
            page_kind=self.page._meta.verbose_name,
            sections=build_sections(entry_statuses, bound or {}),
            problems=problems,
            history_url=reverse("wagtailadmin_pages:history", args=(self.page.pk,)),
            **kwargs,
        )

    def find(self, page_id, key, relationship=True):
        """The status that a POST names: (status, relationship status or None),
        or None when it is not (or no longer) on this screen."""
        for status in statuses(self.entries):
            if status.entry.page.pk != page_id:
                continue
            if not relationship and status.person.pk == key:
                return status, None
            for rel_status in status.relationships if relationship else ():
                if rel_status.relationship.pk == key:
                    return status, rel_status
        return None

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind")
        page_id = parse_id(request.POST.get("page"))
        key = parse_id(request.POST.get("target"))
        found = self.find(page_id, key, relationship=kind == "decision")
        if (
            found
            and kind == "exception"
            and not (found[0].owner_or_employee_of or found[0].exception)
        ):
            found = None  # only owners and employees need (or have) an exception
        if kind not in ("decision", "exception") or found is None:
            messages.error(
                request,
                "Nothing was recorded: that person or relationship is no longer part of this "
                "content's current disclosures (a new disclosure may have been signed). "
                "Review the current ones below.",
            )
            return self.render_to_response(self.get_context_data())
        status, rel_status = found
        target_page = status.entry.page
        if kind == "decision":
            prefix = decision_prefix(target_page.pk, key)
            form = DecisionForm(request.POST, prefix=prefix)
            saved = form.is_valid() and self.try_record(
                form,
                lambda data: audit.decide(
                    target_page,
                    rel_status,
                    relevant=data["relevant"],
                    mitigation=data["mitigation"],
                    reason=data["reason"],
                    user=request.user,
                ),
            )
            done = f"Decision recorded for the relationship with {rel_status.relationship.company}."
        else:
            prefix = exception_prefix(target_page.pk, key)
            form = ExceptionForm(request.POST, prefix=prefix)
            saved = form.is_valid() and self.try_record(
                form,
                lambda data: audit.record_exception(
                    target_page,
                    status.person,
                    exception="" if data["withdraw"] else data["exception"],
                    withdrawn=data["withdraw"],
                    reason=data["reason"],
                    user=request.user,
                ),
            )
            done = f"Standard 3 exception record saved for {status.person.display_name}."
        if saved:
            messages.success(request, done)
            url = reverse("cms_content_review", args=(self.page.pk,))
            return redirect(f"{url}#{prefix}")
        messages.error(request, "Nothing was recorded: see the problem below.")
        return self.render_to_response(self.get_context_data(bound={prefix: form}))

    @staticmethod
    def try_record(form, record) -> bool:
        try:
            record(form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return False
        return True


class ContentIndexView(TitledAdminTemplateMixin, TemplateView):
    """Every guide and path, for a CME reviewer to open its screen."""

    template_name = "cms/admin/content_index.html"
    page_title = "Disclosures and mitigation"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not may_record_mitigation(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        groups = [
            (model._meta.verbose_name_plural.capitalize(), model.objects.order_by("title"))
            for model in controlled_content_models()
        ]
        return super().get_context_data(groups=groups, **kwargs)
