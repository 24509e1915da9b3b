"""The hidden-field half of the authorization matrix: every field an edit
form hides from a role is refused when that role posts it anyway.

For every edit view with such fields, and every role of the matrix:

* roles that may not open the edit view get the matrix's answer to a POST
  too, and nothing changes;
* roles that may open it save the form exactly as their browser shows it
  ("unchanged"), then again with every hidden field set to a hostile value
  ("hostile"): the protected values stay as they were, except for the
  superuser, who has the permission and whose changes must take effect (so
  the hostile values provably reach the server).
"""

from types import SimpleNamespace

import pytest

from cms.models import Institution, Mentor
from learning.models import LearningPathPage
from tests.formdata import as_post, form_fields
from tests.learning.test_path_editing import path_form_data

from .answers import expected_answer
from .axes import ROLES
from .rows import ROWS
from .table import EXPECTED


def mentor_state(ids):
    mentor = Mentor.objects.get(pk=ids["mentor_a"])
    return {"user": mentor.user_id, "is_active": mentor.is_active}


def institution_state(ids):
    staff = Institution.objects.get(pk=ids["inst_a"]).staff.values_list("pk", flat=True)
    return {"staff": sorted(staff)}


def path_state(ids):
    latest = LearningPathPage.objects.get(pk=ids["path_a"]).get_latest_revision_as_object()
    return {"institution": latest.institution_id}


def hostile_mentor(ids, users):
    return {"user": users["doc_b"].pk, "is_active": "on"}


def hostile_institution(ids, users):
    return {"staff": [users["doc_a"].pk, users["men_a"].pk, users["stf_b"].pk]}


def hostile_path(ids, users):
    return {"institution": ids["inst_b"]}


def snippet_form(page, ids, changes):
    """The snippet's edit form as the browser shows it, with ``changes``."""
    fields = form_fields(page.content.decode(), lambda attrs: "data-edit-form" in attrs)
    return as_post(fields, **changes)


def path_form(page, ids, changes):
    """The path editor's POST (its StreamFields are built by script, so the
    page's HTML alone is not the form), with the current institution unless
    ``changes`` names another."""
    institution = SimpleNamespace(pk=changes.get("institution", ids["inst_a"]))
    return path_form_data(
        "Path Alpha",
        "path-alpha",
        guides=[SimpleNamespace(pk=ids["guide_a"])],
        institution=institution,
    )


def deactivate_mentor(ids):
    # An administrator has deactivated the profile: posting is_active=on must
    # not undo that.
    Mentor.objects.filter(pk=ids["mentor_a"]).update(is_active=False)


# row of the matrix -> (state, hostile values, what the superuser's post yields,
# set-up before the hostile post, the POST a browser sends)
EDIT_FORMS = {
    "mentor_edit_a": (
        mentor_state,
        hostile_mentor,
        lambda ids, users: {"user": users["doc_b"].pk, "is_active": True},
        deactivate_mentor,
        snippet_form,
    ),
    "inst_edit_a": (
        institution_state,
        hostile_institution,
        lambda ids, users: {
            "staff": sorted(users[r].pk for r in ("doc_a", "men_a", "stf_b")),
        },
        None,
        snippet_form,
    ),
    "edit_path_a": (
        path_state,
        hostile_path,
        lambda ids, users: {"institution": ids["inst_b"]},
        None,
        path_form,
    ),
}
PERMITTED = {"su"}
CASES = [
    (row, role, mode) for row in EDIT_FORMS for role in ROLES for mode in ("unchanged", "hostile")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role", "mode"), CASES, ids=["-".join(c) for c in CASES])
def test_hidden_fields_are_refused(client, world, key, role, mode):
    state, hostile, granted, setup, browser_post = EDIT_FORMS[key]
    ids, users = world.ids, world.users
    url = ROWS[key].url.format(**ids)
    if users[role] is not None:
        client.force_login(users[role])
    if mode == "hostile" and setup:
        setup(ids)
    before = state(ids)
    changes = hostile(ids, users) if mode == "hostile" else {}

    expected = EXPECTED[key, role]
    if expected != "200":
        response = client.post(url, changes)
        status, location = expected_answer(expected, url, ids)
        assert (response.status_code, response.get("Location")) == (status, location)
        assert state(ids) == before
        return

    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, browser_post(page, ids, changes))
    assert response.status_code in (200, 302), response.status_code
    if mode == "hostile" and role in PERMITTED:
        assert response.status_code == 302, "the superuser's change was refused"
        assert state(ids) == {**before, **granted(ids, users)}
    else:
        assert state(ids) == before, f"{role} changed a field hidden from them"
        if mode == "unchanged":
            # Saving a form unchanged succeeds (nothing hidden makes it invalid).
            assert response.status_code == 302, response.content.decode()[:2000]
