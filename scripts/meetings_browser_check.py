"""Meetings in a real headless Chromium: the approver finds the next CAB on the meetings page,
opens it, sees its agenda with each release's risk and what the board should weigh, approves
RELEASE from it, and finds the approval on the release's approvals tab; the meeting page and the
action items page in French. Optionally a screenshot of the meeting before deciding.

Usage: python3 scripts/meetings_browser_check.py URL USERNAME PASSWORD MEETING RELEASE [--screenshot FILE]
"""
import sys

from playwright.sync_api import sync_playwright


def check(condition, message):
    if not condition:
        print(f"meetings browser: FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    url, username, password, meeting, release = sys.argv[1:6]
    shot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        page.goto(f"{url}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")

        with page.expect_navigation():
            page.click("nav[aria-label=main] >> text=Meetings")
        link = page.locator(f"a[href='/meetings/{meeting}']").first
        check(link.count() == 1, f"{meeting} is not on the meetings page")
        with page.expect_navigation():
            link.click()
        row = page.locator("table.agenda tbody tr", has_text=release)
        check(row.count() == 1, f"{release} is not on the agenda of {meeting}")
        check(row.locator("td.nowrap").first.inner_text().strip() not in ("", "—"), "the agenda line has no risk")
        check(row.locator("form.inline-decision").count() == 1, "the approver has no decision form")
        if shot:
            page.screenshot(path=shot, full_page=True)
        row.locator("select[name=decision]").select_option("approve")
        row.locator("input[name=comment]").fill("Agreed in the CAB")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        check("Decision recorded" in page.content(), "no confirmation after deciding")
        check(page.locator("ul.history-list li", has_text=release).count() == 1, "the decision is not in the meeting's decisions")

        page.goto(f"{url}/releases/{release}?tab=approvals")
        check(page.locator("text=Agreed in the CAB").count() >= 1, "the approval given in the meeting is not on the release")

        french = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        french.context.add_cookies(page.context.cookies() + [{"name": "bascule_lang", "value": "fr", "url": url}])
        french.goto(f"{url}/meetings/{meeting}")
        check(french.locator("h2", has_text="Ordre du jour").count() == 1, "the meeting page is not in French")
        french.goto(f"{url}/actions?view=all")
        check(french.locator("h1", has_text="Actions").count() == 1, "the action items page is not in French")
        browser.close()
    print("meetings browser: ok")


if __name__ == "__main__":
    main()
