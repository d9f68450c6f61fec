"""After-the-release pages in a real headless Chromium: the weekly report of the demo with its
indicators and SVG trend charts, a figure opened onto the records behind it, the incidents list,
an incident of the demo's history with its attributed release and dependency path, the release
page's after-the-cutover panel with the evidence pack link; the report in French. Optionally a
screenshot of the monthly report.

Usage: python3 scripts/after_release_browser_check.py URL USERNAME PASSWORD [--screenshot FILE]
"""
import re
import sys

from playwright.sync_api import sync_playwright


def check(condition, message):
    if not condition:
        print(f"after-release browser: FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    url, username, password = sys.argv[1:4]
    shot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        page.goto(f"{url}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")

        page.goto(f"{url}/reports")
        check(page.title().startswith("Weekly report"), f"the reports page opens on the weekly report (title {page.title()!r})")
        check(page.locator("table.indicators").count() == 2, "the ITIL and DORA tables are missing")
        check(page.locator(".trend-chart svg").count() >= 6, "the trend charts are missing")
        # A month of the demo's history has cutovers: the change failure rate opens onto its records.
        page.click("nav.tabs >> text=Monthly")
        check(page.title().startswith("Monthly report"), "the monthly tab")
        row = page.locator("table.indicators tr", has_text="Change failure rate")
        check(row.count() == 1, "no change failure rate row")
        fraction = row.locator("a").inner_text()
        check(re.match(r"\d+ of \d+", fraction) is not None, f"the change failure rate is not a fraction: {fraction!r}")
        with page.expect_navigation():
            row.locator("a").click()
        check("Change failure rate" in page.title(), "the explain page")
        over = page.locator("ul.records").last.locator("li").count()
        check(over == int(fraction.split(" of ")[1]), f"the explain page lists {over} records for {fraction}")
        page.go_back()
        if shot:
            page.screenshot(path=shot, full_page=False)

        # An incident of the demo's history with a confirmed cause and its path.
        page.goto(f"{url}/incidents")
        check(page.locator("table.releases tbody tr").count() >= 10, "the incidents list is short")
        found = False
        for link in page.locator("table.releases tbody td:first-child a").all()[:40]:
            href = link.get_attribute("href")
            other = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
            other.context.add_cookies(page.context.cookies())
            other.goto(f"{url}{href}")
            if other.locator("td.mono", has_text="→").count() > 0:
                found = True
                release = other.locator("table.releases tbody td:first-child a").first.inner_text()
                other.close()
                break
            other.close()
        check(found, "no demo incident shows a release with its dependency path")

        page.goto(f"{url}/releases/{release}")
        check(page.locator("#after-release").count() == 1, f"{release} has no after-the-cutover panel")
        check(page.locator("#after-release a[href$='/evidence-pack']").count() == 1, "no evidence pack link")

        french = browser.new_page(viewport={"width": 1200, "height": 900}, locale="fr-FR")
        french.context.add_cookies(page.context.cookies())
        french.goto(f"{url}/reports")
        content = french.content()
        check("Rapport hebdomadaire" in content and "Indicateurs" in content, "the report is not in French")
        check("Taux d’échec des changements" in content, "the DORA names are not in French")
        browser.close()


main()
