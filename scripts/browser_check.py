"""Signs in with a real headless Chromium (Debian's, driven by Playwright) and uses the pages
as a person would: the releases list, a release, a transition button (a form with its
anti-forgery token), the policy check tab, a release's conflicts and impact graph, the calendar week, the French switch, sign-out. Optionally takes the README's screenshots.

Usage: python3 scripts/browser_check.py URL USERNAME PASSWORD KEY TITLE [--screenshots DIR]
Exits non-zero with a one-line reason at the first thing that is not as expected.
"""
import json
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright


def check(condition, message):
    if not condition:
        print(f"browser: FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def submit(page, selector):
    """Clicks a submit button and waits for the page that answers the form."""
    with page.expect_navigation():
        page.click(selector)


def main():
    url, username, password, key, title = sys.argv[1:6]
    # The demo books its first clash five days from today (Paris time).
    clash_day = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=5)).strftime("%Y-%m-%d")
    shots = sys.argv[sys.argv.index("--screenshots") + 1] if "--screenshots" in sys.argv else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        page.goto(f"{url}/releases")
        check("/login" in page.url, f"an anonymous visit was not sent to sign in ({page.url})")
        page.fill("#username", username)
        page.fill("#password", "wrong password, surely")
        submit(page, "button[type=submit]")
        check("Unknown username or wrong password" in page.content(), "a bad password was not refused on the page")
        page.fill("#username", username)
        page.fill("#password", password)
        submit(page, "button[type=submit]")
        check(page.url == f"{url}/releases", f"signing in did not lead to the releases ({page.url})")
        content = page.content()
        check(title in content, f"the releases page does not show {title!r}")
        check("status-planned" in content, "the releases page shows no status")
        check(username in content, "the header does not show who is signed in")
        if shots:
            page.screenshot(path=f"{shots}/releases.png")
        page.goto(f"{url}/releases/{key}")
        check(page.locator("button", has_text="Approve").count() == 1, f"{key} offers no Approve button")
        submit(page, "button:has-text('Approve')")
        check("status-approved" in page.content(), "the Approve button did not approve")
        check("Planned → Approved" in page.content(), "the history does not show the transition")
        page.goto(f"{url}/releases/REL-13?tab=policy&to=approved")
        check("verdict-fail" in page.content() and "not allowed on Friday" in page.content(),
              "the policy tab of the demo's Friday release does not explain the refusal")
        if shots:
            page.screenshot(path=f"{shots}/policy-check.png", full_page=True)
        page.goto(f"{url}/releases/REL-17?tab=calendar")
        check("conflict-dependentItem" in page.content() and "Move here" in page.content(),
              "the calendar tab of the demo's clashing release shows no conflict or no suggested window")
        page.goto(f"{url}/releases/REL-5?tab=impact")
        check(page.locator("svg.impact-graph g.node").count() >= 5, "the impact graph of REL-5 draws fewer than 5 items")
        if shots:
            page.screenshot(path=f"{shots}/impact.png", full_page=True)
        page.goto(f"{url}/calendar?view=week&date={clash_day}")
        check(page.locator(".entry.conflicted").count() >= 2, "the calendar week of the demo's clash marks fewer than 2 conflicting releases")
        check("the team hr-apps is booked" in page.content(), "the calendar does not explain the team clash")
        if shots:
            page.screenshot(path=f"{shots}/calendar.png", full_page=True)
        page.goto(f"{url}/releases/REL-19?tab=runbook")
        page.click("a:has-text('Live cutover')")
        check(page.locator("svg.gantt g.row").count() >= 40, "the live page's Gantt chart draws fewer than 40 steps")
        check("Expected end" in page.content(), "the live page shows no forecast")
        check(page.locator("p.pace").count() == 1 and "than rehearsals" in page.locator("p.pace").inner_text(),
              "the live page does not say how fast the run goes against its rehearsals")
        check("earlier cutovers of this application" in page.content(), "the live page does not say where the forecast's prior comes from")
        # Someone else starts the next step through the API: this page must move by itself
        # (Server-Sent Events), without a reload.
        row = page.locator("tr:has(button[value=start])").first.get_attribute("id")
        csrf = page.locator("input[name=csrf]").first.get_attribute("value")
        run_id = page.url.rstrip("/").rsplit("/", 1)[1]
        answer = page.request.post(f"{url}/api/v1/runs/{run_id}/actions", data=json.dumps({"action": "start", "step": row[5:]}),
                                   headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
        check(answer.ok, f"starting {row[5:]} through the API answered {answer.status}")
        try:
            page.wait_for_selector(f"#{row}.state-running", timeout=10000)
        except Exception:
            check(False, f"the live page did not show {row[5:]} running by itself")
        submit(page, f"#{row} button[value=complete]")
        check(page.locator(f"#{row}.state-done").count() == 1, f"completing {row[5:]} from the live page did not mark it done")
        if shots:
            page.screenshot(path=f"{shots}/live-run.png", full_page=False)
        page.goto(f"{url}/calibration")
        check(page.locator("svg.reliability polyline.series").count() == 2, "the calibration page draws no reliability diagram")
        check(page.locator("table.releases tbody tr").count() >= 6 + 4, "the calibration page lists fewer than the demo's six cutovers")
        if shots:
            page.screenshot(path=f"{shots}/calibration.png", full_page=True)
        page.goto(f"{url}/home")
        check("Under way now" in page.content() and "run-line live" in page.content(), "the home page does not show the live cutover")
        if shots:
            page.screenshot(path=f"{shots}/home.png", full_page=True)
            page.goto(f"{url}/releases/REL-2")
            page.screenshot(path=f"{shots}/release.png", full_page=True)
            page.goto(f"{url}/releases/{key}/plan/edit")
            page.screenshot(path=f"{shots}/plan-editor.png", full_page=False)
            page.goto(f"{url}/inventory/erp-db")
            page.screenshot(path=f"{shots}/inventory.png", full_page=True)
        submit(page, "a.lang")
        check("Mises en production" in page.content(), "the French switch did not translate the page")
        page.goto(f"{url}/calibration")
        check("Fiabilité des prévisions" in page.content() and "Au lancement" in page.content(), "the calibration page is not in French")
        submit(page, "a.lang")
        submit(page, ".signout button")
        check("/login" in page.url, f"signing out did not lead to the sign-in page ({page.url})")
        page.goto(f"{url}/releases")
        check("/login" in page.url, "signing out did not end the session")
        browser.close()
    print("browser: ok - signed in, read the pages, approved through a form, switched to French, signed out")


main()
