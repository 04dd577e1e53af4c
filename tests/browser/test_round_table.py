"""A round table in real browsers: a moderator, a participant with JavaScript, one without.

Starts `facilitator serve` (gevent, the default) on a free port and drives Debian's
Chromium through Playwright. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import pytest

from browser.conftest import ARTIFACTS, EMAIL, PASSWORD, PHONE, new_workshop, shot, sync_api, watch_csp

pytestmark = pytest.mark.browser


def test_round_table(server, browser):
    expect = sync_api.expect
    expect.set_options(timeout=10_000)
    base, workshop = server.url, new_workshop(server)
    code, q1 = workshop["code"], workshop["prompts"][0]
    phone = PHONE

    # The moderator logs in and opens the console.
    moderator = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    violations = watch_csp(moderator)
    moderator.goto(f"{base}/m/{code}")
    expect(moderator.get_by_text("Log in as the organizer")).to_be_visible()
    shot(moderator, "console-gate.png")
    moderator.goto(f"{base}/login?next=/m/{code}")
    moderator.get_by_label("E-mail").fill(EMAIL)
    moderator.get_by_label("Password").fill(PASSWORD)
    moderator.get_by_role("button", name="Log in").click()
    expect(moderator.locator("#live-status")).to_have_text("Live")
    moderator.evaluate("window.__noReload = true")

    # Participant A, JavaScript on, joins from the room.
    a = browser.new_context(**phone).new_page()
    violations += watch_csp(a)
    a.goto(f"{base}/j/{code}")
    shot(a, "join-360.png")
    a.get_by_label("In the room").check()
    a.get_by_label("Stakeholder group (optional)").select_option("civil_society")
    a.get_by_role("button", name="Join the workshop").click()
    expect(a.get_by_text("Waiting for the moderator to open the next question")).to_be_visible()
    expect(a.locator("#live-status")).to_have_text("Live")
    expect(moderator.locator("[data-part=total]")).to_have_text("1")

    # Participant B, JavaScript off, joins online.
    b = browser.new_context(java_script_enabled=False, **phone).new_page()
    b.goto(f"{base}/j/{code}")
    b.get_by_label("Online").check()
    b.get_by_label("Stakeholder group (optional)").select_option("government")
    b.get_by_role("button", name="Join the workshop").click()
    expect(b.get_by_text("You have joined. Welcome!")).to_be_visible()
    expect(moderator.locator("[data-part=online]")).to_have_text("1")

    # The moderator opens question 1: A sees it at once, B after a reload.
    moderator.get_by_role("button", name="Open question 1", exact=True).first.click()
    expect(moderator.get_by_role("button", name="Close voting on question 1")).to_be_visible()
    expect(a.locator("#q-h")).to_have_text(q1["text"])
    b.reload()
    expect(b.locator("#q-h")).to_have_text(q1["text"])

    # A votes and posts a position over the socket.
    a.get_by_label(q1["options"][0]["label"]).check()
    a.get_by_role("button", name="Vote", exact=True).click()
    expect(a.locator("#ack")).to_have_text("Your vote is recorded.")
    expect(a.get_by_role("button", name="Change my vote")).to_be_visible()
    tally = moderator.locator("#now-tally")
    expect(tally.locator(".results-total")).to_have_text("1 person voted · 1 in the room · 0 online")
    a.get_by_label("In a sentence or two").fill("Only human <b>creativity</b> deserves protection.")
    a.get_by_label("It argues for (optional)").select_option(label=q1["options"][2]["label"])
    a.get_by_role("button", name="Post my position").click()
    expect(a.locator("#ack")).to_have_text("Your position is posted.")
    expect(a.locator(".position .text")).to_have_text("Only human <b>creativity</b> deserves protection.")
    expect(a.locator("#position-text")).to_have_value("")
    expect(moderator.locator("#positions .position .text")).to_have_text(
        "Only human <b>creativity</b> deserves protection.")

    # B votes and reacts with plain form posts.
    b.reload()
    b.get_by_label(q1["options"][1]["label"]).check()
    b.get_by_role("button", name="Vote", exact=True).click()
    expect(b.get_by_text("Your vote is recorded.")).to_be_visible()
    expect(b.get_by_role("button", name="Change my vote")).to_be_visible()
    b.get_by_role("button", name="Agree", exact=True).click()
    expect(b.get_by_text("Your reaction is recorded.")).to_be_visible()
    expect(b.get_by_role("button", name="Agree", exact=True)).to_have_attribute("aria-pressed", "true")

    # The moderator's tallies and reaction counts update live.
    expect(tally.locator(".results-total")).to_have_text("2 people voted · 1 in the room · 1 online")
    expect(tally.locator(".results li").nth(1).locator(".figure")).to_have_text("50% · 1")
    expect(moderator.locator("#positions .counts")).to_have_text("1 agree · 0 disagree · 0 pass")
    expect(a.locator(".position .counts")).to_have_text("1 agree · 0 disagree · 0 pass")
    assert moderator.evaluate("window.__noReload") is True
    assert not a.locator("#results").is_visible()

    # Results shown: A sees them live, B after reloading, the projector too.
    moderator.get_by_role("button", name="Show results", exact=True).click()
    expect(moderator.get_by_role("button", name="Hide results", exact=True)).to_be_visible()
    expect(a.locator("#results .results-total")).to_have_text("2 people voted · 1 in the room · 1 online")
    b.reload()
    expect(b.locator("#results .results-total")).to_have_text("2 people voted · 1 in the room · 1 online")
    assert "<b>" not in b.locator(".position .text").inner_html()

    screen = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    violations += watch_csp(screen)
    screen.goto(f"{base}/s/{code}")
    expect(screen.locator(".join-code")).to_have_text(code)
    expect(screen.locator("#screen-results .results-total")).to_have_text("2 people voted · 1 in the room · 1 online")
    expect(screen.locator("#screen-positions .text")).to_have_text("Only human <b>creativity</b> deserves protection.")
    expect(screen.locator("#participant-total")).to_have_text("2")

    # A third vote moves every live view.
    c = browser.new_context(**phone).new_page()
    c.goto(f"{base}/j/{code}")
    c.get_by_label("Online").check()
    c.get_by_role("button", name="Join the workshop").click()
    expect(c.locator("#live-status")).to_have_text("Live")
    c.get_by_label(q1["options"][0]["label"]).check()
    c.get_by_role("button", name="Vote", exact=True).click()
    expect(c.locator("#ack")).to_have_text("Your vote is recorded.")
    for view in (tally, a.locator("#results"), screen.locator("#screen-results")):
        expect(view.locator(".results-total")).to_have_text("3 people voted · 1 in the room · 2 online")
    expect(screen.locator("#participant-total")).to_have_text("3")

    shot(a, "participant-js-360.png")
    shot(b, "participant-nojs-360.png")
    shot(moderator, "console.png")
    screen.screenshot(path=str(ARTIFACTS / "projector-1920.png"))

    # Closing the question: A is told to wait, with the final results still on show.
    moderator.get_by_role("button", name="Close voting on question 1").click()
    expect(moderator.locator("#confirm-text")).to_contain_text("Close voting on question 1? 3 voted so far")
    moderator.get_by_role("button", name="Yes, do it").click()
    expect(a.get_by_text("Waiting for the moderator to open the next question")).to_be_visible()
    expect(a.locator("#results h2")).to_have_text("Results of question 1")
    shot(a, "participant-waiting-360.png")
    assert violations == []  # the strict CSP blocks nothing the pages need
    for page in (moderator, a, b, c, screen):
        page.context.close()


