"""Every page in the six UN languages: lang and dir, nothing left in English where people read
it, and axe-core reports no accessibility violation (CONTRACT §11, issue 11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from browser.conftest import EMAIL, LAPTOP, PASSWORD, PHONE, new_workshop, shot, sync_api
from e2e.clients import LiveClient

pytestmark = pytest.mark.browser
expect = sync_api.expect
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "facilitator" / "translations"
LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]

#: Visible text of the page that is not user content (dir="auto"), not a language name in the
#: switcher (lang=...), not a code or an address, not what was typed into a form (textarea).
PAGE_TEXT = """() => {
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement, text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || el.closest("script, style, code, textarea, [dir=auto], [lang]:not(html), .code, .join-url, svg, [hidden]")) continue;
    out.push(text);
  }
  document.querySelectorAll("[aria-label], [placeholder], [title]").forEach(el => {
    if (el.closest("[hidden], [dir=auto]")) return;
    ["aria-label", "placeholder", "title"].forEach(a => { if (el.getAttribute(a)) out.push(el.getAttribute(a)); });
  });
  return out;
}"""

#: Words that stay as they are in every language.
KEPT = {"Facilitator", "IGF", "WIPO", "QR", "SDG", "CSV", "JSON", "HTML", "Markdown", "PDF", "zip", "UTC", "ok", "OK"}


def untranslated_english(language: str) -> set[str]:
    """English UI strings that must not appear as they are on a page in `language`."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=language)
    found = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for source in ids:
            if source and source not in strings and len(source.split()) >= 2 and "%(" not in source:
                found.add(source)
    return found


def leftovers(page, language: str) -> list[str]:
    texts = page.evaluate(PAGE_TEXT)
    if language == "en":
        return []
    if language in ("ar", "zh", "ru"):
        # Another script: any English word left stands out.
        words = {w for text in texts for w in re.findall(r"[A-Za-z]{3,}", text)}
        return sorted(w for w in words if w not in KEPT)
    english = untranslated_english(language)
    return sorted(t for t in texts if t.rstrip(".:…") in {e.rstrip(".:…") for e in english})


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations.map("
                           "v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")
    return result


def check(page, language: str, name: str, english_too: bool = False) -> None:
    assert page.evaluate("document.documentElement.lang") == language, name
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr"), name
    if english_too:
        assert leftovers(page, language) == [], f"{name} in {language}: English left"
    assert axe_violations(page) == [], f"{name} in {language}"


@pytest.fixture(scope="module")
def workshop(server):
    workshop = new_workshop(server)
    mod = LiveClient(server.url, {"workshop": workshop["code"], "moderator_token": workshop["moderator_token"]}).connect()
    prompt = workshop["prompts"][0]
    assert mod.emit("open_prompt", {"prompt_id": prompt["id"]})["ok"]
    voter = LiveClient(server.url, {"workshop": workshop["code"]}).connect()
    assert voter.emit("join", {"attendance": "online", "stakeholder_group": "academia"})["ok"]
    assert voter.emit("cast_vote", {"prompt_id": prompt["id"], "option_ids": [prompt["options"][0]["id"]]})["ok"]
    assert voter.emit("raise_hand", {"kind": "speak"})["ok"] if mod.emit("set_floor", {"open": True})["ok"] else True
    assert mod.emit("show_results", {"prompt_id": prompt["id"], "visible": True})["ok"]
    invite = json.loads(server.cli("invite", workshop["code"], "--role", "rapporteur", "--json"))
    workshop["rapporteur_url"] = invite["url"]
    workshop["welcome_code"] = new_workshop(server, "Welcome")["code"]  # nothing opened yet
    yield workshop
    voter.disconnect()
    mod.disconnect()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_in_each_language(server, browser, workshop, language):
    code = workshop["code"]
    # A participant's phone: the language asked once with ?lang=, then remembered.
    phone = browser.new_context(**PHONE, bypass_csp=True).new_page()  # bypass: to inject axe
    phone.goto(f"{server.url}/?lang={language}")
    check(phone, language, "home")
    phone.goto(f"{server.url}/j/{code}")
    check(phone, language, "join page", english_too=True)
    shot(phone, f"lang-{language}-join-360.png")
    phone.locator("input[name=attendance][value=onsite]").check()
    phone.locator("form.join button[type=submit]").click()
    expect(phone.locator("#live-status")).to_have_class(re.compile(r"\bon\b"))
    check(phone, language, "participant page", english_too=True)
    shot(phone, f"lang-{language}-participant-360.png")
    phone.goto(f"{server.url}/j/ZZZZZZ")
    check(phone, language, "unknown code")
    phone.goto(f"{server.url}/no-such-page")
    check(phone, language, "404", english_too=True)
    phone.goto(f"{server.url}/m/{code}")
    check(phone, language, "403 (console without a link)", english_too=True)
    phone.context.close()

    # The projector at 1080p, and the console at 1366x768, in the browser's language (Accept-Language).
    room = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True,
                               extra_http_headers={"Accept-Language": f"{language},en;q=0.5"}).new_page()
    room.goto(f"{server.url}/s/{code}")
    room.wait_for_timeout(800)  # the state arrives over the socket
    check(room, language, "projector", english_too=True)
    shot(room, f"lang-{language}-projector-1080.png", full_page=False)
    room.context.close()
    console = browser.new_context(**LAPTOP, bypass_csp=True, locale=language).new_page()
    console.goto(f"{server.url}/m/{code}?token={workshop['moderator_token']}&lang={language}")
    check(console, language, "console", english_too=True)
    shot(console, f"lang-{language}-console-1366.png", full_page=False)
    console.context.close()
    # The rapporteur's page (the console in its rapporteur form, with the report).
    rapporteur = browser.new_context(**LAPTOP, bypass_csp=True).new_page()
    rapporteur.goto(f"{workshop['rapporteur_url']}&lang={language}")
    check(rapporteur, language, "rapporteur's page", english_too=True)
    rapporteur.context.close()
    # A mixed room: the projector in this language with the join instructions in Arabic too.
    mixed = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
    other = "ar" if language != "ar" else "en"
    mixed.goto(f"{server.url}/s/{workshop['welcome_code']}?lang={language}&also={other}")
    mixed.wait_for_timeout(800)
    assert mixed.locator(f".also[lang={other}]").count() == 6
    if other == "ar":  # the second language is really Arabic, not the English source
        assert not re.search(r"[A-Za-z]{3,}", " ".join(mixed.locator(".also").all_inner_texts()))
    check(mixed, language, f"projector with {other} too", english_too=language != "en")
    shot(mixed, f"lang-{language}-also-{other}-projector-720.png", full_page=False)
    mixed.context.close()

    # The organizer's pages.
    desk = browser.new_context(**LAPTOP, bypass_csp=True).new_page()
    desk.goto(f"{server.url}/login?lang={language}")
    check(desk, language, "login", english_too=True)
    desk.locator("input[name=email]").fill(EMAIL)
    desk.locator("input[name=password]").fill(PASSWORD)
    desk.locator("form button[type=submit]").click()
    for path, name in [("/workshops/", "workshops"), ("/workshops/new", "new workshop"),
                       (f"/workshops/{code}", "workshop page"), (f"/w/{code}/summary", "summary"),
                       ("/workshops/archive", "past workshops")]:
        desk.goto(server.url + path)
        check(desk, language, name, english_too=True)
    desk.context.close()
