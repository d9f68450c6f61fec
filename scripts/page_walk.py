"""Walks every page of the demo in a real headless Chromium, in English and in French, at a
laptop's width (1024 px) and a phone's (390 px), and fails on:
- a console error or a page that does not answer 200;
- an element that makes the page wider than the window;
- on a French page, a word of the English localisation table left untranslated, or a raw
  value of an enum (`minor`, `approver`, `goNoGo`);
- on any page, a camelCase word outside code (a raw enum value such as `inProgress`).

Usage: python3 scripts/page_walk.py URL USERNAME PASSWORD LOCALES_DIR [--limit N] [--screenshots DIR]
Prints one line per problem and a summary; exits non-zero when any page failed.
"""
import json
import re
import sys
from collections import Counter, deque
from urllib.parse import urljoin, urlparse, parse_qsl, urlencode

from playwright.sync_api import sync_playwright

# The prefixes of the localisation table that name enum values (PageLabel in the Swift code).
ENUM_PREFIXES = ["status", "type", "role", "envkind", "decision", "verdict", "level", "riskstatus", "assessment", "resource", "raci",
                 "audience", "reqcat", "reqstatus", "doc", "testkind", "chgcat", "chgkind", "chgstatus", "conflict", "citype", "run",
                 "runstatus", "step", "phase", "stepkind", "gonogo", "runaction", "audit", "meetingkind", "meetingstatus", "actionstatus",
                 "reviewstatus", "closure", "promstanding", "promoutcome", "depkind", "depproblem", "commitkind", "commitreason"]
# Prefixes shared with other words of the table: only these values are enum values.
AMBIGUOUS = {"run": {"rehearsal", "live"}, "step": {"pending", "running", "done", "failed", "skipped"}}
# Not pages to walk: actions, files and feeds, the API, other languages, sign-out.
SKIP = re.compile(r"^/(api/|logout|language/|static/|calendar\.ics)|\.(csv|atom|json)$|/print$")
# Where the walk reads text that the table supplies (data such as titles lives elsewhere).
CHROME = "th, label, legend, button, h2, h3, nav, .status, .type, .badge, .hint, .alert, .flash, option, summary, dt, .step-state, .run-status, .eyebrow, .empty, .notice, .pager"
# English values of the table that are French words too.
ALSO_FRENCH = {"Comment", "Minutes"}
CAMEL = re.compile(r"\b[a-z]+[A-Z][A-Za-z]*\b")


def load(locales):
    with open(f"{locales}/en.json", encoding="utf-8") as f:
        en = json.load(f)
    with open(f"{locales}/fr.json", encoding="utf-8") as f:
        fr = json.load(f)
    english = set()
    for key, value in en.items():
        french = fr.get(key, "")
        # A word the French table says differently, long enough not to be shared by chance.
        if value.lower() != french.lower() and len(value) >= 5 and "{" not in value and value not in ALSO_FRENCH:
            english.add(value)
    raw = set()
    for key in en:
        prefix, _, value = key.partition("_")
        if prefix in AMBIGUOUS and value not in AMBIGUOUS[prefix]:
            continue
        # A raw value that is also a word of its own French label ("service" in "service métier") is no sign.
        if value.lower() in fr.get(key, "").lower():
            continue
        if prefix in ENUM_PREFIXES and value and "." not in value and len(value) >= 4 and en[key].lower() != value.lower():
            raw.add(value)
    return english, raw


def normalise(url, base):
    parts = urlparse(url)
    if parts.netloc and parts.netloc != urlparse(base).netloc:
        return None
    if SKIP.search(parts.path) or parts.path in ("", "#"):
        return None
    # The calendar's previous and next links go on for ever: one month and one week are walked.
    dropped = ("done", "history", "version", "return") + (("date",) if parts.path == "/calendar" else ())
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in dropped]
    return parts.path + ("?" + urlencode(query) if query else "")


SAME_SHAPE = 6


def main():
    url, username, password, locales = sys.argv[1:5]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 400
    shots = sys.argv[sys.argv.index("--screenshots") + 1] if "--screenshots" in sys.argv else None
    english, raw = load(locales)
    problems = []
    walked = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for language in ("en", "fr"):
            context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en-GB")
            context.add_cookies([{"name": "bascule_lang", "value": language, "url": url}])
            page = context.new_page()
            errors = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{url}/login")
            page.fill("#username", username)
            page.fill("#password", password)
            with page.expect_navigation():
                page.click("button[type=submit]")
            seen = set()
            # Pages of one shape (the same route for another release, incident or period: digits
            # aside) are walked a few times each, so that a year of demo history does not make the
            # walk endless; every shape is still walked.
            shapes = Counter()
            queue = deque(["/home", "/releases", "/calendar", "/calendar?view=week", "/approvals", "/reports", "/incidents"])
            while queue and len(seen) < limit:
                path = queue.popleft()
                if path in seen:
                    continue
                seen.add(path)
                errors.clear()
                response = page.goto(url + path)
                walked += 1
                where = f"{language} {path}"
                if response is None or response.status != 200:
                    problems.append(f"{where}: answered {response.status if response else 'nothing'}")
                    continue
                for width in (1024, 390):
                    page.set_viewport_size({"width": width, "height": 800})
                    wide = page.evaluate("""() => {
                        const limit = document.documentElement.clientWidth;
                        if (document.documentElement.scrollWidth <= limit + 1) return null;
                        const culprit = [...document.querySelectorAll('body *')].find(e => {
                            const r = e.getBoundingClientRect();
                            return r.right > limit + 1 && !e.closest('.table-scroll, .graph-scroll, .steps-scroll');
                        });
                        return culprit ? culprit.tagName.toLowerCase() + '.' + culprit.className + ' ' + (culprit.textContent || '').trim().slice(0, 40) : 'the page';
                    }""")
                    if wide:
                        problems.append(f"{where}: wider than {width} px because of {wide}")
                page.set_viewport_size({"width": 1024, "height": 800})
                for message in errors:
                    problems.append(f"{where}: console error {message[:120]}")
                # Text node by text node, leaving out code, form values and what the page marks
                # as data that is not translated (translate="no": names, titles, keys).
                texts = page.evaluate("""(chromeSelector) => {
                    const skip = '.mono, code, pre, textarea, script, svg, style, [translate=no]';
                    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                    const all = [], chrome = [];
                    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                        const parent = node.parentElement;
                        if (!parent || parent.closest(skip)) continue;
                        const text = node.textContent.trim();
                        if (!text) continue;
                        all.push(text);
                        if (parent.closest(chromeSelector)) chrome.push(text);
                    }
                    return {all: all.join('\\n'), chrome: chrome.join('\\n')};
                }""", CHROME)
                text, chrome = texts["all"], texts["chrome"]
                for word in sorted(set(CAMEL.findall(text)) - {"iCalendar"}):
                    problems.append(f"{where}: raw value {word!r}")
                if language == "fr":
                    for value in english:
                        if re.search(r"(?<![\w’'])" + re.escape(value) + r"(?![\w’'])", chrome):
                            problems.append(f"{where}: English left on a French page: {value!r}")
                    for value in raw:
                        if re.search(r"(?<![\w’'-])" + re.escape(value) + r"(?![\w’'-])", chrome):
                            problems.append(f"{where}: raw enum value on a French page: {value!r}")
                for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
                    target = normalise(urljoin(url + path, href), url)
                    if target and target not in seen and target not in queue:
                        shape = re.sub(r"\d+", "#", target)
                        if shapes[shape] < SAME_SHAPE:
                            shapes[shape] += 1
                            queue.append(target)
            if queue:
                problems.append(f"{language}: the walk stopped at {limit} pages with {len(set(queue) - seen)} not visited (raise --limit)")
            if shots and language == "fr":
                page.goto(f"{url}/home")
                page.screenshot(path=f"{shots}/home-fr.png", full_page=True)
            context.close()
        browser.close()
    for line in problems:
        print(f"walk: {line}", file=sys.stderr)
    print(f"walk: {walked} pages in two languages, {len(problems)} problems")
    sys.exit(1 if problems else 0)


main()
