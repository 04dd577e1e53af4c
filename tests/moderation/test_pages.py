"""Moderator console and projector pages; every control as a form post, authorized on the server."""

from __future__ import annotations

import re

from sqlalchemy import select

from facilitator.accounts.services import create_organizer
from facilitator.extensions import db
from facilitator.moderation.models import ModerationEntry
from facilitator.participation.models import Position
from facilitator.workshops.models import Prompt, Workshop
from tests.conftest import login


def prompt_status(app, prompt_id):
    with app.app_context():
        p = db.session.get(Prompt, prompt_id)
        return p.status, p.results_visible


def workshop_status(app, workshop):
    with app.app_context():
        return db.session.get(Workshop, workshop["id"]).status


def moderator_client(app, workshop):
    client = app.test_client()
    response = client.get(f"/m/{workshop['code']}?token={workshop['moderator_token']}")
    assert response.status_code == 302 and response.location.endswith(f"/m/{workshop['code']}")
    return client


def test_anonymous_gets_the_gate_not_the_console(client, workshop):
    response = client.get(f"/m/{workshop['code']}")
    assert response.status_code == 403
    assert "Log in as the organizer" in response.text and "paste the moderator link" in response.text
    assert "Open question" not in response.text
    assert client.get("/m/ZZZZZZ").status_code == 404


def test_owner_sees_the_console(app, client, workshop):
    login(client)
    page = client.get(f"/m/{workshop['code']}")
    assert page.status_code == 200
    html = page.text
    assert "Open question 1" in html and "Show results" in html and "End the workshop" in html
    assert "moderating as moderator@example.org" in html
    assert "Participation" in html and "Civil society" in html


def test_other_organizer_is_refused(app, client, workshop):
    with app.app_context():
        create_organizer("other@example.org", "another long password")
        db.session.commit()
    login(client, "other@example.org", "another long password")
    assert client.get(f"/m/{workshop['code']}").status_code == 403
    response = client.post(f"/m/{workshop['code']}/open", data={"prompt_id": workshop["prompts"][0]["id"]})
    assert response.status_code == 403
    assert prompt_status(app, workshop["prompts"][0]["id"])[0] == "pending"


def test_moderator_link_flow(app, workshop):
    client = moderator_client(app, workshop)
    with client.session_transaction() as session:
        assert session["moderator_tokens"][workshop["code"]] == workshop["moderator_token"]
    page = client.get(f"/m/{workshop['code']}")
    assert page.status_code == 200 and "room desk moderator" in page.text
    # A pasted full link works too; a wrong token does not.
    fresh = app.test_client()
    link = f"http://testserver/m/{workshop['code']}?token={workshop['moderator_token']}"
    assert fresh.get(f"/m/{workshop['code']}", query_string={"token": link}).status_code == 302
    wrong = app.test_client()
    response = wrong.get(f"/m/{workshop['code']}?token=nope")
    assert response.status_code == 403 and "not valid" in response.text


def test_participant_and_anonymous_posts_are_403(app, client, workshop):
    code, prompt_id = workshop["code"], workshop["prompts"][0]["id"]
    client.post(f"/j/{code}", data={"attendance": "onsite"})  # a participant
    for path, data in [("open", {"prompt_id": prompt_id}), ("close", {"prompt_id": prompt_id}),
                       ("results", {"prompt_id": prompt_id, "visible": "true"}),
                       ("moderate", {"position_id": 1, "action": "hide"}),
                       ("end", {"confirm": "yes"})]:
        assert client.post(f"/m/{code}/{path}", data=data).status_code == 403
        assert app.test_client().post(f"/m/{code}/{path}", data=data).status_code == 403
    assert prompt_status(app, prompt_id) == ("pending", False)
    assert workshop_status(app, workshop) == "draft"
    with app.app_context():
        assert db.session.scalar(select(ModerationEntry)) is None


def test_controls_as_form_posts(app, workshop):
    client = moderator_client(app, workshop)
    code, first, second = workshop["code"], workshop["prompts"][0]["id"], workshop["prompts"][1]["id"]

    assert client.post(f"/m/{code}/open", data={"prompt_id": first}).status_code == 302
    assert prompt_status(app, first) == ("open", False)
    assert workshop_status(app, workshop) == "live"
    page = client.get(f"/m/{code}").text
    assert "Question opened." in page and "Close voting on question 1" in page

    client.post(f"/m/{code}/results", data={"prompt_id": first, "visible": "true"})
    assert prompt_status(app, first) == ("open", True)
    assert "Hide results" in client.get(f"/m/{code}").text

    # Opening another question would end the live vote: the console asks first, nothing changes.
    asked = client.post(f"/m/{code}/open", data={"prompt_id": second})
    assert asked.status_code == 200
    assert "Question 1 is still open (0 voted). Opening question 2 closes it." in asked.text
    assert prompt_status(app, first)[0] == "open" and prompt_status(app, second)[0] == "pending"
    client.post(f"/m/{code}/open", data={"prompt_id": second, "confirm": "yes"})
    assert prompt_status(app, first)[0] == "closed" and prompt_status(app, second)[0] == "open"
    asked = client.post(f"/m/{code}/close", data={"prompt_id": second})
    assert "Close voting on question 2? 0 voted so far" in asked.text
    assert prompt_status(app, second)[0] == "open"
    client.post(f"/m/{code}/close", data={"prompt_id": second, "confirm": "yes"})
    assert prompt_status(app, second)[0] == "closed"

    # A participant posts; the moderator hides it with a reason, then approves and pins it.
    client.post(f"/m/{code}/open", data={"prompt_id": first})  # nothing open: no question asked
    participant = app.test_client()
    participant.post(f"/j/{code}", data={"attendance": "online", "stakeholder_group": "media",
                                         "display_name": "Amina from the radio"})
    participant.post(f"/j/{code}/position", data={"prompt_id": first, "text": "Off <i>topic</i>", "client_id": "z1"})
    with app.app_context():
        position_id = db.session.scalar(select(Position.id))
    page = client.get(f"/m/{code}").text
    assert "Off &lt;i&gt;topic&lt;/i&gt;" in page and 'name="reason"' in page
    assert "by <span dir=\"auto\">Amina from the radio</span>" in page  # the name given at join, to moderators
    assert "Amina" not in app.test_client().get(f"/s/{code}").text
    client.post(f"/m/{code}/moderate", data={"position_id": position_id, "action": "hide", "reason": "spam"})
    with app.app_context():
        assert db.session.get(Position, position_id).status == "hidden"
        entry = db.session.scalar(select(ModerationEntry).where(ModerationEntry.action == "hide"))
        assert (entry.reason, entry.actor, entry.desk) == ("spam", "moderator link (onsite desk)", "onsite")
    assert "Off &lt;i&gt;topic" not in participant.get(f"/j/{code}").text
    client.post(f"/m/{code}/moderate", data={"position_id": position_id, "action": "pin"})
    assert "Approve a hidden position before pinning it." in client.get(f"/m/{code}").text
    client.post(f"/m/{code}/moderate", data={"position_id": position_id, "action": "approve"})
    client.post(f"/m/{code}/moderate", data={"position_id": position_id, "action": "pin"})
    with app.app_context():
        position = db.session.get(Position, position_id)
        assert (position.status, position.pinned) == ("visible", True)

    # Ending asks first.
    asked = client.post(f"/m/{code}/end", data={})
    assert "End the workshop? Every question closes" in asked.text and 'id="confirm-yes"' in asked.text
    assert workshop_status(app, workshop) == "live"
    client.post(f"/m/{code}/end", data={"confirm": "yes"})
    assert workshop_status(app, workshop) == "ended"
    page = client.get(f"/m/{code}").text
    assert "The workshop has ended" in page and "Open question" not in page
    assert 'id="ended-summary"' in page
    # Results can still be shown after the end.
    client.post(f"/m/{code}/results", data={"prompt_id": second, "visible": "true"})
    assert prompt_status(app, second) == ("closed", True)


def test_invalid_posts_flash_an_error(app, workshop):
    client = moderator_client(app, workshop)
    code = workshop["code"]
    client.post(f"/m/{code}/open", data={"prompt_id": "abc"})
    client.post(f"/m/{code}/open", data={"prompt_id": 99999})
    page = client.get(f"/m/{code}").text
    assert "does not exist in this workshop" in page
    assert all(prompt_status(app, p["id"])[0] == "pending" for p in workshop["prompts"])


def test_console_posts_need_csrf(csrf_app):
    from facilitator.workshops.services import create_workshop, describe

    with csrf_app.app_context():
        w, token = create_workshop("CSRF", template="igf-ai-copyright")
        db.session.commit()
        data = describe(w, token)
    client = csrf_app.test_client()
    client.get(f"/m/{data['code']}?token={token}")
    prompt_id = data["prompts"][0]["id"]
    assert client.post(f"/m/{data['code']}/open", data={"prompt_id": prompt_id}).status_code == 400
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/m/{data['code']}").text).group(1)
    assert client.post(f"/m/{data['code']}/open", data={"prompt_id": prompt_id, "csrf_token": csrf}).status_code == 302
    with csrf_app.app_context():
        assert db.session.get(Prompt, prompt_id).status == "open"


def test_projector_page(app, client, workshop):
    code = workshop["code"]
    page = client.get(f"/s/{code}")
    assert page.status_code == 200
    html = page.text
    assert f">{code}<" in html and "testserver/j/" + code in html
    assert "<svg" in html and 'class="qr"' in html
    assert "<form" not in html  # no controls
    assert client.get("/s/ZZZZZZ").status_code == 404

    moderator = moderator_client(app, workshop)
    prompt = workshop["prompts"][0]
    moderator.post(f"/m/{code}/open", data={"prompt_id": prompt["id"]})
    a, b = app.test_client(), app.test_client()
    a.post(f"/j/{code}", data={"attendance": "onsite"})
    b.post(f"/j/{code}", data={"attendance": "online"})
    a.post(f"/j/{code}/vote", data={"prompt_id": prompt["id"], "option_ids": prompt["options"][0]["id"]})
    a.post(f"/j/{code}/position", data={"prompt_id": prompt["id"], "text": "Agreed by many", "client_id": "s1"})
    with app.app_context():
        position_id = db.session.scalar(select(Position.id))
    b.post(f"/j/{code}/react", data={"position_id": position_id, "value": "agree"})
    html = client.get(f"/s/{code}").text
    assert prompt["text"] in html and "Agreed by many" in html
    assert "1 person voted" not in html
    moderator.post(f"/m/{code}/results", data={"prompt_id": prompt["id"], "visible": "true"})
    html = client.get(f"/s/{code}").text
    assert "1 person voted" in html
    assert '<strong id="participant-total">2</strong>' in html
