"""The opinion map on the projector, the console and a phone (issue 13, CONTRACT §9): drawn from 3
participants with reactions, with 30, and with the 1,921 of vTaiwan's imported conversation; at
1920×1080 nothing is off screen, the groups are told by letter as well as colour, and axe reports
nothing. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser.conftest import new_workshop, shot, sync_api
from browser.test_languages import axe_violations
from e2e.clients import LiveClient

pytestmark = pytest.mark.browser
expect = sync_api.expect
VTAIWAN = Path("/work/shared/data/polis/vtaiwan.uberx")
if not VTAIWAN.exists():
    VTAIWAN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polis" / "vtaiwan.uberx"

CAMP_TEXTS = ["Only human authors deserve copyright protection.",
              "Works made by machines alone deserve protection too.",
              "Whatever the answer, the law must say it clearly and soon.",
              "Output with no human author should be in the public domain.",
              "Training on protected works needs the right-holders' consent.",
              "Text and data mining exceptions already cover AI training."]
#: How each camp reacts to the positions above (True agree, False disagree, None pass).
CAMPS = [[True, False, True, True, True, False],
         [False, True, True, False, False, True],
         [True, True, True, None, False, True]]


def crowd(server, size: int, camps: int) -> dict:
    """A workshop whose first question is open; `size` participants in `camps` camps react to six positions."""
    workshop = new_workshop(server, f"Opinion map with {size}")
    mod = LiveClient(server.url, {"workshop": workshop["code"], "moderator_token": workshop["moderator_token"]}).connect()
    q1 = workshop["prompts"][0]["id"]
    assert mod.emit("open_prompt", {"prompt_id": q1})["ok"]
    people = []
    for i in range(size):
        person = LiveClient(server.url, {"workshop": workshop["code"]}).connect()
        assert person.emit("join", {"attendance": "onsite" if i % 3 == 0 else "online"})["ok"]
        people.append(person)
    ids = []
    for k, text in enumerate(CAMP_TEXTS):
        ack = people[k % size].emit("submit_position", {"prompt_id": q1, "text": text, "client_id": f"map-{k}"})
        assert ack["ok"], ack
        ids.append(ack["position_id"])
    for i, person in enumerate(people):
        stance = CAMPS[i % camps]
        for k, position_id in enumerate(ids):
            if k % size == i:
                continue  # one's own position: counted as agreed, as on Pol.is
            value = "pass" if stance[k] is None else ("agree" if stance[k] else "disagree")
            assert person.emit("react", {"position_id": position_id, "value": value})["ok"]
    for person in people:
        person.disconnect()
    mod.wait_for("opinion", lambda o: o["participants_in"] == size, timeout=30)
    return {**workshop, "mod": mod, "q1": q1}


def imported(server) -> dict:
    workshop = json.loads(server.cli("import-polis", str(VTAIWAN), "--title", "vTaiwan UberX", "--json"))
    mod = LiveClient(server.url, {"workshop": workshop["code"], "moderator_token": workshop["moderator_token"]}).connect()
    state = mod.wait_for("state")
    q1 = state["prompts"][0]["id"]
    if state["prompts"][0]["status"] == "pending":
        ack = mod.emit("open_prompt", {"prompt_id": q1})
        assert ack["ok"], ack
    return {**workshop, "mod": mod, "q1": q1, "state": state}


def nothing_off_screen(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('#stage *, .join-box *')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width && r.height && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[hidden]')
          && (r.bottom > innerHeight + 1 || r.right > innerWidth + 1 || r.left < -1 || r.top < -1);
      }).map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 30))""")


def projector(browser, server, workshop, size, name, lang="en"):
    context = browser.new_context(viewport=size, bypass_csp=True, extra_http_headers={"Accept-Language": lang})
    page = context.new_page()
    page.goto(f"{server.url}/s/{workshop['code']}")
    expect(page.locator("#screen")).to_have_attribute("data-live", "1")
    return context, page


@pytest.fixture(scope="module")
def thirty(server):
    workshop = crowd(server, 30, 3)
    yield workshop
    workshop["mod"].disconnect()


def test_three_participants_make_a_map_and_the_moderator_shows_it(server, browser):
    workshop = crowd(server, 3, 3)
    mod, code = workshop["mod"], workshop["code"]
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    console = context.new_page()
    console.goto(f"{server.url}/m/{code}?token={workshop['moderator_token']}")
    section = console.locator("#opinion")
    expect(section.locator(".opinion-groups > li").first).to_be_visible()
    groups = section.locator(".opinion-groups > li").count()
    assert groups >= 2
    expect(section.locator("#opinion-shown")).to_have_text("not shown to the room")
    screen_context, screen = projector(browser, server, workshop, {"width": 1920, "height": 1080}, "three")
    expect(screen.locator("#screen-opinion")).to_have_count(0)  # not shown yet
    console.locator("#opinion-toggle").click()
    expect(section.locator("#opinion-shown")).to_have_text("shown on the screen and phones")
    expect(screen.locator("#screen-opinion .opinion-svg")).to_be_visible()
    expect(screen.locator("#screen-opinion .opinion-groups > li")).to_have_count(groups)
    assert screen.locator(".opinion-svg .letter").all_text_contents() != []
    shot(screen, "opinion-projector-3-1080p.png", full_page=False)
    assert nothing_off_screen(screen) == []
    assert axe_violations(screen) == []
    console.locator("#opinion-toggle").click()  # hide it again
    expect(screen.locator("#screen-opinion")).to_have_count(0)
    expect(console.locator("#opinion-toggle")).to_have_text("Show the opinion map")
    screen_context.close()
    context.close()
    mod.disconnect()


def test_thirty_participants_on_the_projector_console_and_phone(server, browser, thirty):
    mod, code = thirty["mod"], thirty["code"]
    assert mod.emit("show_opinion_map", {"prompt_id": thirty["q1"], "visible": True}) == {"ok": True}
    for size, name in (({"width": 1920, "height": 1080}, "1080p"), ({"width": 1280, "height": 720}, "720p")):
        context, page = projector(browser, server, thirty, size, name)
        groups = page.locator("#screen-opinion .opinion-groups > li")
        expect(groups.first).to_be_visible()
        letters = page.locator(".opinion-svg .letter").all_text_contents()
        heads = [re.search(r"Group (\w)", g).group(1) for g in groups.all_text_contents()]
        assert sorted(letters) == sorted(heads) and len(heads) >= 2, (letters, heads)
        assert page.locator(".opinion-svg path.dots").count() == len(heads)
        expect(page.locator(".opinion-consensus li").first).to_contain_text("the law must say it clearly")
        assert nothing_off_screen(page) == [], name
        shot(page, f"opinion-projector-30-{name}.png", full_page=False)
        if name == "1080p":
            assert axe_violations(page) == []
        context.close()
    for lang in ("ar", "zh"):
        context, page = projector(browser, server, thirty, {"width": 1920, "height": 1080}, "lang", lang)
        expect(page.locator("#screen-opinion .opinion-groups > li").first).to_be_visible()
        assert nothing_off_screen(page) == [], lang
        shot(page, f"opinion-projector-30-{lang}.png", full_page=False)
        context.close()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, extra_http_headers={"Accept-Language": "ar"})
    console = context.new_page()
    console.goto(f"{server.url}/m/{code}?token={thirty['moderator_token']}")
    expect(console.locator("#opinion .opinion-groups > li").first).to_be_visible()
    onsite_online = console.locator("#opinion .group-head").first.text_content()
    assert re.search(r"\d+", onsite_online)
    shot(console, "opinion-console-30-ar.png", full_page=False)
    context.close()


def test_the_phone_shows_the_map_when_shown(server, browser, thirty):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{server.url}/j/{thirty['code']}")
    page.locator("input[name=attendance]").first.check()
    page.locator("form button[type=submit]").first.click()
    expect(page.locator("#opinion-map .opinion-groups > li").first).to_be_visible()
    expect(page.locator("#opinion-map .opinion-consensus")).to_contain_text("the law must say it clearly")
    expect(page.locator("#opinion-map .opinion-svg")).to_be_visible()  # opinion.js loaded once shown
    shot(page, "opinion-phone-30.png")
    context.close()


@pytest.mark.skipif(not VTAIWAN.exists(), reason="the Pol.is data folder is not here")
def test_vtaiwan_1921_participants_on_the_projector(server, browser):
    workshop = imported(server)
    mod = workshop["mod"]
    assert mod.emit("show_opinion_map", {"prompt_id": workshop["q1"], "visible": True}) == {"ok": True}
    shown = mod.wait_for("opinion", lambda o: o["participants_in"] > 1000, timeout=60)
    context, page = projector(browser, server, workshop, {"width": 1920, "height": 1080}, "vtaiwan")
    expect(page.locator("#screen-opinion .opinion-groups > li")).to_have_count(len(shown["groups"]))
    assert nothing_off_screen(page) == []
    shot(page, "opinion-projector-vtaiwan-1080p.png", full_page=False)
    context.close()
    mod.disconnect()
