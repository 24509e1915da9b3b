"""The path page's list of steps (learning_tags.step_items): what each step
says to a visitor, to an enrolled learner part-way through, and that titles
are escaped."""

import re

import pytest

from learning.journey import progress, services
from tests.factories import GuidePageFactory

pytestmark = pytest.mark.django_db

ITEM = re.compile(
    r'<li class="step(?P<css>[^"]*)"><span class="step__marker" aria-hidden="true">'
    r'(?P<marker>[^<]*)</span><span class="step__body"><a href="(?P<href>[^"]*)">'
    r'(?P<title>[^<]*)</a> <span class="step__state">(?P<state>[^<]*)</span></span></li>'
)


def steps_shown(client, path):
    page = client.get(path.url).content.decode()
    listed = page.split('<ol class="step-list">', 1)[1].split("</ol>", 1)[0]
    return [match.groupdict() for match in ITEM.finditer(listed)]


def test_a_visitor_sees_each_step_with_its_reading_time(client, path):
    guides = [step.guide for step in progress.path_steps(path)]
    shown = steps_shown(client, path)
    assert [item["title"] for item in shown] == [guide.title for guide in guides]
    assert [item["state"] for item in shown] == [
        f"{guide.reading_minutes} min read" for guide in guides
    ]
    assert [item["marker"] for item in shown] == ["1", "2", "3"]
    assert {item["css"] for item in shown} == {""}


def test_a_learner_sees_done_next_and_not_started(client, learner, path):
    services.enrol(learner, path)
    first, second, third = (step.guide for step in progress.path_steps(path))
    services.complete_step(learner, path, first.pk)
    client.force_login(learner)
    shown = steps_shown(client, path)
    assert [(item["css"], item["marker"], item["state"]) for item in shown] == [
        (" step--done", "✓", "Completed"),
        (" step--next", "2", "Up next"),
        ("", "3", "Not started"),
    ]
    # Each step opens its guide, read as a step of this path.
    assert [item["href"] for item in shown] == [
        f"{guide.url}?path={path.slug}" for guide in (first, second, third)
    ]
    assert client.get(shown[1]["href"]).status_code == 200
    services.complete_step(learner, path, third.pk)
    assert [item["state"] for item in steps_shown(client, path)] == [
        "Completed",
        "Up next",
        "Completed",
    ]


def test_a_title_with_markup_is_shown_as_text(client, path):
    step = progress.path_steps(path)[0]
    guide = GuidePageFactory(title='Sodium <140> & "free water"')
    step.guide = guide
    step.save()
    page = client.get(path.url).content.decode()
    assert "Sodium &lt;140&gt; &amp; &quot;free water&quot;" in page
    assert "Sodium <140>" not in page
