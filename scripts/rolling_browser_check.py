"""A rolling update's panel on the run page in a real headless Chromium: shown while the update
runs with the probe's timeline, redrawn as the agent reports (no reload), rolled back by hand
from its form, and in French. Optionally a screenshot.

Usage: python3 scripts/rolling_browser_check.py URL USERNAME PASSWORD RUN [--screenshot FILE]
"""
import sys

from playwright.sync_api import sync_playwright


def check(condition, message):
    if not condition:
        print(f"rolling browser: FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    url, username, password, run = sys.argv[1:5]
    shot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="en-GB")
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{url}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{url}/runs/{run}")
        panel = page.locator("section.rolling[data-rolling-running]")
        check(panel.count() == 1, "the run page shows no running rolling update")
        check(page.locator("svg.probe-timeline rect.probe-good").count() >= 1, "the probe's timeline shows no good answer")
        first = page.locator("section.rolling p").first.inner_text()
        page.wait_for_timeout(3000)
        check(page.locator("section.rolling p").first.inner_text() != first, "the rolling update's panel was not redrawn as the agent reported")
        if shot:
            page.locator("section.rolling").scroll_into_view_if_needed()
            page.screenshot(path=shot, full_page=False)
        page.fill("section.rolling form input[name=reason]", "the release manager saw errors in the shop logs")
        with page.expect_navigation():
            page.click("section.rolling form button")
        check("Rollback asked by admin" in page.content(), "the page does not say who asked for the rollback")
        with page.expect_navigation():
            page.click("a.lang")
        check("Mise à jour progressive" in page.content() and "Retour arrière demandé par admin" in page.content(),
              "the rolling update's panel is not in French")
        with page.expect_navigation():
            page.click("a.lang")
        browser.close()
    print("rolling browser: ok")


if __name__ == "__main__":
    main()
