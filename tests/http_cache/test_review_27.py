"""Review 27 of the anonymous HTTP cache's purge: edits that change what a
cached public page shows without a purge of that page. Each test checks the
page really changed for a visitor, then that its address was purged."""

import re
from urllib.parse import urlsplit

from cms.choices import OwnerException
from cms.disclosures import record_owner_exception
from learning.models import PathPrerequisite
from tests.factories import GuidePageFactory, MentorFactory, UserFactory
from tests.factories.images import PictureFactory
from tests.factories.paths import LearningPathPageFactory


def paths_of(urls):
    return {urlsplit(url).path for url in urls}


def text(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    assert "public" in answer["Cache-Control"], answer["Cache-Control"]
    return re.sub(r"\s+", " ", answer.content.decode())


def test_an_owner_exception_purges_the_path_whose_credit_it_unpauses(
    mentor_a,
    purged,
    client,
    django_capture_on_commit_callbacks,
):
    """A planner employed by an ineligible company pauses a credit path until a
    CME reviewer records a Standard 3 exception: the path page says "Credit
    paused" (and the home page "Paused for now") until then."""
    planner = MentorFactory(
        name="Olu Owner", in_directory=False, relationships=[("Acme Devices", "employee")]
    )
    guide = GuidePageFactory(title="Step one", slug="step-one", authors=[mentor_a])
    path = LearningPathPageFactory(
        title="Owned path", slug="owned", steps=[guide], planners=[planner]
    )
    assert "Credit paused" in text(client, "/paths/owned/")
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_owner_exception(
            path,
            planner,
            exception=OwnerException.UNRELATED,
            reason="The path is not about the company's products.",
            recorded_by=UserFactory(username="cme-reviewer", reviewer=True),
        )
    assert "Credit paused" not in text(client, "/paths/owned/")
    assert {"/paths/owned/", "/"} <= paths_of(purged)


def test_retitling_a_prerequisite_path_purges_the_paths_that_require_it(
    db,
    purged,
    client,
    django_capture_on_commit_callbacks,
):
    """A visitor sees "Before this path, complete: <title>" with a link."""
    first = LearningPathPageFactory(title="Foundations", slug="foundations", max_credits=0)
    second = LearningPathPageFactory(title="Advanced", slug="advanced", max_credits=0)
    PathPrerequisite.objects.create(page=second, required_path=first)
    assert "Foundations" in text(client, "/paths/advanced/")
    purged.clear()
    first.title = "Foundations, second edition"
    with django_capture_on_commit_callbacks(execute=True):
        first.save_revision().publish()
    assert "Foundations, second edition" in text(client, "/paths/advanced/")
    assert "/paths/advanced/" in paths_of(purged)


def test_a_mentors_new_slug_purges_their_old_profile_address(
    guide_by_a,
    mentor_a,
    purged,
    client,
    django_capture_on_commit_callbacks,
):
    assert "Ana Alvarez" in text(client, "/mentors/ana-alvarez/")
    purged.clear()
    mentor_a.slug = "ana-alvarez-md"
    with django_capture_on_commit_callbacks(execute=True):
        mentor_a.save()
    assert client.get("/mentors/ana-alvarez/").status_code == 404
    assert {"/mentors/ana-alvarez/", "/mentors/ana-alvarez-md/"} <= paths_of(purged)


def test_a_deleted_image_is_purged_with_its_renditions(
    db,
    purged,
    client,
    django_capture_on_commit_callbacks,
):
    """An image taken down from the library (a photo uploaded by mistake)
    answers 404 from the app at once; a shared cache keeps every copy it
    stored for a day (``public, max-age=86400``) unless it is purged."""
    image = PictureFactory()
    rendition = image.get_rendition("fill-100x100")
    addresses = {urlsplit(image.file.url).path, urlsplit(rendition.url).path}
    for address in addresses:
        answer = client.get(address)
        assert answer.status_code == 200 and "public" in answer["Cache-Control"], address
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    for address in addresses:
        assert client.get(address).status_code == 404, address
    assert addresses <= paths_of(purged)
