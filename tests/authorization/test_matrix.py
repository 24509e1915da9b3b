"""Authorization matrix: every URL of the site, for every role, with the exact
expected answer.

Roles (columns): anonymous, doctor A and B, mentor A and B, CME reviewer,
institution staff of A and of B, superuser. URLs (rows): the public pages, the
learning-path routes, the learner's /me/ pages and downloads, certificate
verification, and every admin view a role might try (pages, snippets, learner
records, certificate actions, the learner's reporting identity, credit from
elsewhere and licence cycles, CME reports and their CSV export, PARS report
batches with their files and the activity export,
the notification inbox, settings and one-click unsubscribe,
the mentoring relationship's private space (its pages, forms and invitation,
and an ended relationship's read-only notes),
Curbside consults (asking the author, public and private questions, answers,
reports, FAQ drafts, the pair's questions and their moderation),
Wagtail's own settings, users, workflows, reports, images and documents,
disclosures and the CME reviewer's relevance and mitigation screens), and
mentoring: programmes, profiles, suggestions, requests and the mentor's
answer, the staff's programmes and cohort table.

The data set is built once per module (per xdist worker) inside a transaction
that is rolled back at the end; each case runs in its own savepoint, so the
POST cases cannot affect each other.

Every answer to a signed-in role carries ``Cache-Control: private, no-store``.

Every 200 answer outside the public verification page is also checked for the
other parties' identifying strings (learner names, usernames, certificate
numbers and codes, another mentor's name on the mentor listing, the earlier
revisions of another mentor's profile or another institution): a role may see
only what the product lets it see. A few cases also assert what must be shown,
so those checks cannot pass vacuously.

Matrix size: 9 roles x 216 URLs = 1944 cases (checked by test_matrix_is_complete,
so the number cannot drift from the table).

The pieces live beside this module: the roles and the Row type in axes.py,
the rows in rows.py and mentoring_rows.py, the expected answers in table.py
and answers.py, the data set in world.py and mentoring_world.py (the
``world`` fixture: conftest.py).
"""

import io

import pypdf
import pytest

from .answers import MUST_SHOW, expected_answer
from .axes import ROLES
from .rows import ROWS
from .table import CASES, EXPECTED, ROW_KEYS

# ---------------------------------------------------------------------------
# Running one case.


def body_text(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = pypdf.PdfReader(io.BytesIO(raw))
        return " ".join(page.extract_text() for page in reader.pages)
    return raw.decode("utf-8", errors="replace")


def forbidden_strings(world, role, row):
    strings = [] if row.public_identity else list(world.foreign[role])
    return strings + [s for r, s in row.extra_forbidden if r == role]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k}-{r}" for k, r in CASES])
def test_answer(client, world, key, role):
    row = ROWS[key]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = row.url.format(**world.ids)
    data = {key.format(**world.ids): value.format(**world.ids) for key, value in row.data}
    response = client.post(url, data) if row.method == "post" else client.get(url)
    status, location = expected_answer(EXPECTED[key, role], url, world.ids)
    actual = (
        response.status_code,
        response.get("Location") if response.status_code == 302 else None,
    )
    assert actual == (status, location), f"{row.method.upper()} {url} as {role}"
    if user is not None:
        # Every answer to a signed-in request is personal: never stored by a
        # shared cache, a proxy or the browser.
        cache_control = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= cache_control, (url, role, cache_control)
    if status == 200:
        text = body_text(response)
        leaked = [s for s in forbidden_strings(world, role, row) if s in text]
        assert not leaked, f"{url} shows {role} another party's data: {leaked}"
        for wanted in MUST_SHOW.get((key, role), []):
            assert wanted.format(**world.ids) in text, wanted


def test_matrix_is_complete():
    """Every row has a URL and an answer for every role, and the module
    docstring states the matrix size."""
    assert list(ROWS) == ROW_KEYS
    assert len(EXPECTED) == len(ROLES) * len(ROWS) == len(CASES)
    assert f"{len(ROLES)} roles x {len(ROWS)} URLs = {len(CASES)} cases" in __doc__


@pytest.mark.django_db
def test_every_admin_menu_item_is_in_the_matrix(rf, world):
    """The superuser's admin menu (every item, submenus included) only links
    to URLs that the matrix covers, so a new admin area cannot be forgotten."""
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = world.users["su"]
    covered = {row.url.format(**world.ids).split("?")[0] for row in ROWS.values()}

    def urls(items):
        for item in items:
            if getattr(item, "menu", None) is not None:
                yield from urls(item.menu.menu_items_for_request(request))
            elif getattr(item, "url", "").startswith("/admin/"):
                yield item.url

    linked = set(urls(admin_menu.menu_items_for_request(request)))
    assert {"/admin/cme-reports/", "/admin/certificate/", "/admin/users/"} <= linked
    assert not sorted(linked - covered)
