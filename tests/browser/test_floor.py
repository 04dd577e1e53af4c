"""The hybrid floor in Chromium: a phone asks to speak, the console at 1366x768 calls the next
speaker, the projector shows who speaks and who is next; with JavaScript and without.

Screenshots go to test-artifacts/floor-*.png, to be looked at.
"""

from __future__ import annotations

import re

import pytest

from browser.conftest import LAPTOP, PHONE, new_workshop, shot, sync_api
from e2e.clients import LiveClient

pytestmark = pytest.mark.browser
expect = sync_api.expect
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


def connect(srv, auth) -> LiveClient:
    return LiveClient(srv.url, auth).connect()


def join(page, base, code, attendance, name=""):
    page.goto(f"{base}/j/{code}")
    page.get_by_label(attendance).check()
    if name:
        page.get_by_label("Your name (optional)").fill(name)
    page.get_by_role("button", name="Join the workshop").click()


def in_view(page, selector, height=768):
    box = page.locator(selector).bounding_box()
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.fixture
def round_table(server):
    workshop = new_workshop(server)
    code = workshop["code"]
    mod = connect(server, {"workshop": code, "moderator_token": workshop["moderator_token"]})
    people = []
    for i, (attendance, name) in enumerate([("onsite", "Amina Diallo"), ("online", ""), ("onsite", "")]):
        person = connect(server, {"workshop": code})
        assert person.emit("join", {"attendance": attendance, "display_name": name,
                                    "stakeholder_group": ["government", "civil_society", "academia"][i]})["ok"]
        people.append(person)
    yield {"workshop": workshop, "code": code, "mod": mod, "people": people}
    for client in [mod, *people]:
        client.disconnect()


def test_the_floor_live_on_the_phone_the_console_and_the_projector(server, browser, round_table):
    code, workshop, mod, people = (round_table[k] for k in ("code", "workshop", "mod", "people"))
    console = browser.new_context(**LAPTOP).new_page()
    console.clock.install()  # to see an overrun without waiting for it
    console.goto(f"{server.url}/m/{code}?token={workshop['moderator_token']}")
    expect(console.locator("#live-status")).to_have_text("Live")
    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    join(phone, server.url, code, "Online", "Kwame Mensah")
    expect(phone.locator("#live-status")).to_have_text("Live")
    expect(phone.locator("#floor")).to_contain_text("not taking requests to speak")

    # The moderator opens the floor with 60 seconds per speech and alternation.
    console.locator("#floor-settings summary").click()
    console.locator("#floor-open").check()
    console.locator("#floor-seconds").select_option("60")
    console.locator("#floor-alternate").check()
    console.locator("#floor-save").click()
    expect(console.locator("#ack")).to_have_text("Floor settings saved.")
    expect(console.locator("#floor-h")).to_contain_text("open to requests")

    # Someone in the room raises a hand first; the phone (online) asks to speak with a note.
    assert people[0].emit("raise_hand", {"note": "On machine authorship"})["place"] == 1
    raise_button = phone.locator("#raise-hand")
    expect(raise_button).to_be_visible()
    phone.locator(".hand-extra summary").click()
    phone.get_by_label("What would you like to say?").fill("Remote creators' view")
    raise_button.click()
    expect(phone.locator("#ack")).to_have_text("Your hand is up: you are number 2 in the queue.")
    expect(phone.locator("#floor .my-hand")).to_have_text("Your hand is up: you are number 2 in the queue.")
    assert phone.evaluate("document.activeElement.id") == "lower-hand"  # focus on what comes next
    assert people[2].emit("raise_hand", {})["place"] == 3
    # The room desk sees one queue with channel badges and notes, and one button for the next speaker.
    queue = console.locator("#floor-queue > li")
    expect(queue).to_have_count(3)
    expect(queue.nth(0)).to_contain_text("ROOM")
    expect(queue.nth(0)).to_contain_text("Amina Diallo")
    expect(queue.nth(0)).to_contain_text("On machine authorship")
    expect(queue.nth(1)).to_contain_text("ONLINE")
    expect(queue.nth(1)).to_contain_text("Kwame Mensah")
    expect(console.locator("#next-speaker")).to_have_text("Next speaker: Amina Diallo")
    for selector in ("#next-speaker", "#clock", "#next-step"):
        assert in_view(console, selector), selector

    # The agenda clock: start it, then the first question moves it to its item.
    console.locator("#agenda-next").click()
    expect(console.locator("#clock .clock-now")).to_contain_text("Welcome and how to take part")
    mod.emit("open_prompt", {"prompt_id": workshop["prompts"][0]["id"]})
    expect(console.locator("#clock .clock-now")).to_contain_text("Question 1: protection of works")

    projector = browser.new_context(**PROJECTOR).new_page()
    projector.clock.install()
    projector.goto(f"{server.url}/s/{code}")
    projector.wait_for_selector("#screen[data-live]")
    expect(projector.locator("#agenda-now")).to_contain_text("Question 1: protection of works")

    # Next speaker: Amina (room) speaks; with alternation Kwame (online) is next, then the room again.
    console.locator("#next-speaker").click()
    expect(console.locator("#floor-current")).to_contain_text("Amina Diallo has the floor")
    expect(console.locator("#next-speaker")).to_have_text("Next speaker: Kwame Mensah")
    strip = projector.locator("#floor-strip")
    expect(strip).to_contain_text("Now speaking: Amina Diallo")
    expect(strip).to_contain_text("ROOM")
    expect(strip.locator(".next")).to_have_text("Next: Kwame Mensah (online), Participant (in the room)")
    expect(strip.locator(".countdown")).to_contain_text("left")
    expect(phone.locator("#floor .speaking")).to_contain_text("Now speaking: ROOM Amina Diallo")
    expect(phone.locator("#floor .my-hand")).to_have_text("Your hand is up: you are number 1 in the queue.")

    # Her minute runs out: the console and the projector mark the overrun; nothing is cut off.
    for page in (console, projector):
        page.clock.fast_forward("01:20")
        expect(page.locator(".countdown.overrun").first).to_contain_text("over time")
    overrun_colour = projector.locator("#floor-strip .countdown").evaluate("el => getComputedStyle(el).backgroundColor")
    assert overrun_colour == "rgb(176, 0, 32)"
    shot(console, "floor-console-1366-overrun.png", full_page=False)
    shot(projector, "floor-projector-1080-speaking.png", full_page=False)

    # (The fast-forward also timed out their sockets: fresh pages for the rest, as after a reload.)
    console.context.close()
    projector.context.close()
    console = browser.new_context(**LAPTOP).new_page()
    console.goto(f"{server.url}/m/{code}?token={workshop['moderator_token']}")
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(f"{server.url}/s/{code}")
    expect(console.locator("#live-status")).to_have_text("Live")

    # Kwame's turn: the phone says so.
    console.locator("#next-speaker").click()
    expect(phone.locator("#floor .speaking")).to_contain_text("You have the floor.")
    expect(projector.locator("#floor-strip")).to_contain_text("Now speaking: Kwame Mensah")
    expect(projector.locator("#floor-strip")).to_contain_text("ONLINE")
    shot(phone, "floor-phone-speaking.png")
    fit = projector.evaluate("[document.documentElement.scrollHeight, innerHeight]")
    assert fit[0] == fit[1]  # the strip fits in the projector's screen, nothing scrolls

    # The online desk sees online hands first, in their own list.
    online_link = mod.emit("get_state")  # keep the connection busy; links come from the CLI
    assert online_link["ok"]
    token = server.cli("invite", code, "--role", "moderator", "--desk", "online", "--json")
    url = re.search(r'"url": "([^"]+)"', token).group(1)
    online = browser.new_context(**LAPTOP).new_page()
    online.goto(url.replace(re.match(r"https?://[^/]+", url).group(0), server.url))
    expect(online.locator("#live-status")).to_have_text("Live")
    people[1].emit("raise_hand", {})
    expect(online.locator(".queue-h").first).to_have_text("Online hands")
    expect(online.locator("#floor .queue").first).to_contain_text("ONLINE")
    shot(online, "floor-console-online-desk.png", full_page=False)
    for page in (console, projector, online):
        page.context.close()
    phone_context.close()


def test_the_floor_without_javascript(server, browser, round_table):
    code, workshop = round_table["code"], round_table["workshop"]
    round_table["mod"].emit("set_floor", {"open": True, "speaking_seconds": 120})
    phone = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    join(phone, server.url, code, "In the room", "Lena Ortiz")
    phone.locator("#raise-hand").click()
    expect(phone.locator(".flash")).to_contain_text("you are number 1 in the queue")
    expect(phone.locator("#floor .my-hand")).to_have_text("Your hand is up: you are number 1 in the queue.")
    shot(phone, "floor-phone-nojs-queued.png")

    console = browser.new_context(**LAPTOP, java_script_enabled=False).new_page()
    console.goto(f"{server.url}/m/{code}?token={workshop['moderator_token']}")
    expect(console.locator("#floor-queue > li")).to_have_count(1)
    expect(console.locator("#next-speaker")).to_have_text("Next speaker: Lena Ortiz")
    assert in_view(console, "#next-speaker")
    # A hand raised in the online meeting's chat, added by the moderator.
    console.locator("#add-speaker summary").click()
    console.locator("#speaker-name").fill("Victor Owade")
    console.get_by_label("Online", exact=True).check()
    console.locator("#add-speaker-submit").click()
    expect(console.locator(".flash")).to_have_text("Speaker added to the queue.")
    expect(console.locator("#floor-queue > li")).to_have_count(2)
    console.locator("#next-speaker").click()
    expect(console.locator("#floor-current")).to_contain_text("Lena Ortiz has the floor")
    phone.reload()
    expect(phone.locator("#floor .speaking")).to_contain_text("You have the floor.")
    shot(console, "floor-console-nojs.png", full_page=False)
    shot(phone, "floor-phone-nojs-speaking.png")
    # The pre-registered speakers of the session are one click away.
    console.locator("#session-speakers summary").click()
    console.locator("#queue-speaker-1").click()
    expect(console.locator("#floor-queue")).to_contain_text("Paolo Lanteri")
    console.locator("#end-speech").click()
    expect(console.locator("#floor-current")).to_contain_text("Nobody has the floor.")
    console.context.close()
    phone.context.close()
