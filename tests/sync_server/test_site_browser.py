"""The public site in a real headless browser: search (with a misspelling), open a book,
read a chapter, the next chapter by keyboard, dark mode and text size; axe-core finds no
serious or critical violation on any page kind, in light or dark. A screenshot of each page
kind is written (to $AUTHORWORKS_SCREENSHOT_DIR when set) for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from sync_server.app import create_app
from sync_server.jobs import publishing_round
from tests.sync_server.browser import axe_violations, chromium, serious
from tests.sync_server.fixtures import fast_settings, live_server, sign_up
from tests.sync_server.published_books import Writer

pytestmark = pytest.mark.slow

CHAPTERS = [
    (
        "The Lighthouse Keeper",
        [
            "The lamp turned all night over the black water, and *Mara* counted its sweeps.",
            "At dawn the supply boat did not come.",
        ],
    ),
    ("Salt and Signal", ["She climbed to the gallery with the old signal flags."]),
    ("The Drowned Bell", ["Under the tide, something answered the bell."]),
]


def _shot(driver, folder: Path, name: str) -> Path:
    path = folder / f"site-{name}.png"
    driver.save_screenshot(str(path))
    return path


def test_reading_in_a_real_browser_is_accessible(tmp_path):
    shots = Path(os.environ.get("AUTHORWORKS_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    app = create_app(
        fast_settings(
            tmp_path / "server",
            f"sqlite:///{tmp_path / 'site.sqlite3'}",
            release_check_seconds=3600,
        )
    )
    with live_server(app) as url, httpx.Client(base_url=url) as http, chromium() as browser:
        writer = Writer(http, sign_up(http).headers)  # type: ignore[arg-type]
        writer.book(
            "book-light",
            "The Lighthouse at Gannet Rock",
            CHAPTERS,
            author="Ann Lee",
            description="A keeper, a storm, and a bell under the sea.",
        )
        assert (
            writer.publish("book-light", genre="Mystery", tags=["sea", "slow burn"]).status_code
            == 200
        )
        writer.book("book-other", "Orchard of Glass", CHAPTERS[:1], author="B. Hart")
        assert writer.publish("book-other", genre="Fantasy", tags=["sea"]).status_code == 200
        reader = sign_up(http)
        http.post(
            "/api/v1/discovery/books/book-light/like", json={"on": True}, headers=reader.headers
        )
        publishing_round(app, trending=True)
        wait = WebDriverWait(browser, 15)
        found: dict[str, list] = {}

        browser.get(f"{url}/")
        assert "Trending" in browser.page_source
        found["home"] = axe_violations(browser)
        _shot(browser, shots, "home")

        box = browser.find_element(By.ID, "site-q")
        box.send_keys("lighthuose", Keys.ENTER)  # misspelt
        wait.until(ec.url_contains("/search"))
        assert "Showing results for" in browser.page_source
        found["search"] = axe_violations(browser)
        _shot(browser, shots, "search")

        browser.find_element(By.LINK_TEXT, "The Lighthouse at Gannet Rock").click()
        wait.until(ec.title_contains("The Lighthouse at Gannet Rock"))
        found["book"] = axe_violations(browser)
        _shot(browser, shots, "book")

        browser.find_element(By.LINK_TEXT, "Start reading").click()
        wait.until(ec.url_contains("/chapter/1"))
        assert "counted its sweeps" in browser.find_element(By.CSS_SELECTOR, "article.chapter").text
        found["chapter"] = axe_violations(browser)
        _shot(browser, shots, "chapter")

        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        wait.until(ec.url_contains("/chapter/2"))
        assert "Salt and Signal" in browser.title
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
        wait.until(ec.url_contains("/chapter/1"))

        theme = browser.find_element(By.CSS_SELECTOR, "[data-action=theme]")
        theme.click()
        assert browser.execute_script("return document.documentElement.dataset.theme") == "dark"
        background = browser.execute_script(
            "return getComputedStyle(document.body).backgroundColor"
        )
        assert background == "rgb(21, 22, 26)"
        size = browser.execute_script(
            "return getComputedStyle(document.querySelector('article.chapter')).fontSize"
        )
        browser.find_element(By.CSS_SELECTOR, "[data-action=larger]").click()
        larger = browser.execute_script(
            "return getComputedStyle(document.querySelector('article.chapter')).fontSize"
        )
        assert float(larger.rstrip("px")) > float(size.rstrip("px"))
        found["chapter-dark"] = axe_violations(browser)
        _shot(browser, shots, "chapter-dark")
        # The choice is kept: the next page opens dark.
        browser.get(f"{url}/book/book-light/chapter/2")
        assert browser.execute_script("return document.documentElement.dataset.theme") == "dark"

        browser.find_element(By.CSS_SELECTOR, "[data-action=theme]").click()  # back to light
        owner = http.get("/api/v1/discovery/books/book-light").json()["author_id"]
        browser.get(f"{url}/author/{owner}")
        found["author"] = axe_violations(browser)
        _shot(browser, shots, "author")

        browser.get(f"{url}/signin")
        found["signin"] = axe_violations(browser)
        browser.get(f"{url}/book/no-such-book")
        assert "Not found" in browser.page_source
        found["error"] = axe_violations(browser)

        # No script of the page was refused by the CSP (a refusal would break the reader).
        logs = browser.get_log("browser")
        assert not [entry for entry in logs if "Content Security Policy" in entry["message"]]

    problems = {page: serious(v) for page, v in found.items() if serious(v)}
    assert problems == {}, problems
