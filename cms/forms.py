from wagtail.admin.forms import WagtailAdminPageForm

from .rules import disclosure_problems

GATED_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow")


class GuidePageForm(WagtailAdminPageForm):
    """Blocks submission (and publication) of a clinical guide whose authors'
    disclosures are out of date. The editor keeps every change and sees why."""

    def _submitted_mentors(self):
        formset = self.formsets.get("authors")
        if formset is None:
            return []
        formset.is_valid()  # cleans the inline forms if Wagtail has not yet
        mentors = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("mentor"):
                continue
            mentors.append(data["mentor"])
        return mentors

    def clean(self):
        cleaned = super().clean()
        if any(self.data.get(action) for action in GATED_ACTIONS):
            mentors = self._submitted_mentors()
            for problem in disclosure_problems(cleaned.get("topic"), mentors):
                self.add_error(None, problem)
        return cleaned
