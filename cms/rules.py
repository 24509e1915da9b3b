"""Editorial rules that the admin, the site and the tests share."""

import datetime

from django.utils import timezone

from .choices import Topic

# The dates an editor types (a release, a review, a signature): wide enough
# for any real content, narrow enough that adding a review interval (3 years)
# or counting back a look-back period (24 months) stays inside the calendar.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)
DATE_OUT_OF_RANGE = "Choose a date between 1 January 1900 and 31 December 2099."


def dates_out_of_range(instance, field_names) -> dict[str, str]:
    """``{field: message}`` for each of ``instance``'s date fields outside
    EARLIEST_DATE to LATEST_DATE."""
    errors = {}
    for name in field_names:
        value = getattr(instance, name, None)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            errors[name] = DATE_OUT_OF_RANGE
    return errors


# Guides on these topics need every author's disclosure to be current before
# they can be submitted for review or published.
DISCLOSURE_REQUIRED_TOPICS = frozenset({Topic.CLINICAL})


def mentors_lacking_disclosure(topic, mentors, on=None):
    """The mentors ``disclosure_problems`` names, in order: on a topic that
    needs disclosures, those with none or none given in the last 12 months."""
    if topic not in DISCLOSURE_REQUIRED_TOPICS:
        return []
    on = on or timezone.localdate()
    return [
        mentor
        for mentor in mentors
        if mentor.disclosure_date is None or not mentor.disclosure_is_current(on)
    ]


def disclosure_problems(topic, mentors, on=None):
    """Why these mentors may not submit a guide on this topic, or [] if they may.

    A clinical-judgment guide needs a financial-relationships disclosure from
    each author given within the last 12 months. Career-navigation and
    practice-management guides are exempt.
    """
    problems = []
    for mentor in mentors_lacking_disclosure(topic, mentors, on):
        if mentor.disclosure_date is None:
            problems.append(
                f"{mentor.display_name} has not given a disclosure of financial relationships. "
                "Clinical-judgment guides need a current disclosure from every author before "
                "they can be submitted for review."
            )
        else:
            problems.append(
                f"{mentor.display_name}'s disclosure of financial relationships was given on "
                f"{mentor.disclosure_date:%-d %B %Y} and expired on "
                f"{mentor.disclosure_expires:%-d %B %Y}. Clinical-judgment guides need a "
                "disclosure from the last 12 months: update it under Snippets > Mentors, "
                "then submit again."
            )
    return problems
