"""Notification pages in a real headless Chromium: follow a release from its page, find its
move in the inbox with the unread badge in the header, mark it read, the webhooks page and an
endpoint's delivery log, the public status page without signing in; the inbox in French.
Optionally a screenshot of the inbox.

Usage: python3 scripts/notifications_browser_check.py URL USERNAME PASSWORD RELEASE [--screenshot FILE]
"""
import json
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright


def check(condition, message):
    if not condition:
        print(f"notifications browser: FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    url, username, password, release = sys.argv[1:5]
    shot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        anonymous = browser.new_page(locale="fr-FR")
        anonymous.goto(f"{url}/status")
        check("/login" not in anonymous.url, "the status page asked to sign in")
        check("État des services" in anonymous.content(), "the status page is not in French for a French browser")
        check(anonymous.locator("#current .disruption").count() >= 1, "no cutover in progress on the status page")

        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{url}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        # The release followed from its page (the e2e followed it by the CLI already: stop, then follow again).
        page.goto(f"{url}/releases/{release}")
        button = page.locator("#stakeholders form[action$='/follow'] button")
        check(button.count() == 1, "no follow button on the release page")
        if "Stop following" in button.inner_text():
            with page.expect_navigation():
                button.click()
        with page.expect_navigation():
            page.locator("#stakeholders form[action$='/follow'] button").click()
        check("You follow this release" in page.content(), "following from the release page did not say so")
        # The e2e moved it already; the inbox holds that move.
        page.goto(f"{url}/notifications")
        check(page.locator("header .inbox-link").count() == 1, "no inbox link in the header")
        lines = page.locator("ol.inbox li")
        check(lines.count() >= 1, "the inbox is empty")
        check(any(release in lines.nth(i).inner_text() for i in range(min(lines.count(), 20))), f"{release} is not in the inbox")
        unread_before = page.locator("ol.inbox li.unread").count()
        if unread_before:
            check(page.locator("header .inbox-link .badge").count() == 1, "unread lines but no badge in the header")
            with page.expect_navigation():
                page.locator("ol.inbox li.unread form button").first.click()
            check(page.locator("ol.inbox li.unread").count() == unread_before - 1, "marking a line read did not change it")
        if shot:
            page.screenshot(path=shot, full_page=False)
        page.goto(f"{url}/webhooks")
        check(page.locator("table tbody tr").count() >= 1, "no endpoint on the webhooks page")
        with page.expect_navigation():
            page.locator("table tbody tr a").first.click()
        check(page.locator("#deliveries tbody tr").count() >= 1, "an endpoint's delivery log is empty")
        page.context.add_cookies([{"name": "bascule_lang", "value": "fr", "url": url}])
        page.goto(f"{url}/notifications")
        content = page.content()
        check("Boîte de réception" in content and "Abonnements" in content, "the inbox is not in French")
        browser.close()
    print("notifications browser: ok")


if __name__ == "__main__":
    main()
