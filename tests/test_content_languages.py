"""Translated workshop content (CONTRACT §11): the template's six languages, the organizer's
translations table and language choice, and what participants, the projector and sockets see."""

from __future__ import annotations

import re
from markupsafe import escape

import pytest

from facilitator.extensions import db
from facilitator.workshops.models import Option, Prompt, Workshop
from tests.participation.test_pages import join, open_prompt
from tests.test_workshops_pages import flashes, log_in

pytestmark = pytest.mark.usefixtures("organizer")

FR_Q1 = "générées de manière autonome"  # in the template's French first question


def texts(app, workshop_id):
    """Every stored text with its translations: {"title": (text, tr), (prompt order): ..., ...}."""
    with app.app_context():
        w = db.session.get(Workshop, workshop_id)
        out = {"language": w.language, "title": (w.title, dict(w.translations))}
        for p in w.prompts:
            out[p.order] = (p.text, dict(p.translations))
            for o in p.options:
                out[(p.order, o.order)] = (o.label, dict(o.translations))
        return out


def test_the_template_gives_every_text_in_six_languages(app, workshop):
    stored = texts(app, workshop["id"])
    assert stored["language"] == "en"
    for key, (text, translations) in stored.items():
        if key in ("language", "title"):
            continue
        assert set(translations) == {"fr", "es", "ar", "zh", "ru"}, key
        assert all(t.strip() and t != text for t in translations.values()), key
    # the organizer's own title: its translations are theirs to give
    assert stored["title"] == ("Test workshop", {})


def test_participants_and_projector_see_their_language(app, client, workshop):
    code = workshop["code"]
    open_prompt(app, workshop)
    join(client, code)
    french = client.get(f"/j/{code}?lang=fr").text
    assert FR_Q1 in french and 'lang="fr"' in french
    # the choice is remembered; the original is there for English
    assert FR_Q1 in client.get(f"/j/{code}").text
    english = client.get(f"/j/{code}?lang=en").text
    assert "autonomously" in english and FR_Q1 not in english
    arabic = app.test_client().get(f"/s/{code}", headers={"Accept-Language": "ar"}).text
    assert 'dir="rtl"' in arabic
    with app.app_context():
        prompt = db.session.get(Prompt, workshop["prompts"][0]["id"])
        assert prompt.translations["ar"] in arabic


def test_socket_state_comes_in_the_connection_language(app, workshop, live):
    """`state` is in the connection's language, without the other five (4 KB less per connect);
    the events that change content carry every translation."""
    open_prompt(app, workshop)
    with app.app_context():
        prompt_row = db.session.get(Prompt, workshop["prompts"][0]["id"])
        chinese = prompt_row.translations["zh"]
        chinese_option = prompt_row.options[0].translations["zh"]
    c = live({"workshop": workshop["code"], "lang": "zh"})
    state = next(e for e in c.get_received("/live") if e["name"] == "state")["args"][0]
    prompt = next(p for p in state["prompts"] if p["id"] == state["open_prompt_id"])
    assert prompt["text"] == chinese and prompt["options"][0]["label"] == chinese_option
    assert "translations" not in str(state)
    assert state["workshop"]["language"] == "en"
    english = live({"workshop": workshop["code"]})
    state = next(e for e in english.get_received("/live") if e["name"] == "state")["args"][0]
    assert state["prompts"][0]["text"] == workshop["prompts"][0]["text"]
    assert c.emit("get_state", {}, namespace="/live", callback=True)["state"]["prompts"][0]["text"] == chinese


def edit_page(client, code):
    page = client.get(f"/workshops/{code}")
    assert page.status_code == 200
    return page.text


def test_edit_page_has_a_column_per_language(app, client, workshop):
    log_in(client)
    html = edit_page(client, workshop["code"])
    table = html[html.index('<table class="translations">'):html.index("</table>")]
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
    assert headers == ["English", "Français", "Español", "العربية", "中文", "Русский"]
    first = workshop["prompts"][0]["id"]
    field = re.search(rf'<textarea[^>]*name="prompt-{first}-ar"[^>]*>', table).group(0)
    assert 'lang="ar"' in field and 'dir="auto"' in field and "aria-label=" in field
    assert FR_Q1 in table  # the template's translations fill the cells


def test_save_translations_and_clear_one(app, client, workshop):
    log_in(client)
    code, first = workshop["code"], workshop["prompts"][0]
    option = first["options"][0]["id"]
    before = texts(app, workshop["id"])
    response = client.post(f"/workshops/{code}/translations", data={
        "title-0-fr": "  Table ronde  ", f"prompt-{first['id']}-es": "¿Pregunta nueva?",
        f"option-{option}-ru": "", f"prompt-{first['id']}-zh": "新问题"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Translations saved." in flashes(response.text)
    after = texts(app, workshop["id"])
    assert after["title"][1]["fr"] == "Table ronde"
    assert after[1][1]["es"] == "¿Pregunta nueva?" and after[1][1]["zh"] == "新问题"
    assert after[1][1]["fr"] == before[1][1]["fr"]  # a cell not posted keeps its text
    assert "ru" not in after[(1, 1)][1]  # an emptied cell removes that translation
    assert after[(1, 1)][0] == before[(1, 1)][0]  # the original never changes here


def test_too_long_translation_changes_nothing(app, client, workshop):
    log_in(client)
    code, first = workshop["code"], workshop["prompts"][0]["id"]
    before = texts(app, workshop["id"])
    response = client.post(f"/workshops/{code}/translations", data={
        "title-0-fr": "Bon titre", f"prompt-{first}-fr": "x" * 2001})
    assert response.status_code == 400
    assert "2000" in response.text and "x" * 2001 in response.text  # the error, and what was typed
    assert texts(app, workshop["id"]) == before


def test_translations_of_a_live_workshop_are_refused(app, client, workshop):
    log_in(client)
    open_prompt(app, workshop)  # goes live
    before = texts(app, workshop["id"])
    response = client.post(f"/workshops/{workshop['code']}/translations",
                           data={"title-0-fr": "Trop tard"}, follow_redirects=True)
    assert any("before the workshop goes live" in m for m in flashes(response.text))
    assert texts(app, workshop["id"]) == before
    assert 'name="title-0-fr"' not in response.text


def test_translations_need_the_owner(app, client, workshop, make_workshop):
    from facilitator.accounts.services import create_organizer

    with app.app_context():
        other = create_organizer("other@example.org", "another long secret")
        db.session.commit()
        other_id = other.id
    theirs = make_workshop(organizer_id=other_id, title="Not yours")
    before = texts(app, theirs["id"])
    anonymous = client.post(f"/workshops/{theirs['code']}/translations", data={"title-0-fr": "Pris"})
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    log_in(client)
    for path, data in [("translations", {"title-0-fr": "Pris"}), ("language", {"language": "fr"})]:
        assert client.post(f"/workshops/{theirs['code']}/{path}", data=data).status_code == 404
    assert texts(app, theirs["id"]) == before


def test_changing_the_language_swaps_originals_and_translations(app, client, workshop):
    log_in(client)
    code = workshop["code"]
    before = texts(app, workshop["id"])
    response = client.post(f"/workshops/{code}/language", data={"language": "fr"}, follow_redirects=True)
    assert response.status_code == 200
    after = texts(app, workshop["id"])
    assert after["language"] == "fr"
    assert after[1][0] == before[1][1]["fr"] and after[1][1]["en"] == before[1][0]
    assert "fr" not in after[1][1]
    assert after[(1, 2)][0] == before[(1, 2)][1]["fr"]
    # the title had no French: it stays as written, and the table now has an English column
    assert after["title"] == before["title"]
    assert 'name="title-0-en"' in response.text and 'name="title-0-fr"' not in response.text
    # a participant whose browser asks for none of the six sees French
    open_prompt(app, workshop)
    participant = client.get(f"/j/{code}", headers={"Accept-Language": "de"})
    assert 'lang="fr"' in participant.text


@pytest.mark.parametrize("language", ["de", "", "fr-CA"])
def test_unknown_language_changes_nothing(app, client, workshop, language):
    log_in(client)
    before = texts(app, workshop["id"])
    response = client.post(f"/workshops/{workshop['code']}/language", data={"language": language},
                           follow_redirects=True)
    assert flashes(response.text)
    assert texts(app, workshop["id"]) == before


def test_projector_join_instructions_in_two_languages(app, workshop):
    from flask_babel import force_locale, gettext

    code = workshop["code"]
    with app.test_request_context(), force_locale("ar"):
        join_how, soon = gettext("Join on your phone"), gettext("Join now: the first question opens soon.")
    assert join_how != "Join on your phone"  # the Arabic catalog has it
    html = app.test_client().get(f"/s/{code}?lang=en&also=ar").text
    assert '<html lang="en" dir="ltr"' in html
    assert f'Join on your phone<span class="also" lang="ar" dir="rtl">{join_how}</span>' in html
    assert f'<span class="also" lang="ar" dir="rtl">{soon}</span>' in html
    assert html.count('class="also"') == 6  # join box (2), welcome line, three steps
    assert 'data-also="' in html  # for screen.js, which redraws the stage live
    for same_or_unknown in ("en", "xx", ""):
        plain = app.test_client().get(f"/s/{code}?lang=en&also={same_or_unknown}").text
        assert 'class="also"' not in plain and "data-also" not in plain


def test_results_show_the_option_labels_in_the_page_language(app, workshop):
    from tests.participation.test_pages import show_results

    open_prompt(app, workshop)
    show_results(app, workshop)
    with app.app_context():
        option = db.session.get(Option, workshop["prompts"][0]["options"][0]["id"])
        french, english = option.translations["fr"], option.label
    participant = app.test_client()
    join(participant, workshop["code"])
    for client, path in ((app.test_client(), f"/s/{workshop['code']}?lang=fr"),
                         (participant, f"/j/{workshop['code']}?lang=fr")):
        html = client.get(path).text
        results = html[html.index('<ul class="results'):]
        results = results[:results.index("</ul>")]
        assert f'<span class="option-label" dir="auto">{escape(french)}</span>' in results, path
        assert english not in results, path


def test_content_events_carry_every_translation(app, workshop, live):
    moderator = live({"workshop": workshop["code"], "moderator_token": workshop["moderator_token"]})
    participant = live({"workshop": workshop["code"], "lang": "ru"})
    assert participant.emit("join", {"attendance": "online"}, namespace="/live", callback=True)["ok"]
    participant.get_received("/live")
    second = workshop["prompts"][1]["id"]
    assert moderator.emit("open_prompt", {"prompt_id": second}, namespace="/live", callback=True)["ok"]
    changed = [e["args"][0] for e in participant.get_received("/live") if e["name"] == "prompt_changed"]
    assert changed and set(changed[-1]["translations"]) == {"fr", "es", "ar", "zh", "ru"}


def test_script_messages_are_utf8(app, workshop):
    from tests.participation.test_pages import open_prompt as _open

    _open(app, workshop)
    client = app.test_client()
    join(client, workshop["code"])
    html = client.get(f"/j/{workshop['code']}?lang=fr").text
    block = re.search(r'<script type="application/json" id="messages">(.*?)</script>', html, re.S).group(1)
    assert "é" in block and "\\u00e9" not in block


@pytest.mark.parametrize("language", ["fr", "ar", "zh", "ru"])
def test_an_ack_error_is_in_the_connection_language(app, workshop, live, language):
    """The `message` of a refusal is in the language the connection asked for (auth.lang);
    the `code` is the same in every language (CONTRACT §11)."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(language):
        expected = gettext("This question is not open yet.")
    assert expected != "This question is not open yet."
    client = live({"workshop": workshop["code"], "lang": language})
    assert client.emit("join", {"attendance": "online"}, namespace="/live", callback=True)["ok"]
    prompt = workshop["prompts"][0]  # not opened
    ack = client.emit("cast_vote", {"prompt_id": prompt["id"], "option_ids": [prompt["options"][0]["id"]]},
                      namespace="/live", callback=True)
    assert ack["ok"] is False and ack["error"]["message"] == expected
    english = live({"workshop": workshop["code"]})
    assert english.emit("join", {"attendance": "online"}, namespace="/live", callback=True)["ok"]
    same = english.emit("cast_vote", {"prompt_id": prompt["id"], "option_ids": [prompt["options"][0]["id"]]},
                        namespace="/live", callback=True)
    assert same["error"]["code"] == ack["error"]["code"]
    assert same["error"]["message"] == "This question is not open yet."


def test_a_script_loaded_later_gets_its_translations(client):
    """A phone loads opinion.js only once a map is shown, and its strings with it (GET /i18n/NAME.json)."""
    from facilitator.i18n import message_key

    french = client.get("/i18n/opinion.json?lang=fr")
    assert french.status_code == 200 and french.mimetype == "application/json"
    assert french.json[message_key("Opinion groups")] == "Groupes d'opinion"
    forms = french.json[message_key("%(num)d participant in the map\u0000%(num)d participants in the map")]
    assert forms["other"] == "%(num)d participants sur la carte"
    assert client.get("/i18n/opinion.json?lang=en").json == {}  # English is in the script itself
    assert client.get("/i18n/console.json?lang=fr").status_code == 404  # only scripts loaded later
