"""The summary page, downloads and archive: who may see them, and the rapporteur's form."""

import re

import pytest

from facilitator.accounts.services import create_organizer
from facilitator.export.services import report_for
from facilitator.extensions import db
from facilitator.workshops.services import find_workshop
from tests.conftest import ORGANIZER_PASSWORD, login

FORMATS = {"json": "application/json", "md": "text/markdown", "csv": "application/zip", "html": "text/html"}


def summary_url(code):
    return f"/w/{code}/summary"


def assert_refused(response):
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    body = response.get_data(as_text=True)
    assert "Machines are tools" not in body and "Round table" not in body


@pytest.mark.parametrize("path", ["summary", "export.json", "export.md", "export.csv", "export.html"])
def test_anonymous_and_participants_are_refused(client, session_data, path):
    url = f"/w/{session_data['code']}/{path}"
    assert_refused(client.get(url))
    # A participant's cookie is not a moderator's.
    with client.session_transaction() as s:
        s["participants"] = {session_data["code"]: session_data["tokens"][0]}
    assert_refused(client.get(url))
    # Nor is a wrong moderator token.
    with client.session_transaction() as s:
        s["moderator_tokens"] = {session_data["code"]: "not-the-token"}
    assert_refused(client.get(url))


def test_other_organizer_is_refused(app, client, session_data):
    with app.app_context():
        create_organizer("someone.else@example.org", ORGANIZER_PASSWORD)
        db.session.commit()
    login(client, "someone.else@example.org")
    for path in ("summary", "export.json", "export.csv"):
        response = client.get(f"/w/{session_data['code']}/{path}")
        assert response.status_code == 403
        assert "Machines are tools" not in response.get_data(as_text=True)
    assert session_data["code"] not in client.get("/workshops/archive").get_data(as_text=True)


def test_owner_sees_summary_and_downloads(client, session_data):
    login(client)
    page = client.get(summary_url(session_data["code"]))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for needle in ("Round table, 60 minutes, hybrid", "Machines are tools", "Key takeaways", "Most contested positions",
                   f"/w/{session_data['code']}/export.csv", "PENDINGPLUGH"):
        assert needle in body, needle
    assert "HIDDENXYZZY" not in body
    for fmt, mimetype in FORMATS.items():
        response = client.get(f"/w/{session_data['code']}/export.{fmt}")
        assert response.status_code == 200, fmt
        assert response.mimetype == mimetype
        if mimetype.startswith("text/"):
            assert response.headers["Content-Type"] == f"{mimetype}; charset=utf-8"  # once
        assert f"facilitator-{session_data['code']}" in response.headers["Content-Disposition"]
    assert client.get(f"/w/{session_data['code']}/export.pdf").status_code == 404
    assert client.get("/w/ZZZZZZ/summary").status_code == 404


def test_moderator_token_in_session_or_link(client, session_data):
    code, token = session_data["code"], session_data["moderator_token"]
    response = client.get(f"{summary_url(code)}?token={token}")
    assert response.status_code == 302 and "token" not in response.headers["Location"]
    assert client.get(summary_url(code)).status_code == 200
    other = client.application.test_client()
    with other.session_transaction() as s:
        s["moderator_tokens"] = {code: token}
    assert other.get(f"/w/{code}/export.json").status_code == 200


def form_data(takeaways=(), calls=(), **fields):
    data = {"summary": "", "gender_balance": "", "moderators": ""}
    data.update(fields)
    for i, text in enumerate(takeaways):
        data[f"key_takeaways-{i}"] = text
    for i, text in enumerate(calls):
        data[f"calls_to_action-{i}"] = text
    return data


def test_rapporteur_edits_fields(app, client, session_data):
    login(client)
    code = session_data["code"]
    response = client.post(summary_url(code), data=form_data(
        ["First takeaway", "", "Second takeaway"], ["Act now"], summary="A lively debate.",
        gender_balance="about half women", moderators="A. Moderator"))
    assert response.status_code == 302
    with app.app_context():
        report = report_for(find_workshop(code))
        assert report.key_takeaways == ["First takeaway", "Second takeaway"]
        assert report.calls_to_action == ["Act now"]
        assert (report.summary, report.gender_balance, report.moderators) == (
            "A lively debate.", "about half women", "A. Moderator")
        assert report.updated_at is not None
    page = client.get(summary_url(code)).get_data(as_text=True)
    assert "First takeaway" in page and "A. Moderator" in page
    assert client.get(f"/w/{code}/export.json").get_json()["report"]["session"]["moderators"] == "A. Moderator"


def test_at_most_three_takeaways(app, client, session_data):
    login(client)
    code = session_data["code"]
    response = client.post(summary_url(code), data=form_data(["one", "two", "three", "four"], ["x"] * 4))
    assert response.status_code == 400
    assert "at most 3" in response.get_data(as_text=True)
    with app.app_context():
        assert report_for(find_workshop(code)) is None


def test_rapporteur_form_needs_csrf(csrf_app):
    from facilitator.workshops.services import create_workshop

    client = csrf_app.test_client()
    with csrf_app.app_context():
        organizer = create_organizer("moderator@example.org", ORGANIZER_PASSWORD)
        workshop, _ = create_workshop("CSRF workshop", template="igf-ai-copyright", organizer=organizer)
        db.session.commit()
        code = workshop.code
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    token = next(g for g in csrf.groups() if g)
    assert client.post("/login", data={"email": "moderator@example.org", "password": ORGANIZER_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert client.post(summary_url(code), data=form_data(["Forged"])).status_code == 400
    with csrf_app.app_context():
        assert report_for(find_workshop(code)) is None
    page = client.get(summary_url(code)).get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(summary_url(code), data={**form_data(["Genuine"]), "csrf_token": token}).status_code == 302
    with csrf_app.app_context():
        assert report_for(find_workshop(code)).key_takeaways == ["Genuine"]


def test_archive_lists_past_workshops(client, session_data, make_workshop, organizer):
    draft = make_workshop(title="Still a draft", organizer_id=organizer)
    assert_refused(client.get("/workshops/archive"))
    login(client)
    body = client.get("/workshops/archive").get_data(as_text=True)
    assert session_data["code"] in body and draft["code"] not in body
    assert re.search(r"<td>6</td>", body)
    assert "ended" in body and f"/w/{session_data['code']}/summary" in body
    assert f"/w/{session_data['code']}/export.csv" in body


def test_data_files_stay_english_documents_follow_the_page(client, session_data):
    """JSON and CSV are the same whoever downloads them; HTML and Markdown are for people."""
    login(client)
    code = session_data["code"]
    english = client.get(f"/w/{code}/export.json").get_json()
    client.get(f"{summary_url(code)}?lang=fr")  # the organizer reads the pages in French
    french_json = client.get(f"/w/{code}/export.json").get_json()
    assert french_json["report"]["session"]["format"] == english["report"]["session"]["format"] \
        == "Round table, 60 minutes, hybrid"
    markdown = client.get(f"/w/{code}/export.md").get_data(as_text=True)
    assert "Round table, 60 minutes, hybrid" not in markdown and "Table ronde" in markdown


def test_report_dates_and_times_follow_the_language(client, session_data):
    from datetime import date, datetime

    from babel.dates import format_date, format_time

    login(client)
    code = session_data["code"]
    session = client.get(f"/w/{code}/export.json").get_json()["report"]["session"]
    day = date.fromisoformat(session["date"])
    start = format_time(datetime.fromisoformat(session["started_at"]), "short", locale="zh")
    for language in ("fr", "ru", "zh"):
        page = client.get(f"{summary_url(code)}?lang={language}").get_data(as_text=True)
        assert format_date(day, "long", locale=language) in page, language
    markdown = client.get(f"/w/{code}/export.md").get_data(as_text=True)  # the last page's language: zh
    assert format_date(day, "long", locale="zh") in markdown
    assert f"{start}–" in markdown and "UTC" in markdown
