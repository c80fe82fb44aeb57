"""`deals serve` over the demo database, driven by a real headless Chromium.

Every request a page makes is checked: one to anything but 127.0.0.1 (a CDN, a font host) is
blocked before it leaves and fails the test. Set DEALS_SCREENSHOTS=docs/img to save the
README's screenshots. Without /usr/bin/chromium these tests skip, unless
DEALS_REQUIRE_BROWSER is set (as CI sets it): then they fail.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK = {"127.0.0.1"}


def need_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("DEALS_REQUIRE_BROWSER"):
        pytest.fail(
            f"DEALS_REQUIRE_BROWSER is set but {CHROMIUM} is missing (apt-get install -y chromium)"
        )
    pytest.skip(
        f"{CHROMIUM} is absent: apt-get install -y chromium to run the browser tests"
        " (set DEALS_REQUIRE_BROWSER=1 to make this a failure)"
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    need_browser()
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    done = subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--db", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert f"serve --db {path}" in done.stdout  # the demo says how to browse it
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(demo_db):
    """`deals serve` on the demo database; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--db", str(demo_db), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"deals serve did not start: {proc.stdout.read()}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Loopback:
    """Lets requests to 127.0.0.1 through; blocks and remembers every other one."""

    def __init__(self):
        self.outside: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOOPBACK:
            self.outside.append(url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def guarded(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    guard = Loopback()
    context.route("**/*", guard.route)
    page = context.new_page()
    yield page, guard
    context.close()
    assert guard.outside == [], f"pages asked for the internet: {guard.outside}"


@pytest.fixture
def page(guarded):
    return guarded[0]


@pytest.fixture(scope="module")
def db(demo_db):
    conn = sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True)
    yield conn
    conn.close()


def screenshot(page, name: str) -> None:
    folder = os.environ.get("DEALS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def rows(page) -> list:
    return page.locator("table.rows-and-columns tbody tr").all()


def test_the_deals_table_lists_the_demo_deals(page, site, db, demo_db):
    page.goto(f"{site}/{demo_db.stem}/deals")
    (count,) = db.execute("SELECT COUNT(*) FROM deals").fetchone()
    assert count > 10
    assert len(rows(page)) == count
    assert page.locator("h3").first.inner_text().startswith(f"{count} rows")
    for (name,) in db.execute(
        "SELECT name FROM companies WHERE key IN (SELECT company_key FROM deal_parties) LIMIT 5"
    ):
        assert page.get_by_role("link", name=name, exact=True).count() >= 1
    page.evaluate("document.querySelector('h3').scrollIntoView()")
    screenshot(page, "deals-table")


def test_a_facet_narrows_the_deals(page, site, db, demo_db):
    page.goto(f"{site}/{demo_db.stem}/deals")
    (power,) = db.execute("SELECT COUNT(*) FROM deals WHERE kind = 'power'").fetchone()
    assert power
    page.locator(".facet-info[data-column='kind']").get_by_role("link", name="power").click()
    page.wait_for_url("**kind=power**")
    assert len(rows(page)) == power
    assert {c.inner_text() for c in page.locator("td.col-kind").all()} == {"power"}


def test_the_search_box_finds_a_deal_by_a_word_of_its_evidence(page, site, db, demo_db):
    deal_id, evidence = db.execute(
        "SELECT r.deal_id, r.evidence FROM deal_reports r WHERE r.evidence LIKE '%Abilene%' LIMIT 1"
    ).fetchone()
    page.goto(f"{site}/{demo_db.stem}/deals")
    page.fill("#_search", "Abilene")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=Abilene**")
    ids = {c.inner_text() for c in page.locator("td.col-id").all()}
    assert deal_id in ids and len(ids) < 5
    screenshot(page, "deals-search")


def test_a_deal_page_shows_its_figures_and_evidence(page, site, db, demo_db):
    deal_id, gpus, mw = db.execute(
        "SELECT id, gpu_count, power_mw FROM deals WHERE gpu_count > 0 AND power_mw > 0"
        " ORDER BY value_usd DESC LIMIT 1"
    ).fetchone()
    page.goto(f"{site}/{demo_db.stem}/deals")
    page.locator("td.col-id").get_by_role("link", name=deal_id).click()
    page.wait_for_url(f"**/deal/{deal_id}")
    figures = page.locator(".deals-figures").inner_text()
    assert f"{mw:,.0f} MW" in figures
    assert f"{gpus / 1000:.3g}k" in figures
    (sentence,) = db.execute(
        "SELECT json_extract(evidence, '$[0].text') FROM deal_reports WHERE deal_id = ? LIMIT 1",
        (deal_id,),
    ).fetchone()
    assert sentence in page.locator(".deals-evidence").inner_text()
    assert page.locator(".deals-evidence a").first.get_attribute("href").startswith("http")
    screenshot(page, "deal-page")


def test_a_company_page_shows_the_graph_picture(page, site, db, demo_db):
    page.goto(f"{site}/{demo_db.stem}/deals")
    page.locator("td.col-parties").get_by_role("link", name="Halcyon Compute").first.click()
    page.wait_for_url("**/company/**")
    assert page.locator("h1").inner_text() == "Halcyon Compute"
    picture = page.locator("figure.deals-graph svg")
    box = picture.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    labels = set(picture.locator("text").all_text_contents())
    partners = {
        n
        for (n,) in db.execute(
            "SELECT DISTINCT c.name FROM deal_parties p JOIN deal_parties q ON q.deal_id = p.deal_id"
            " JOIN companies c ON c.key = q.company_key WHERE p.company_key = 'halcyon compute'"
        )
    }
    assert partners and partners <= labels
    screenshot(page, "company-page")


def test_a_page_that_needs_the_internet_is_caught(guarded, site):
    """The guard itself: a CDN script and an image on a public address are blocked, named."""
    page, guard = guarded
    page.goto(f"{site}/-/versions")
    page.set_content(
        '<script src="https://cdn.example.com/lib.js"></script>'
        '<img src="http://192.0.2.7/logo.png">'
    )
    page.wait_for_timeout(300)
    assert sorted(guard.outside) == ["http://192.0.2.7/logo.png", "https://cdn.example.com/lib.js"]
    guard.outside.clear()  # caught: this test passes; any other page doing it fails
