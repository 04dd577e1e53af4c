"""Participant pages without JavaScript: join, vote, post a position, react, all as form posts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.moderation import services as moderation
from facilitator.participation.models import Participant, Position, Reaction, Vote
from facilitator.workshops.models import Workshop


def run(app, fn):
    """Call fn(workshop) inside an app context and commit."""
    with app.app_context():
        result = fn()
        db.session.commit()
        return result


def open_prompt(app, workshop, index=0):
    def do():
        w = db.session.get(Workshop, workshop["id"])
        moderation.open_prompt(w, workshop["prompts"][index]["id"], "test")
    run(app, do)


def show_results(app, workshop, index=0):
    def do():
        w = db.session.get(Workshop, workshop["id"])
        moderation.show_results(w, workshop["prompts"][index]["id"], True, "test")
    run(app, do)


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def join(client, code, attendance="onsite", **extra):
    return client.post(f"/j/{code}", data={"attendance": attendance, **extra})


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def client_id_from(html: str) -> str:
    return re.search(r'name="client_id" value="([0-9a-f]{32})"', html).group(1)


@pytest.mark.parametrize("typed, code", [("Kenya", "KE"), ("  kenia ", "KE"), ("Кения", "KE"), ("肯尼亚", "KE"),
                                         ("كينيا", "KE"), ("Côte d’Ivoire", "CI"), ("cote d'ivoire", "CI"),
                                         ("Deutschland", "DE"), ("UK", "GB"), ("ch", "CH"), ("CHE", "CH")])
def test_country_is_typed_by_name_in_any_language_or_by_code(app, client, workshop, typed, code):
    join(client, workshop["code"], country=typed)
    with app.app_context():
        assert db.session.scalar(select(Participant.country)) == code


def test_an_unknown_country_is_refused_with_suggestions_and_nothing_joins(app, client, workshop):
    code = workshop["code"]
    page = client.post(f"/j/{code}?lang=fr", data={"attendance": "online", "country": "Frnace",
                                                   "display_name": "Ama"})
    assert page.status_code == 400  # the form again, with what was typed
    html = page.text
    assert "Aucun pays ne s’appelle «\u00a0Frnace\u00a0»" in html and "Vouliez-vous dire France\u00a0?" in html
    assert 'value="Frnace"' in html and 'value="Ama"' in html and 'autocomplete="country-name"' in html
    assert count(app, Participant) == 0
    # A code sent back is shown as the country's name, in the page's language.
    page = client.post(f"/j/{code}?lang=fr", data={"country": "DE"})  # attendance missing
    assert 'value="Allemagne"' in page.text and count(app, Participant) == 0


def test_the_join_page_carries_no_list_of_countries(client, workshop):
    """Phones on 3G: the join page is the first thing they download (issue 11's 40 KB)."""
    html = client.get(f"/j/{workshop['code']}?lang=ru").text
    assert "Кения" not in html and html.count("<option") < 15


def test_unknown_code_is_404(client):
    assert client.get("/j/ZZZZZZ").status_code == 404


def test_join_form_then_participant_page(app, client, workshop):
    code = workshop["code"]
    page = client.get(f"/j/{code}")
    assert page.status_code == 200
    html = page.text
    assert 'type="radio"' in html and 'value="onsite"' in html and 'value="online"' in html
    assert 'name="stakeholder_group"' in html and 'name="country"' in html and "<legend>" in html

    response = join(client, code, "online", stakeholder_group="academia", country="ke", display_name="Ama")
    assert response.status_code == 302 and response.location.endswith(f"/j/{code}")
    with client.session_transaction() as session:
        assert code in session["participants"] and session.permanent
    with app.app_context():
        p = db.session.scalar(select(Participant))
        assert (p.attendance, p.stakeholder_group, p.country) == ("online", "academia", "KE")

    page = client.get(f"/j/{code}").text
    assert "Waiting for the moderator to open the next question" in page
    assert "You have joined" in page
    # Joining again from the same browser changes nothing.
    join(client, code)
    assert count(app, Participant) == 1


def test_lower_case_code_redirects(client, workshop):
    response = client.get(f"/j/{workshop['code'].lower()}")
    assert response.status_code == 302 and response.location.endswith(f"/j/{workshop['code']}")


def test_join_needs_attendance(app, client, workshop):
    response = client.post(f"/j/{workshop['code']}", data={"stakeholder_group": "media"})
    assert response.status_code == 400
    assert "Choose in the room or online." in response.text
    assert count(app, Participant) == 0


def test_vote_position_and_reaction_without_javascript(app, client, workshop):
    code, prompt = workshop["code"], workshop["prompts"][0]
    join(client, code)
    open_prompt(app, workshop)

    page = client.get(f"/j/{code}").text
    assert prompt["text"] in page and 'type="radio" name="option_ids"' in page
    assert "You have not voted yet." in page

    first, second = prompt["options"][0]["id"], prompt["options"][1]["id"]
    response = client.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"], "option_ids": first})
    assert response.status_code == 302
    page = client.get(f"/j/{code}").text
    assert "Your vote is recorded." in page
    assert f'value="{first}" id="option-{first}" checked' in page and "Change my vote" in page
    client.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"], "option_ids": second})
    with app.app_context():
        vote = db.session.scalar(select(Vote))
        assert [c.option_id for c in vote.choices] == [second]

    # A position, with a server-generated client_id: posting the same form twice stores one.
    client_id = client_id_from(page)
    data = {"prompt_id": prompt["id"], "text": "  <b>Machines</b> are not authors.  ",
            "option_id": str(first), "client_id": client_id}
    client.post(f"/j/{code}/position", data=data)
    client.post(f"/j/{code}/position", data=data)
    assert count(app, Position) == 1
    page = client.get(f"/j/{code}").text
    assert "&lt;b&gt;Machines&lt;/b&gt; are not authors." in page and "<b>Machines" not in page
    assert "Yours" in page
    assert client_id_from(page) != client_id  # a fresh one per render

    # Another participant (online, no JS) reacts to it.
    other = app.test_client()
    join(other, code, "online")
    with app.app_context():
        position_id = db.session.scalar(select(Position.id))
    other_page = other.get(f"/j/{code}").text
    assert f'name="position_id" value="{position_id}"' in other_page
    response = other.post(f"/j/{code}/react", data={"position_id": position_id, "value": "agree"})
    assert response.status_code == 302
    other_page = other.get(f"/j/{code}").text
    assert "Your reaction is recorded." in other_page
    assert 'value="agree" id="r-{}-agree" aria-pressed="true"'.format(position_id) in other_page
    assert "1 agree · 0 disagree · 0 pass" in other_page
    with app.app_context():
        assert db.session.scalar(select(Reaction.value)) == "agree"


def test_results_shown_only_when_the_moderator_shows_them(app, client, workshop):
    code, prompt = workshop["code"], workshop["prompts"][0]
    join(client, code)
    open_prompt(app, workshop)
    client.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"], "option_ids": prompt["options"][0]["id"]})
    assert "1 person voted" not in client.get(f"/j/{code}").text
    show_results(app, workshop)
    page = client.get(f"/j/{code}").text
    assert "1 person voted · 1 in the room · 0 online" in page
    assert "100% · 1" in page


def test_errors_are_flashed_and_change_nothing(app, client, workshop):
    code, prompt = workshop["code"], workshop["prompts"][0]
    join(client, code)
    option = prompt["options"][0]["id"]

    # Not open yet.
    client.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"], "option_ids": option})
    assert "This question is not open yet." in client.get(f"/j/{code}").text
    assert count(app, Vote) == 0

    open_prompt(app, workshop)
    # No option chosen; an option of another question; two options on a single-choice question.
    client.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"]})
    assert "Choose an option before voting." in client.get(f"/j/{code}").text
    foreign = workshop["prompts"][1]["options"][0]["id"]
    client.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"], "option_ids": foreign})
    assert "not one of this question&#39;s options" in client.get(f"/j/{code}").text
    client.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"],
                                         "option_ids": [option, prompt["options"][1]["id"]]})
    assert "exactly one option" in client.get(f"/j/{code}").text
    assert count(app, Vote) == 0

    # Blank and too long positions.
    client.post(f"/j/{code}/position", data={"prompt_id": prompt["id"], "text": "   ", "client_id": "a1"})
    assert "must not be empty" in client.get(f"/j/{code}").text
    client.post(f"/j/{code}/position", data={"prompt_id": prompt["id"], "text": "x" * 501, "client_id": "a2"})
    assert "at most 500 characters" in client.get(f"/j/{code}").text
    assert count(app, Position) == 0

    # Reacting to one's own position.
    client.post(f"/j/{code}/position", data={"prompt_id": prompt["id"], "text": "Mine", "client_id": "a3"})
    with app.app_context():
        position_id = db.session.scalar(select(Position.id))
    client.post(f"/j/{code}/react", data={"position_id": position_id, "value": "agree"})
    assert "You cannot react to your own position." in client.get(f"/j/{code}").text
    client.post(f"/j/{code}/react", data={"position_id": position_id, "value": "love"})
    assert "Choose agree, disagree or pass." in client.get(f"/j/{code}").text
    assert count(app, Reaction) == 0


def test_posts_before_joining_change_nothing(app, client, workshop):
    open_prompt(app, workshop)
    prompt = workshop["prompts"][0]
    response = client.post(f"/j/{workshop['code']}/vote",
                           data={"prompt_id": prompt["id"], "option_ids": prompt["options"][0]["id"]})
    assert response.status_code == 302
    assert "Join the workshop first." in client.get(f"/j/{workshop['code']}").text
    assert count(app, Vote) == 0


def test_pre_moderation_marks_my_pending_position(app, client, make_workshop):
    workshop = make_workshop(moderation="pre")
    code, prompt = workshop["code"], workshop["prompts"][0]
    join(client, code)
    open_prompt(app, workshop)
    client.post(f"/j/{code}/position", data={"prompt_id": prompt["id"], "text": "Pending one", "client_id": "c1"})
    page = client.get(f"/j/{code}").text
    assert "once a moderator approves it" in page
    assert "Pending one" in page and "waiting for approval" in page
    other = app.test_client()
    join(other, code)
    assert "Pending one" not in other.get(f"/j/{code}").text


def test_ended_workshop_says_so(app, client, workshop):
    join(client, workshop["code"])
    run(app, lambda: moderation.end_workshop(db.session.get(Workshop, workshop["id"]), "test"))
    assert "The workshop has ended" in client.get(f"/j/{workshop['code']}").text
    newcomer = app.test_client()
    assert "This workshop has ended" in newcomer.get(f"/j/{workshop['code']}").text


def test_rate_limit_applies_to_form_posts(tmp_path):
    from conftest import make_app
    from facilitator.workshops.services import create_workshop

    app = make_app(tmp_path, RATE_LIMIT_WRITES="2/10second")
    with app.app_context():
        w, _ = create_workshop("Limits", template="igf-ai-copyright")
        db.session.commit()
        code, prompt = w.code, w.prompts[0]
        moderation.open_prompt(w, prompt.id, "test")
        db.session.commit()
        prompt_id, option = prompt.id, prompt.options[0].id
    client = app.test_client()
    join(client, code)
    for _ in range(3):
        client.post(f"/j/{code}/vote", data={"prompt_id": prompt_id, "option_ids": option})
    assert "a little fast" in client.get(f"/j/{code}").text
    # conftest's autouse fixture stops the coalescer and closes the connections.


@pytest.mark.parametrize("path", ["", "/vote", "/position", "/react"])
def test_csrf_is_enforced(csrf_app, path):
    from facilitator.workshops.services import create_workshop

    with csrf_app.app_context():
        w, _ = create_workshop("CSRF", template="igf-ai-copyright")
        db.session.commit()
        code = w.code
    client = csrf_app.test_client()
    if path:
        token = csrf_from(client.get(f"/j/{code}").text)
        assert client.post(f"/j/{code}", data={"attendance": "onsite", "csrf_token": token}).status_code == 302
    response = client.post(f"/j/{code}{path}", data={"attendance": "onsite", "prompt_id": "1",
                                                    "option_ids": "1", "text": "x", "client_id": "c",
                                                    "position_id": "1", "value": "agree"})
    assert response.status_code == 400
    with csrf_app.app_context():
        expected = 1 if path else 0
        assert db.session.scalar(select(func.count()).select_from(Participant)) == expected
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 0
        assert db.session.scalar(select(func.count()).select_from(Position)) == 0
