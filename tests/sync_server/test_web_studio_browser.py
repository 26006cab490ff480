"""The web studio in Playwright driving Debian's headless Chromium: an invitee opens the
emailed link, creates an account, accepts and opens the shared book; types in a scene and the
text reaches the writer's desktop library through sync; a second editor in another browser
context sees the first one's cursor; a viewer cannot type; a forged cross-site request is
refused; sign-out ends the session. axe-core finds no serious violation on any page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core.review.store import book_comments, comment_on
from core.sample import add_sample_book
from core.store import open_library
from core.store.manuscript import list_chapters
from core.sync.account import account_api, sign_in, sync_library
from sync_server.app import create_app
from tests.fixtures.plugin import missing_dependency
from tests.sync_server.browser import AXE, serious
from tests.sync_server.fixtures import fast_settings, live_server, sync_keyring  # noqa: F401
from tests.sync_server.web_studio import built_bundle

pytestmark = pytest.mark.slow
PASSWORD = "a long password for the web"


def _axe(page) -> list[dict]:
    if not AXE.exists():
        missing_dependency("axe-core is not installed (make tests/node/node_modules/.installed)")
    # Evaluated by the browser's tooling, not as a page script: the site's CSP refuses those.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return serious(
        page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
    )


def _until(page, predicate: str, timeout: float = 10.0) -> None:
    """Poll ``predicate`` in the page (wait_for_function would need eval, which the CSP
    rightly refuses)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, predicate
        time.sleep(0.05)


def _browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_dependency("playwright is not installed (pip install -e '.[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing_dependency("chromium is not installed (Debian: chromium)")
    return sync_playwright, chromium


def _register_and_accept(context, url: str, link: str, email: str):
    page = context.new_page()
    page.goto(f"{url}/app/invite/{link}")
    page.get_by_role("link", name="create an account").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (a long phrase is best)").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_url(f"**/app/invite/{link}")
    page.get_by_role("button", name="Accept and open the book").click()
    page.wait_for_url("**/app/book/**")
    return page


def test_invited_people_edit_live_in_the_browser(tmp_path, sync_keyring):  # noqa: F811
    sync_playwright, chromium = _browser()
    built_bundle()
    shots = Path(os.environ.get("AUTHORWORKS_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    app = create_app(
        fast_settings(
            tmp_path / "server",
            f"sqlite:///{tmp_path / 'studio.sqlite3'}",
            release_check_seconds=3600,
        )
    )
    with live_server(app) as url:
        ann = open_library(tmp_path / "ann")
        book_id = add_sample_book(ann)
        sign_in(ann, server_url=url, email="ann@example.org", password=PASSWORD, register=True)
        sync_library(ann)
        with account_api(ann) as api:
            links = {
                who: api.invite(book_id, f"{who}@example.org", role=role)["link"].rsplit("/", 1)[1]
                for who, role in (
                    ("bob", "editor"),
                    ("dee", "editor"),
                    ("vic", "viewer"),
                    ("cam", "commenter"),
                )
            }
        with ann.session() as s:
            first_scene = list_chapters(session=s, book_id=book_id)[0].scenes[0]
            scene_id, opening = first_scene.id, first_scene.text
            # The writer's comment, made in the library, is in the browser's margin.
            comment_on(
                s,
                scene_id=scene_id,
                quote=opening[4:20],
                text="Tighten this opening?",
                author="Ann",
            )
            s.commit()
        sync_library(ann)
        problems: dict[str, list] = {}

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            bob = browser.new_context(viewport={"width": 1280, "height": 900})
            page = _register_and_accept(bob, url, links["bob"], "bob@example.org")
            problems["binder"] = _axe(page)
            page.screenshot(path=str(shots / "studio-binder.png"))
            page.locator(f"a[href$='/scene/{scene_id}']").click()
            page.wait_for_selector("#studio[data-synced=true]", timeout=15000)
            editor = page.locator(".cm-content")
            assert opening[:30] in editor.inner_text()
            editor.click()
            page.keyboard.press("Control+End")
            page.keyboard.type(" Typed in the browser.")
            problems["scene"] = _axe(page)
            margin = page.locator(".comments-margin").inner_text()
            assert "Tighten this opening?" in margin and opening[4:20] in margin

            dee = browser.new_context()
            other = _register_and_accept(dee, url, links["dee"], "dee@example.org")
            other.goto(f"{url}/app/book/{book_id}/scene/{scene_id}")
            other.wait_for_selector("#studio[data-synced=true]", timeout=15000)
            assert "Typed in the browser." in other.locator(".cm-content").inner_text()
            other.locator(".cm-content").click()
            other.keyboard.press("Control+Home")
            other.keyboard.type("Dee was here. ")
            # Each sees the other's cursor with a name.
            page.wait_for_selector(".cm-ySelectionCaret", timeout=10000)
            other.wait_for_selector(".cm-ySelectionCaret", timeout=10000)
            # In the other person's colour (not the page's default).
            caret = page.locator(".cm-ySelectionCaret").first
            assert caret.evaluate("e => getComputedStyle(e).borderLeftColor") != "rgba(0, 0, 0, 0)"
            assert caret.evaluate("e => e.style.backgroundColor || e.style.borderColor") != ""
            assert "dee" in page.locator("#studio-people").inner_text()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(shots / "studio-scene.png"))

            vic = browser.new_context()
            viewer = _register_and_accept(vic, url, links["vic"], "vic@example.org")
            viewer.goto(f"{url}/app/book/{book_id}/scene/{scene_id}")
            viewer.wait_for_selector("#studio[data-synced=true]", timeout=15000)
            before = viewer.locator(".cm-content").inner_text()
            viewer.locator(".cm-content").click()
            viewer.keyboard.type("VIEWER TYPING")
            assert "VIEWER TYPING" not in viewer.locator(".cm-content").inner_text()
            assert viewer.locator(".cm-content").get_attribute("contenteditable") == "false"
            assert viewer.locator(".cm-content").inner_text() == before

            # A commenter's typing becomes suggestions: underlined here, pending for the writer.
            cam = browser.new_context()
            suggester = _register_and_accept(cam, url, links["cam"], "cam@example.org")
            suggester.goto(f"{url}/app/book/{book_id}/scene/{scene_id}")
            suggester.wait_for_selector("#studio[data-synced=true]", timeout=15000)
            assert "Suggesting" in suggester.locator("#studio-status").inner_text()
            suggester.locator(".cm-content").click()
            suggester.keyboard.press("Control+Home")
            suggester.keyboard.type("Perhaps ")
            suggester.wait_for_selector(".sg-insert", timeout=10000)
            assert suggester.locator(".sg-insert").first.inner_text() == "Perhaps "
            page.wait_for_selector(".sg-insert", timeout=10000)  # the editor sees it marked
            problems["suggesting"] = _axe(suggester)
            suggester.screenshot(path=str(shots / "studio-suggesting.png"))
            # ...and comments on the words they select.
            suggester.evaluate(
                "() => { const v = window.awStudio.view; const at = v.state.doc.toString()"
                ".indexOf('carrier'); v.dispatch({selection: {anchor: at, head: at + 7}}); }"
            )
            suggester.get_by_label("Comment on the selected words").fill("Is a carrier right?")
            suggester.get_by_role("button", name="Comment", exact=True).click()
            suggester.wait_for_url("**/scene/**")
            assert "Is a carrier right?" in suggester.locator(".comments-margin").inner_text()

            # The connection drops: the page says so, keeps the typing, and sends it when back.
            page.evaluate("window.awStudio.provider.disconnect()")
            _until(page, "() => document.getElementById('studio-status').dataset.kind === 'warn'")
            assert "Connection lost" in page.locator("#studio-status").inner_text()
            page.locator(".cm-content").click()
            page.keyboard.press("Control+End")
            page.keyboard.type(" Written offline.")
            page.evaluate("window.awStudio.provider.connect()")
            _until(
                page,
                "() => document.getElementById('studio-status').textContent"
                ".startsWith('Live again')",
            )
            _until(
                other,
                "() => document.querySelector('.cm-content').innerText"
                ".includes('Written offline.')",
            )

            # Narrow and dark: the margin goes under the editor, the theme is kept.
            page.set_viewport_size({"width": 800, "height": 1000})
            page.locator("[data-action=theme]").click()
            assert page.evaluate("document.documentElement.dataset.theme") == "dark"
            problems["scene-dark"] = _axe(page)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(shots / "studio-scene-tablet-dark.png"))
            page.set_viewport_size({"width": 1280, "height": 900})
            page.locator("[data-action=theme]").click()
            page.goto(f"{url}/app/inbox")
            assert "invited" in page.inner_text("main") or "Inbox" in page.inner_text("h1")
            problems["inbox"] = _axe(page)
            page.goto(f"{url}/app/book/{book_id}/activity")
            assert "joined" in page.inner_text("main")
            problems["activity"] = _axe(page)
            page.screenshot(path=str(shots / "studio-activity.png"))
            page.goto(f"{url}/app/book/{book_id}/scene/{scene_id}")
            page.wait_for_selector("#studio[data-synced=true]", timeout=15000)

            # A forged cross-site request: no form token, refused.
            forged = bob.request.post(f"{url}/app/token")
            assert forged.status == 403
            # Sign-out ends the session: the studio asks to sign in again.
            page.goto(f"{url}/app/")
            page.get_by_role("button", name="Sign out").click()
            page.goto(f"{url}/app/")
            assert "/signin" in page.url
            problems["signin"] = _axe(page)
            browser.close()

        # The writer's desktop library gets both people's typing through sync.
        import time

        deadline = time.monotonic() + 15
        text = ""
        while time.monotonic() < deadline:
            sync_library(ann)
            with ann.session() as s:
                text = list_chapters(session=s, book_id=book_id)[0].scenes[0].text
            if "Written offline." in text and text.startswith("Dee was here. "):
                break
            time.sleep(0.5)
        assert "Typed in the browser." in text and text.startswith("Dee was here. "), text
        assert "Written offline." in text
        assert "VIEWER TYPING" not in text and "Perhaps" not in text  # a proposal, not text
        with ann.session() as s:
            pending = [sg for sc in book_comments(s, book_id) for sg in sc.suggestions]
        assert [(sg.kind, sg.text, sg.author) for sg in pending] == [
            ("insert", "Perhaps ", "cam@example.org")
        ]
        with ann.session() as s:
            notes = [
                (c.author, c.text, c.quote) for sc in book_comments(s, book_id) for c in sc.comments
            ]
        assert ("cam@example.org", "Is a carrier right?", "carrier") in notes
        ann.close()
    assert {k: v for k, v in problems.items() if v} == {}
