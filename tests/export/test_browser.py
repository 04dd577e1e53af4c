"""The printable report in Chromium: a screenshot and a PDF under test-artifacts/."""

from pathlib import Path

import pytest

from facilitator.export.services import update_report
from facilitator.extensions import db
from facilitator.workshops.services import find_workshop

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.browser
def test_html_report_renders_and_prints(app, session_data, export_of):
    sync_api = pytest.importorskip("playwright.sync_api")
    with app.app_context():
        update_report(find_workshop(session_data["code"]),
                      key_takeaways=["Human authorship stays the anchor of copyright protection.",
                                     "Transparency about training data is widely supported."],
                      calls_to_action=["Map existing exceptions for text and data mining."],
                      summary="Participants onsite and online largely agreed that autonomous machine output "
                              "should not be protected, and split on training.",
                      gender_balance="about 50% women", moderators="Moderator One, Moderator Two")
        db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    html_path = ARTIFACTS / "export-report.html"
    html_path.write_bytes(export_of(session_data["code"], "html"))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(html_path.as_uri())
            assert page.title().endswith("session report")
            assert page.locator("svg.bar").count() >= 9 + 12  # stakeholder groups + options
            assert page.get_by_text("Round table, 60 minutes, hybrid").is_visible()
            assert page.get_by_text("Human authorship stays the anchor").is_visible()
            assert page.get_by_text("HIDDENXYZZY").count() == 0
            # No horizontal overflow: the report fits its column.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=str(ARTIFACTS / "export-report.png"), full_page=True)
            page.emulate_media(media="print")
            page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
            page.screenshot(path=str(ARTIFACTS / "export-report-print.png"), full_page=False)
            pdf = page.pdf(path=str(ARTIFACTS / "export-report.pdf"), prefer_css_page_size=True)
            assert pdf.startswith(b"%PDF")
        finally:
            browser.close()
