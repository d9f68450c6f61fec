"""The agents' pages in a real headless Chromium: the agents page with a connected agent, a
registration token made from it and shown once, and a run page whose automated step's output
grows on the page while the step runs (followed live, no reload). Optionally a screenshot.

Usage: python3 scripts/agents_browser_check.py URL USERNAME PASSWORD RUN STEP [--screenshot FILE]
"""
import sys

from playwright.sync_api import sync_playwright


def check(condition, message):
    if not condition:
        print(f"agents browser: FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    url, username, password, run, step = sys.argv[1:6]
    shot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        page.goto(f"{url}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{url}/run/{run}".replace("/run/", "/runs/"))
        log = page.locator(f"#step-{step} + tr pre.step-log")
        check(log.count() == 1, f"the run page shows no output for {step}")
        first = len(log.inner_text())
        page.wait_for_timeout(3000)
        check(len(page.locator(f"#step-{step} + tr pre.step-log").inner_text()) > first,
              "the step's output did not grow on the page while it ran")
        check("Runs on an agent with" in page.content() or "Runs on any agent" in page.content(), "the run page does not say where the step runs")
        if shot:
            page.screenshot(path=shot, full_page=False)
        page.goto(f"{url}/agents")
        check(page.locator("tr.agent-busy, tr.agent-idle").count() >= 1, "the agents page shows no connected agent")
        with page.expect_navigation():
            page.click("button:has-text('New registration token')")
        check(page.locator("pre.token-command").count() == 1 and "bascule agent --server" in page.content(),
              "the new registration token is not shown with its command line")
        page.goto(f"{url}/agents")
        check(page.locator("pre.token-command").count() == 0, "the registration token is shown again")
        with page.expect_navigation():
            page.click("a.lang")
        check("Dernier signal" in page.content() and ("occupé" in page.content() or "disponible" in page.content()),
              "the agents page is not in French")
        with page.expect_navigation():
            page.click("a.lang")
        browser.close()
    print("agents browser: ok")


if __name__ == "__main__":
    main()
