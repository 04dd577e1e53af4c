"""What a real session hits on stage: the projector, the console at laptop size, a phone on flaky wifi.

Each test drives Chromium against `facilitator serve`; screenshots of every state go to
test-artifacts/ (stage-*.png) to be looked at.
"""

from __future__ import annotations

import time

import pytest

from browser.conftest import LAPTOP, PHONE, new_workshop, shot, sync_api
from e2e.clients import LiveClient
from figures import report

pytestmark = pytest.mark.browser
expect = sync_api.expect

LONG = ("Training copies whole works; that needs authorisation and a licence, with no special exemption "
        "for AI, and right-holders must be able to see what was used and be paid for it fairly. ") * 2
ARABIC = "يجب أن يحصل المبدعون على أجر عادل عندما تُستخدم أعمالهم لتدريب أنظمة الذكاء الاصطناعي."

#: Everything inside the projector's stage lies inside it, nothing scrolls, and the smallest text.
FIT = """() => {
  const doc = document.documentElement, stage = document.getElementById('stage').getBoundingClientRect();
  const outside = [], sizes = [];
  for (const el of document.querySelectorAll('#screen *')) {
    const r = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    const box = el.closest('#stage') ? stage : {top: 0, left: 0, bottom: innerHeight, right: innerWidth};
    if (r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.left < box.left - 1)
      outside.push(el.tagName + '.' + el.className + ' ' + Math.round(r.bottom));
    if ([...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) sizes.push(parseFloat(style.fontSize));
  }
  return {scroll: [doc.scrollWidth, doc.scrollHeight], view: [innerWidth, innerHeight], outside,
          minFont: Math.min(...sizes), positions: document.querySelectorAll('#screen-positions > li:not([hidden])').length};
}"""


def connect(srv, auth) -> LiveClient:
    return LiveClient(srv.url, auth).connect()


@pytest.fixture
def session(server):
    """A workshop with a moderator and twelve participants (half in the room) connected over the protocol."""
    workshop = new_workshop(server)
    code = workshop["code"]
    mod = connect(server, {"workshop": code, "moderator_token": workshop["moderator_token"]})
    people = []
    for i in range(12):
        person = connect(server, {"workshop": code})
        assert person.emit("join", {"attendance": "onsite" if i % 2 else "online",
                                    "stakeholder_group": ["academia", "government", "civil_society"][i % 3]})["ok"]
        people.append(person)
    yield {"workshop": workshop, "code": code, "q": workshop["prompts"], "mod": mod, "people": people}
    for client in [mod, *people]:
        client.disconnect()


def projector_states(server, browser, session, size, label):
    """Go through every projector state at one size; return what each looked like."""
    code, q, mod, people = session["code"], session["q"], session["mod"], session["people"]
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    page.goto(f"{server.url}/s/{code}")
    seen = {}

    def look(state):
        page.wait_for_selector("#screen[data-live]")
        page.wait_for_timeout(300)  # coalesced broadcasts
        seen[state] = page.evaluate(FIT)
        page.screenshot(path=str(shot_path(f"stage-projector-{state}-{label}.png")))
        return seen[state]

    look("welcome")
    expect(page.locator("#how-to")).to_be_visible()
    mod.emit("open_prompt", {"prompt_id": q[2]["id"]})
    expect(page.locator("#screen-question")).to_have_text(q[2]["text"])
    texts = [LONG, "Analysing works to learn statistical patterns is non-expressive use and should be covered by "
             "a text and data mining exception.", ARABIC, "Allow mining unless the right-holder opted out."]
    ids = [people[i].emit("submit_position", {"prompt_id": q[2]["id"], "text": text, "client_id": f"s{i}"})["position_id"]
           for i, text in enumerate(texts)]
    for i, person in enumerate(people):
        person.emit("cast_vote", {"prompt_id": q[2]["id"], "option_ids": [q[2]["options"][i % 5]["id"]]})
        for pid in ids:
            person.emit("react", {"position_id": pid, "value": "agree" if i % 3 else "disagree"})
    for pid in ids:
        mod.emit("moderate_position", {"position_id": pid, "action": "pin"})
    look("open")
    # The usual reveal: close the vote, then show the results.
    mod.emit("close_prompt", {"prompt_id": q[2]["id"]})
    expect(page.locator("#screen-kicker")).to_contain_text("voting closed")
    look("closed")
    mod.emit("show_results", {"prompt_id": q[2]["id"], "visible": True})
    expect(page.locator("#screen-results .results-total")).to_have_text("12 people voted · 6 in the room · 6 online")
    expect(page.locator("#screen-question")).to_have_text(q[2]["text"])
    expect(page.locator("#screen-results .split").first).to_contain_text("in the room")
    expect(page.locator("#screen-results .legend")).to_contain_text("Online (striped)")
    look("results")
    # A multiple-choice question: counts may add up to more than 100 %, and the screen says so.
    mod.emit("open_prompt", {"prompt_id": q[1]["id"]})
    for i, person in enumerate(people):
        person.emit("cast_vote", {"prompt_id": q[1]["id"], "option_ids": [o["id"] for o in q[1]["options"][: 1 + i % 3]]})
    mod.emit("show_results", {"prompt_id": q[1]["id"], "visible": True})
    expect(page.locator("#screen-results .multi-note")).to_be_visible()
    look("multiple")
    mod.emit("end_workshop")
    expect(page.locator("#screen-status")).to_have_text("Thank you for taking part.")
    look("ended")
    page.context.close()
    return seen


def shot_path(name):
    from browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


@pytest.mark.parametrize("size,label", [((1920, 1080), "1080p"), ((1280, 720), "720p")])
def test_projector_fits_every_state_and_reveals_closed_results(server, browser, session, size, label):
    seen = projector_states(server, browser, session, size, label)
    for state, fit in seen.items():
        assert fit["scroll"] == fit["view"], (state, fit)
        assert fit["outside"] == [], (state, fit)
        if size == (1920, 1080):
            assert fit["minFont"] >= 27.5, (state, fit)  # readable from the back of the room
    assert seen["open"]["positions"] >= 2  # pinned positions are on screen, not below it
    report(f"projector at {label}", [f"{state}: smallest text {fit['minFont']:.1f} px, "
                                     f"{fit['positions']} positions shown" for state, fit in seen.items()])


def join(page, base, code, attendance="In the room"):
    page.goto(f"{base}/j/{code}")
    page.get_by_label(attendance).check()
    page.get_by_role("button", name="Join the workshop").click()
    expect(page.locator("#live-status")).to_have_text("Live")


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_phone_keeps_votes_positions_and_drafts_through_a_wifi_blip(server, browser, session):
    code, q, mod, people = session["code"], session["q"], session["mod"], session["people"]
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    join(phone, server.url, code)
    mod.emit("open_prompt", {"prompt_id": q[0]["id"]})
    expect(phone.locator("#q-h")).to_have_text(q[0]["text"])
    url = phone.url

    # Keyboard: after Vote the focus stays on the button (WCAG 2.4.3), and results are not a live region.
    phone.get_by_label(q[0]["options"][0]["label"]).check()
    phone.focus("#vote-submit")
    phone.keyboard.press("Enter")
    expect(phone.locator("#ack")).to_have_text("Your vote is recorded.")
    assert active_id(phone) == "vote-submit"
    assert phone.locator("#results").get_attribute("aria-live") is None
    pid = people[0].emit("submit_position", {"prompt_id": q[0]["id"], "text": ARABIC, "client_id": "ar"})["position_id"]
    agree = phone.locator(f"#r-{pid}-agree")
    expect(agree).to_be_visible()
    agree.focus()
    phone.keyboard.press("Enter")
    expect(agree).to_have_attribute("aria-pressed", "true")
    assert active_id(phone) == f"r-{pid}-agree"
    # Right to left: the Arabic position is laid out right to left.
    text = phone.locator(f"#position-{pid} .text")
    assert text.get_attribute("dir") == "auto"
    assert text.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # Others voting in a burst do not make the live region speak.
    phone.evaluate("""() => { window.__spoken = 0;
        new MutationObserver(() => window.__spoken++).observe(document.getElementById('ack'),
                                                              {childList: true, characterData: true, subtree: true}); }""")
    mod.emit("show_results", {"prompt_id": q[0]["id"], "visible": True})
    expect(phone.locator("#ack")).to_have_text("The results of question 1 are shown.")
    before = phone.evaluate("window.__spoken")
    for person in people[1:]:
        person.emit("cast_vote", {"prompt_id": q[0]["id"], "option_ids": [q[0]["options"][1]["id"]]})
    expect(phone.locator("#results .results-total")).to_contain_text("12 people voted")
    assert phone.evaluate("window.__spoken") == before

    # The wifi drops: a changed vote and a position wait on the phone, the page stays.
    context.set_offline(True)
    expect(phone.locator("#live-status")).not_to_have_text("Live")
    phone.get_by_label(q[0]["options"][2]["label"]).check()
    phone.get_by_role("button", name="Change my vote").click()
    expect(phone.locator("#ack")).to_contain_text("kept on this phone")
    phone.get_by_label("In a sentence or two").fill("Sent through a tunnel.")
    phone.get_by_role("button", name="Post my position").click()
    assert phone.url == url and phone.locator("#q-h").is_visible()
    shot(phone, "stage-phone-offline.png")
    context.set_offline(False)
    expect(phone.locator("#ack")).to_contain_text("Sent after the connection came back.")
    expect(phone.locator("#positions .text", has_text="Sent through a tunnel.")).to_be_visible()
    state = mod.emit("get_state")["state"]
    counts = {o["id"]: o["count"] for o in state["results"][str(q[0]["id"])]["options"]}
    assert counts[q[0]["options"][2]["id"]] == 1 and counts[q[0]["options"][0]["id"]] == 0
    assert [p["text"] for p in state["positions"]].count("Sent through a tunnel.") == 1

    # A draft survives a reload, and the question closing while someone types.
    phone.get_by_label("In a sentence or two").fill("Half-typed thought")
    phone.reload()
    expect(phone.get_by_label("In a sentence or two")).to_have_value("Half-typed thought")
    mod.emit("close_prompt", {"prompt_id": q[0]["id"]})
    expect(phone.locator("#draft")).to_contain_text("Question 1 closed before you sent your position")
    expect(phone.locator("#draft textarea")).to_have_value("Half-typed thought")
    shot(phone, "stage-phone-draft-kept.png")
    phone.reload()
    expect(phone.locator("#draft textarea")).to_have_value("Half-typed thought")
    mod.emit("open_prompt", {"prompt_id": q[0]["id"]})
    expect(phone.get_by_label("In a sentence or two")).to_have_value("Half-typed thought")
    expect(phone.locator("#draft")).to_be_hidden()
    context.close()


def test_console_at_laptop_size(server, browser, session):
    code, q, workshop = session["code"], session["q"], session["workshop"]
    page = browser.new_context(**LAPTOP).new_page()
    page.goto(f"{server.url}/m/{code}?token={workshop['moderator_token']}")
    expect(page.locator("#live-status")).to_have_text("Live")

    def in_view(selector):
        box = page.locator(selector).bounding_box()
        return box and box["y"] >= 0 and box["y"] + box["height"] <= 768

    shot(page, "stage-console-1366-start.png", full_page=False)
    # Every control in view without scrolling the page: the next step, each question, ending.
    for selector in ["#next-step", "#now-results", "#end-workshop", *[f"#toggle-{p['id']}" for p in q]]:
        assert in_view(selector), selector
    assert page.evaluate("document.documentElement.scrollHeight") <= 768

    # One obvious next step; focus stays on it after it is used.
    expect(page.locator("#next-step")).to_have_text("Open question 1")
    page.focus("#next-step")
    page.keyboard.press("Enter")
    expect(page.locator("#next-step")).to_have_text("Close voting on question 1")
    assert active_id(page) == "next-step"

    # Opening another question while one is open asks first; Escape changes nothing.
    page.locator(f"#toggle-{q[1]['id']}").click()
    expect(page.locator("#confirm-text")).to_have_text(
        "Question 1 is still open (0 voted). Opening question 2 closes it.")
    assert active_id(page) == "confirm-yes"
    page.keyboard.press("Escape")
    expect(page.locator("#confirm")).to_have_count(0)
    assert active_id(page) == f"toggle-{q[1]['id']}"
    assert session["mod"].emit("get_state")["state"]["open_prompt_id"] == q[0]["id"]
    page.locator(f"#toggle-{q[1]['id']}").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#now-h")).to_contain_text("Question 2 of 3")
    shot(page, "stage-console-1366-open.png", full_page=False)

    # Close, show, then the last step ends the workshop: the summary link appears at once.
    page.locator("#next-step").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#next-step")).to_have_text("Show the results of question 2")
    page.locator("#next-step").click()
    expect(page.locator("#next-step")).to_have_text("Open question 3")
    page.locator("#end-workshop").click()
    expect(page.locator("#confirm-text")).to_contain_text("End the workshop?")
    page.locator("#confirm-yes").click()
    expect(page.locator("#ended-summary")).to_be_visible()
    expect(page.locator("#next-step")).to_have_count(0)
    shot(page, "stage-console-1366-ended.png", full_page=False)
    page.context.close()


def test_rtl_text_on_the_console_and_the_projector(server, browser, session):
    code, q, mod, people = session["code"], session["q"], session["mod"], session["people"]
    mod.emit("open_prompt", {"prompt_id": q[0]["id"]})
    pid = people[0].emit("submit_position", {"prompt_id": q[0]["id"], "text": ARABIC, "client_id": "ar"})["position_id"]
    for person in people[1:4]:
        person.emit("react", {"position_id": pid, "value": "agree"})
    console = browser.new_context(**LAPTOP).new_page()
    console.goto(f"{server.url}/m/{code}?token={session['workshop']['moderator_token']}")
    screen = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{server.url}/s/{code}")
    for page, selector in ((console, f"#position-{pid} .text"), (screen, "#screen-positions .text")):
        text = page.locator(selector)
        expect(text).to_have_text(ARABIC)
        assert text.evaluate("el => getComputedStyle(el).direction") == "rtl"
        page.context.close()


def test_mistyped_code_offers_another_try(server, browser, session):
    page = browser.new_context(**PHONE).new_page()
    response = page.goto(f"{server.url}/j/ZZZZZZ")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("No workshop has the code ZZZZZZ")).to_be_visible()
    page.get_by_label("Join code").fill(session["code"].lower())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("button", name="Join the workshop")).to_be_visible()
    shot(page, "stage-unknown-code.png")
    page.context.close()


def test_older_positions_come_on_request(server, browser, session):
    """`state` holds the newest 50 positions of a question; the rest come with get_positions."""
    code, q, mod, people = session["code"], session["q"], session["mod"], session["people"]
    mod.emit("open_prompt", {"prompt_id": q[0]["id"]})
    for n in range(60):
        assert people[n % 12].emit("submit_position", {"prompt_id": q[0]["id"], "text": f"Position number {n}",
                                                       "client_id": f"older-{n}"})["ok"]
    phone = browser.new_context(**PHONE).new_page()
    join(phone, server.url, code)
    expect(phone.locator("#positions .position")).to_have_count(50)
    expect(phone.locator("#positions h2")).to_have_text("Positions (60)")
    phone.get_by_role("button", name="Show older positions (10 more)").click()
    expect(phone.locator("#positions .position")).to_have_count(60)
    expect(phone.locator("#positions .text", has_text="Position number 0")).to_be_visible()
    phone.context.close()
