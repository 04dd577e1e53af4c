"""The floor, the agenda, roles and the session record as plain form posts (phones and consoles
without JavaScript): the same services as the socket events, authorized on the server."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.floor.models import Floor, Hand
from facilitator.moderation.models import ModerationEntry
from facilitator.workshops.models import RoleLink, Workshop
from tests.conftest import login


def moderator_client(app, workshop):
    client = app.test_client()
    assert client.get(f"/m/{workshop['code']}?token={workshop['moderator_token']}").status_code == 302
    return client


def participant_client(app, code, attendance="online", name=""):
    client = app.test_client()
    data = {"attendance": attendance}
    if name:
        data["display_name"] = name
    assert client.post(f"/j/{code}", data=data).status_code == 302
    return client


def hands(app):
    with app.app_context():
        return db.session.execute(select(Hand.id, Hand.status, Hand.kind, Hand.attendance, Hand.name)
                                  .order_by(Hand.id)).all()


def open_floor(app, workshop, seconds=120, alternate=False):
    client = moderator_client(app, workshop)
    data = {"open": "true", "speaking_seconds": str(seconds)}
    if alternate:
        data["alternate"] = "true"
    response = client.post(f"/m/{workshop['code']}/floor/settings", data=data)
    assert response.status_code == 302
    return client


def test_a_phone_without_javascript_raises_sees_its_place_and_lowers(app, workshop):
    code = workshop["code"]
    moderator = open_floor(app, workshop)
    first = participant_client(app, code, "onsite", "Amina")
    phone = participant_client(app, code, "online")
    first.post(f"/j/{code}/hand", data={"kind": "speak"})
    response = phone.post(f"/j/{code}/hand", data={"kind": "speak", "note": "On question 3", "name": "Kwame"})
    assert response.status_code == 302 and response.location.endswith("#floor")
    page = phone.get(f"/j/{code}").text
    assert "you are number 2 in the queue" in page and 'id="lower-hand"' in page
    assert "Your hand is up: you are number 2 in the queue." in page  # the flash after the post
    # The console lists both hands with their channel, the note and the name typed.
    console = moderator.get(f"/m/{code}").text
    assert console.index("Amina") < console.index("Kwame") and "On question 3" in console
    assert 'class="badge badge-online"' in console and 'class="badge badge-onsite"' in console
    assert "Next speaker: Amina" in console
    hand_id = re.search(r'action="/j/%s/hand/lower".*?name="hand_id" value="(\d+)"' % code, page, re.S).group(1)
    phone.post(f"/j/{code}/hand/lower", data={"hand_id": hand_id})
    assert [h.status for h in hands(app)] == ["waiting", "lowered"]
    page = phone.get(f"/j/{code}").text
    assert "Your hand is down." in page and 'id="raise-hand"' in page


def test_someone_elses_hand_cannot_be_lowered_and_a_second_hand_is_refused(app, workshop):
    code = workshop["code"]
    open_floor(app, workshop)
    owner, other = participant_client(app, code), participant_client(app, code)
    owner.post(f"/j/{code}/hand", data={"kind": "speak"})
    before = hands(app)
    other.post(f"/j/{code}/hand/lower", data={"hand_id": str(before[0].id)})
    assert hands(app) == before and "That is not one of your hands." in other.get(f"/j/{code}").text
    owner.post(f"/j/{code}/hand", data={"kind": "speak"})
    assert hands(app) == before
    assert "already" in owner.get(f"/j/{code}").text


def test_a_closed_floor_takes_points_of_order_only(app, client, workshop):
    code = workshop["code"]
    phone = participant_client(app, code)
    page = phone.get(f"/j/{code}").text
    assert "not taking requests to speak" in page and 'id="raise-hand"' not in page
    phone.post(f"/j/{code}/hand", data={"kind": "speak"})
    assert hands(app) == []
    phone.post(f"/j/{code}/hand", data={"kind": "point_of_order"})
    assert [(h.kind, h.status) for h in hands(app)] == [("point_of_order", "waiting")]
    assert "Your point of order is number 1." in phone.get(f"/j/{code}").text


def test_the_console_runs_the_floor_without_javascript(app, workshop):
    code = workshop["code"]
    moderator = open_floor(app, workshop, seconds=90, alternate=True)
    with app.app_context():
        floor = db.session.get(Floor, workshop["id"])
        assert (floor.is_open, floor.speaking_seconds, floor.alternate) == (True, 90, True)
    moderator.post(f"/m/{code}/floor/add", data={"name": "Victor Owade", "attendance": "online",
                                                 "stakeholder_group": "civil_society"})
    moderator.post(f"/m/{code}/floor/add", data={"name": "Chair", "attendance": "onsite", "kind": "point_of_order"})
    phone = participant_client(app, code, "onsite", "Lena")
    phone.post(f"/j/{code}/hand", data={"kind": "speak"})
    ids = {h.name: h.id for h in hands(app)}
    console = moderator.get(f"/m/{code}").text
    assert console.index("Chair") < console.index("Victor Owade") < console.index("Lena")
    assert "POINT OF ORDER" in console
    # Move Lena up, call the next speaker (the top of the queue), end, remove.
    moderator.post(f"/m/{code}/floor/move", data={"hand_id": ids["Lena"], "place": "1"})
    assert moderator.get(f"/m/{code}").text.count("Next speaker: Lena") == 1
    moderator.post(f"/m/{code}/floor/next", data={})
    console = moderator.get(f"/m/{code}").text
    assert "has the floor" in console and 'id="end-speech"' in console
    assert "You have the floor." in phone.get(f"/j/{code}").text
    moderator.post(f"/m/{code}/floor/end", data={})
    moderator.post(f"/m/{code}/floor/remove", data={"hand_id": ids["Chair"], "reason": "settled"})
    moderator.post(f"/m/{code}/floor/call", data={"hand_id": ids["Victor Owade"]})
    assert {h.name: h.status for h in hands(app)} == {"Victor Owade": "speaking", "Chair": "removed", "Lena": "spoke"}
    with app.app_context():
        actions = db.session.scalars(select(ModerationEntry.action).order_by(ModerationEntry.id)).all()
    assert {"set_floor", "add_speaker", "move_hand", "call_speaker", "end_speech", "remove_hand"} <= set(actions)


def test_bad_floor_posts_change_nothing(app, workshop):
    code = workshop["code"]
    moderator = open_floor(app, workshop)
    before = hands(app)
    for path, data in [("add", {"name": " ", "attendance": "onsite"}), ("add", {"name": "X", "attendance": "moon"}),
                       ("call", {"hand_id": "abc"}), ("move", {"hand_id": "1", "place": "0"}),
                       ("settings", {"speaking_seconds": "99999"}), ("end", {})]:
        response = moderator.post(f"/m/{code}/floor/{path}", data=data)
        assert response.status_code == 302, path
        assert hands(app) == before, path
    page = moderator.get(f"/m/{code}").text
    assert 'class="flash error"' in page


@pytest.mark.parametrize("path", ["floor/add", "floor/call", "floor/next", "floor/end", "floor/remove",
                                  "floor/move", "floor/settings", "agenda", "invite", "revoke"])
def test_floor_and_role_posts_are_refused_to_participants_and_the_rapporteur(app, workshop, path):
    code = workshop["code"]
    moderator = moderator_client(app, workshop)
    moderator.post(f"/m/{code}/invite", data={"role": "rapporteur"})
    url = re.search(r"(http://\S+/m/%s\?token=[\w-]+)" % code, moderator.get(f"/m/{code}").text).group(1)
    rapporteur = app.test_client()
    assert rapporteur.get(url.split("localhost", 1)[-1].split(":5000", 1)[-1]).status_code == 302
    phone = participant_client(app, code)
    data = {"name": "X", "attendance": "onsite", "hand_id": "1", "place": "1", "open": "true", "item": "0",
            "role": "moderator:online"}
    with app.app_context():
        links = db.session.scalar(select(func.count()).select_from(RoleLink))
    for who in (phone, rapporteur, app.test_client()):
        assert who.post(f"/m/{code}/{path}", data=data).status_code == 403
    assert hands(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RoleLink)) == links


def test_invite_shows_the_link_once_with_a_qr_code_and_revoke_locks_it(app, workshop):
    code = workshop["code"]
    moderator = moderator_client(app, workshop)
    moderator.post(f"/m/{code}/invite", data={"role": "moderator:online"})
    page = moderator.get(f"/m/{code}").text
    assert "Online desk moderator link" in page and "<svg" in page.split('id="new-link"')[1]
    path = re.search(r"https?://[^/\s]+(/m/%s\?token=[\w-]+)" % code, page).group(1)
    assert "Online desk moderator link" not in moderator.get(f"/m/{code}").text  # shown once
    online = app.test_client()
    online.get(path)
    console = online.get(f"/m/{code}").text
    assert "online desk" in console and "Online hands" in console
    assert moderator.post(f"/m/{code}/invite", data={"role": "chair"}).status_code == 302
    assert "Role: Not a valid choice" in moderator.get(f"/m/{code}").text or \
        "not a valid choice" in moderator.get(f"/m/{code}").text.lower()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RoleLink)) == 2  # the first link and this one
    # The organizer logs in and revokes every moderator link: the online desk is locked out.
    organizer = app.test_client()
    login(organizer)
    organizer.post(f"/m/{code}/revoke", data={"role": "moderator"})
    assert online.get(f"/m/{code}").status_code == 403
    assert organizer.get(f"/m/{code}").status_code == 200


def test_the_rapporteur_page_is_the_live_view_with_the_report_form(app, workshop):
    code = workshop["code"]
    moderator = moderator_client(app, workshop)
    moderator.post(f"/m/{code}/invite", data={"role": "rapporteur"})
    path = re.search(r"https?://[^/\s]+(/m/%s\?token=[\w-]+)" % code, moderator.get(f"/m/{code}").text).group(1)
    rapporteur = app.test_client()
    rapporteur.get(path)
    page = rapporteur.get(f"/m/{code}").text
    assert 'id="report"' in page and "Key takeaways" in page and "rapporteur" in page
    for control in ('id="next-step"', 'id="end-speech"', 'action="/m/%s/floor' % code, 'id="invite"', "mod-"):
        assert control not in page, control
    response = rapporteur.post(f"/w/{code}/summary", data={
        "next": "console", "key_takeaways-0": "Human authorship stays the test.", "summary": "Three questions."})
    assert response.status_code == 302 and response.location.endswith(f"/m/{code}#report")
    page = rapporteur.get(f"/m/{code}").text
    assert "Human authorship stays the test." in page and "Report saved." in page


def test_the_agenda_moves_without_javascript(app, workshop):
    code = workshop["code"]
    moderator = moderator_client(app, workshop)
    page = moderator.get(f"/m/{code}").text
    assert "The agenda has not started." in page and 'id="agenda-next"' in page
    moderator.post(f"/m/{code}/agenda", data={"item": "0"})
    page = moderator.get(f"/m/{code}").text
    now = page.split('class="clock-now"')[1].split("</p>")[0]
    assert "Welcome and how to take part" in now and 'id="agenda-back"' not in page
    moderator.post(f"/m/{code}/agenda", data={"item": "1"})
    page = moderator.get(f"/m/{code}").text
    assert "Speaker introduction (onsite)" in page.split('class="clock-now"')[1].split("</p>")[0]
    assert 'id="agenda-back"' in page
    assert moderator.post(f"/m/{code}/agenda", data={"item": "99"}).status_code == 302
    assert 'class="flash error"' in moderator.get(f"/m/{code}").text


def test_the_organizer_edits_the_session_record(app, client, workshop):
    code = workshop["code"]
    login(client)
    page = client.get(f"/workshops/{code}").text
    assert "Paolo Lanteri" in page and "Victor Owade" in page and "9.b, 17.6, 17.7" in page
    data = {"format": "Panel", "theme": "AI", "organizers": "WIPO; intergovernmental",
            "speakers": "Ana Diaz; Uni; academia; grulac; online", "moderator_onsite": "Eva",
            "moderator_online": "Omar", "sdgs": "9, 17", "sdg_targets": "9.b"}
    response = client.post(f"/workshops/{code}/record", data=data)
    assert response.status_code == 302
    with app.app_context():
        record = db.session.get(Workshop, workshop["id"]).session_record
    assert record["speakers"] == [{"name": "Ana Diaz", "affiliation": "Uni", "stakeholder_group": "academia",
                                   "regional_group": "grulac", "attendance": "online"}]
    assert record["sdgs"] == [9, 17] and record["moderators"] == {"onsite": "Eva", "online": "Omar"}
    # Bad input: a clear error beside the field, what was typed kept, nothing changed.
    for bad, message in [({"sdgs": "9, 42"}, "not an SDG"), ({"speakers": "Ana; Uni; academia; mars; online"},
                                                               "not a regional group"),
                         ({"sdg_targets": "nine"}, "not an SDG target"), ({"format": "Rave"}, "Not a valid choice")]:
        response = client.post(f"/workshops/{code}/record", data={**data, **bad})
        assert response.status_code == 400 and message in response.text, bad
        if "format" not in bad:
            assert list(bad.values())[0] in response.text  # what was typed is kept
        with app.app_context():
            assert db.session.get(Workshop, workshop["id"]).session_record == record
    # Only the owner.
    other = app.test_client()
    assert other.post(f"/workshops/{code}/record", data=data).status_code in (302, 401)
    with app.app_context():
        assert db.session.get(Workshop, workshop["id"]).session_record == record


def test_the_projector_shows_the_speaker_and_the_agenda_item_without_javascript(app, client, workshop):
    code = workshop["code"]
    moderator = open_floor(app, workshop, seconds=120)
    moderator.post(f"/m/{code}/agenda", data={"item": "1"})
    moderator.post(f"/m/{code}/floor/add", data={"name": "Victor Owade", "attendance": "online"})
    for name in ("Ana", "Ben", "Chi", "Dee"):
        moderator.post(f"/m/{code}/floor/add", data={"name": name, "attendance": "onsite"})
    moderator.post(f"/m/{code}/floor/next", data={})
    screen = client.get(f"/s/{code}").text
    strip = screen.split('id="floor-strip"')[1].split("</footer>")[0]
    assert "Victor Owade" in strip and "ONLINE" in strip and 'class="countdown"' in strip
    assert "Ana" in strip and "Chi" in strip and "Dee" not in strip  # the next three
    assert 'id="agenda-now"' in screen and "hidden" not in screen.split('id="agenda-now"')[1].split(">")[0]
