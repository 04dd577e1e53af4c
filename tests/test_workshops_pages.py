"""Organizer pages: list, create from a template, edit the agenda while a draft."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from facilitator.accounts.services import create_organizer
from facilitator.extensions import db
from facilitator.workshops.models import RoleLink, Option, Prompt, Workshop, hash_token
from facilitator.workshops.services import create_workshop

EMAIL = "moderator@example.org"
PASSWORD = "correct horse battery"  # conftest's organizer fixture
OTHER_EMAIL = "other@example.org"


def hidden_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag, f"no input named {name}"
    return re.search(r'value="([^"]*)"', tag.group(0)).group(1)


def log_in(client, email=EMAIL, password=PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.text
    return client


@pytest.fixture
def organizer_client(client, organizer):
    return log_in(client)


@pytest.fixture
def draft(app, organizer):
    """The IGF template workshop, owned by the logged-in organizer: its code and prompt ids."""
    with app.app_context():
        from facilitator.accounts.models import Organizer

        workshop, _ = create_workshop("Round table", template="igf-ai-copyright",
                                      organizer=db.session.get(Organizer, organizer))
        db.session.commit()
        return {"code": workshop.code, "id": workshop.id, "prompts": [p.id for p in workshop.prompts]}


def agenda(app, workshop_id):
    """The stored agenda: [(order, text, kind, [(option id, label), ...]), ...]."""
    with app.app_context():
        prompts = db.session.scalars(
            select(Prompt).where(Prompt.workshop_id == workshop_id).order_by(Prompt.order)).all()
        return [(p.order, p.text, p.kind, [(o.id, o.label) for o in p.options]) for p in prompts]


def stored(app, workshop_id):
    with app.app_context():
        w = db.session.get(Workshop, workshop_id)
        return {"title": w.title, "status": w.status, "moderation": w.moderation,
                "position_max_length": w.position_max_length}


def set_status(app, workshop_id, status):
    with app.app_context():
        db.session.get(Workshop, workshop_id).status = status
        db.session.commit()


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash [a-z]+">([^<]*)</p>', html)


# -- access -------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", [
    ("get", "/workshops/"),
    ("get", "/workshops/new"),
    ("post", "/workshops/new"),
    ("get", "/workshops/{code}"),
    ("post", "/workshops/{code}/title"),
    ("post", "/workshops/{code}/prompts"),
    ("post", "/workshops/{code}/prompts/{prompt}"),
    ("post", "/workshops/{code}/prompts/{prompt}/delete"),
])
def test_organizer_pages_require_login(app, client, draft, method, path):
    before = agenda(app, draft["id"])
    url = path.format(code=draft["code"], prompt=draft["prompts"][0])
    response = getattr(client, method)(url, data={"title": "Changed", "p1-text": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert agenda(app, draft["id"]) == before
    assert stored(app, draft["id"])["title"] == "Round table"


@pytest.fixture
def others_workshop(app):
    """A workshop of another organizer: its code and first prompt id."""
    with app.app_context():
        other = create_organizer(OTHER_EMAIL, "another long secret")
        workshop, _ = create_workshop("Not yours", template="igf-ai-copyright", organizer=other)
        db.session.commit()
        return {"code": workshop.code, "id": workshop.id, "prompt": workshop.prompts[0].id}


@pytest.mark.parametrize("method,path", [
    ("get", "/workshops/{code}"),
    ("post", "/workshops/{code}/title"),
    ("post", "/workshops/{code}/prompts"),
    ("post", "/workshops/{code}/prompts/{prompt}"),
    ("post", "/workshops/{code}/prompts/{prompt}/delete"),
    ("post", "/workshops/{code}/prompts/{prompt}/down"),
])
def test_another_organizers_workshop_is_not_found(app, organizer_client, others_workshop, method, path):
    before = agenda(app, others_workshop["id"])
    url = path.format(code=others_workshop["code"], prompt=others_workshop["prompt"])
    response = getattr(organizer_client, method)(url, data={
        "title": "Hijacked", "new-text": "Injected?", "new-options": "a\nb", "new-kind": "single",
    })
    assert response.status_code == 404
    assert "Not yours" not in response.text
    assert agenda(app, others_workshop["id"]) == before
    assert stored(app, others_workshop["id"])["title"] == "Not yours"


def test_a_prompt_of_another_workshop_is_not_found(app, organizer_client, draft, others_workshop):
    url = f"/workshops/{draft['code']}/prompts/{others_workshop['prompt']}"
    response = organizer_client.post(url + "/delete")
    assert response.status_code == 404
    assert len(agenda(app, others_workshop["id"])) == 3


def test_unknown_code_is_not_found(organizer_client):
    assert organizer_client.get("/workshops/ZZZZZZ").status_code == 404


def test_index_lists_only_my_workshops(organizer_client, draft, others_workshop):
    page = organizer_client.get("/workshops/")
    assert page.status_code == 200
    assert draft["code"] in page.text and "Round table" in page.text
    assert others_workshop["code"] not in page.text and "Not yours" not in page.text


# -- creating -----------------------------------------------------------------------


@pytest.fixture
def csrf_client(csrf_app):
    with csrf_app.app_context():
        create_organizer(EMAIL, PASSWORD)
        db.session.commit()
    client = csrf_app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                           "csrf_token": hidden_value(page.text, "csrf_token")})
    assert response.status_code == 302
    return client


def test_create_from_the_template_with_csrf(csrf_app, csrf_client):
    form = csrf_client.get("/workshops/new")
    assert form.status_code == 200
    assert 'value="igf-ai-copyright"' in form.text

    response = csrf_client.post("/workshops/new", data={
        "csrf_token": hidden_value(form.text, "csrf_token"),
        "title": "  IGF 2023 Open Forum #104  ",
        "template": "igf-ai-copyright",
        "moderation": "pre",
        "position_max_length": "300",
    })
    assert response.status_code == 302
    with csrf_app.app_context():
        workshop = db.session.scalars(select(Workshop)).one()
        assert workshop.title == "IGF 2023 Open Forum #104"
        assert workshop.organizer.email == EMAIL
        assert workshop.moderation == "pre" and workshop.position_max_length == 300
        assert workshop.status == "draft"
        assert [p.kind for p in workshop.prompts] == ["single", "multiple", "single"]
        assert workshop.agenda, "the template's session plan is copied"
        code = workshop.code
        token_hash = db.session.scalar(select(RoleLink.token_hash).where(RoleLink.workshop_id == workshop.id))
    assert response.headers["Location"].endswith(f"/workshops/{code}")

    page = csrf_client.get(f"/workshops/{code}")
    assert page.status_code == 200
    assert "Where AI and humans create together" in page.text
    # The co-moderator link is shown once, and its token is the workshop's.
    token = re.search(rf"/m/{code}\?token=([A-Za-z0-9_-]+)", page.text).group(1)
    assert hash_token(token) == token_hash
    assert token not in csrf_client.get(f"/workshops/{code}").text


def test_create_without_csrf_token_is_refused(csrf_app, csrf_client):
    response = csrf_client.post("/workshops/new", data={
        "title": "No token", "template": "", "moderation": "post", "position_max_length": "500"})
    assert response.status_code == 400
    with csrf_app.app_context():
        assert db.session.scalars(select(Workshop)).all() == []


def test_create_with_an_empty_agenda(app, organizer_client):
    response = organizer_client.post("/workshops/new", data={
        "title": "Open floor", "template": "", "moderation": "post", "position_max_length": "500"})
    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.scalars(select(Workshop)).one()
        assert workshop.prompts == [] and workshop.template is None


@pytest.mark.parametrize("fields", [
    {"title": ""},
    {"title": "x" * 201},
    {"template": "no-such-template"},
    {"moderation": "never"},
    {"position_max_length": "5"},
    {"position_max_length": "lots"},
])
def test_create_form_errors_change_nothing(app, organizer_client, fields):
    data = {"title": "Fine", "template": "igf-ai-copyright", "moderation": "post",
            "position_max_length": "500", **fields}
    response = organizer_client.post("/workshops/new", data=data)
    assert response.status_code == 400
    assert 'class="error"' in response.text
    with app.app_context():
        assert db.session.scalars(select(Workshop)).all() == []


# -- editing a draft ----------------------------------------------------------------


def test_rename_a_draft(app, organizer_client, draft):
    response = organizer_client.post(f"/workshops/{draft['code']}/title",
                                     data={"title": "  Generative AI and copyright "})
    assert response.status_code == 302
    assert stored(app, draft["id"])["title"] == "Generative AI and copyright"


def test_edit_a_prompt_keeps_option_ids_by_place(app, organizer_client, draft):
    before = agenda(app, draft["id"])
    first = draft["prompts"][0]
    old_ids = [oid for oid, _ in before[0][3]]
    response = organizer_client.post(f"/workshops/{draft['code']}/prompts/{first}", data={
        f"p{first}-text": "Should autonomous machine output be protected?",
        f"p{first}-kind": "multiple",
        f"p{first}-options": "Yes\n\n  No  \nUndecided\n",
    })
    assert response.status_code == 302
    after = agenda(app, draft["id"])
    order, text, kind, options = after[0]
    assert (order, text, kind) == (1, "Should autonomous machine output be protected?", "multiple")
    assert [label for _, label in options] == ["Yes", "No", "Undecided"]
    assert [oid for oid, _ in options] == old_ids[:3]
    assert after[1:] == before[1:]


def test_edit_a_prompt_can_add_options(app, organizer_client, draft):
    first = draft["prompts"][0]
    labels = ["A", "B", "C", "D", "E", "F"]
    organizer_client.post(f"/workshops/{draft['code']}/prompts/{first}", data={
        f"p{first}-text": "More choices", f"p{first}-kind": "single",
        f"p{first}-options": "\n".join(labels)})
    assert [label for _, label in agenda(app, draft["id"])[0][3]] == labels


def test_add_a_prompt(app, organizer_client, draft):
    response = organizer_client.post(f"/workshops/{draft['code']}/prompts", data={
        "new-text": "Who should be liable for infringing output?",
        "new-kind": "single",
        "new-options": "The model provider\nThe user\nBoth",
    })
    assert response.status_code == 302
    after = agenda(app, draft["id"])
    assert len(after) == 4
    assert after[3][:3] == (4, "Who should be liable for infringing output?", "single")
    assert [label for _, label in after[3][3]] == ["The model provider", "The user", "Both"]


def test_move_prompts_up_and_down(app, organizer_client, draft):
    texts = [t for _, t, _, _ in agenda(app, draft["id"])]
    first, second, third = draft["prompts"]
    code = draft["code"]

    assert organizer_client.post(f"/workshops/{code}/prompts/{third}/up").status_code == 302
    assert [t for _, t, _, _ in agenda(app, draft["id"])] == [texts[0], texts[2], texts[1]]

    organizer_client.post(f"/workshops/{code}/prompts/{first}/down")
    after = agenda(app, draft["id"])
    assert [t for _, t, _, _ in after] == [texts[2], texts[0], texts[1]]
    assert [o for o, _, _, _ in after] == [1, 2, 3]

    # Moving past either end changes nothing.
    organizer_client.post(f"/workshops/{code}/prompts/{third}/up")
    organizer_client.post(f"/workshops/{code}/prompts/{second}/down")
    assert agenda(app, draft["id"]) == after


def test_delete_a_prompt_renumbers_the_rest(app, organizer_client, draft):
    texts = [t for _, t, _, _ in agenda(app, draft["id"])]
    response = organizer_client.post(f"/workshops/{draft['code']}/prompts/{draft['prompts'][0]}/delete")
    assert response.status_code == 302
    after = agenda(app, draft["id"])
    assert [(o, t) for o, t, _, _ in after] == [(1, texts[1]), (2, texts[2])]
    with app.app_context():
        assert db.session.get(Prompt, draft["prompts"][0]) is None
        assert db.session.scalars(select(Option).where(Option.prompt_id == draft["prompts"][0])).all() == []


def test_unknown_prompt_action_is_not_found(organizer_client, draft):
    url = f"/workshops/{draft['code']}/prompts/{draft['prompts'][0]}/explode"
    assert organizer_client.post(url).status_code == 404


@pytest.mark.parametrize("fields,message", [
    ({"text": "   ", "options": "a\nb"}, "question"),
    ({"text": "Fine", "options": "only one"}, "two options"),
    ({"text": "Fine", "options": "\n\n"}, "two options"),
    ({"text": "Fine", "options": "Same\nsame"}, "same label"),
    ({"text": "Fine", "options": "\n".join(f"o{i}" for i in range(13))}, "at most 12"),
    ({"text": "Fine", "options": "a\nb", "kind": "ranked"}, "Answers: Not a valid choice."),
])
def test_prompt_form_errors_change_nothing(app, organizer_client, draft, fields, message):
    before = agenda(app, draft["id"])
    first = draft["prompts"][0]
    data = {f"p{first}-{k}": v for k, v in {"kind": "single", **fields}.items()}
    response = organizer_client.post(f"/workshops/{draft['code']}/prompts/{first}",
                                     data=data, follow_redirects=True)
    assert response.status_code == 200
    errors = flashes(response.text)
    assert errors and message in " ".join(errors)
    assert agenda(app, draft["id"]) == before

    new = {f"new-{k}": v for k, v in {"kind": "single", **fields}.items()}
    response = organizer_client.post(f"/workshops/{draft['code']}/prompts", data=new,
                                     follow_redirects=True)
    assert flashes(response.text)
    assert agenda(app, draft["id"]) == before


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_bad_title_changes_nothing(app, organizer_client, draft, title):
    response = organizer_client.post(f"/workshops/{draft['code']}/title", data={"title": title},
                                     follow_redirects=True)
    assert flashes(response.text)
    assert stored(app, draft["id"])["title"] == "Round table"


# -- once live ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["live", "ended"])
def test_editing_is_refused_once_the_workshop_is_live(app, organizer_client, draft, status):
    set_status(app, draft["id"], status)
    before = agenda(app, draft["id"])
    code, first = draft["code"], draft["prompts"][0]

    page = organizer_client.get(f"/workshops/{code}")
    assert page.status_code == 200
    assert "can no longer be edited" in page.text
    assert f"/workshops/{code}/title" not in page.text
    assert f"/workshops/{code}/prompts/{first}/delete" not in page.text

    attempts = [
        (f"/workshops/{code}/title", {"title": "Renamed while live"}),
        (f"/workshops/{code}/prompts", {"new-text": "Late question", "new-kind": "single",
                                       "new-options": "a\nb"}),
        (f"/workshops/{code}/prompts/{first}", {f"p{first}-text": "Changed", f"p{first}-kind": "single",
                                               f"p{first}-options": "a\nb"}),
        (f"/workshops/{code}/prompts/{first}/delete", {}),
        (f"/workshops/{code}/prompts/{first}/down", {}),
    ]
    for url, data in attempts:
        response = organizer_client.post(url, data=data, follow_redirects=True)
        assert response.status_code == 200, url
        assert any("before the workshop goes live" in m for m in flashes(response.text)), url
    assert agenda(app, draft["id"]) == before
    assert stored(app, draft["id"]) == {"title": "Round table", "status": status,
                                        "moderation": "post", "position_max_length": 500}
