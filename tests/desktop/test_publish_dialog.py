"""Book › Publish… against the server on a loopback port: publish with a genre, tags and a
schedule, see the link and the readers' chart after a read, refuse a bad schedule before
any network, unpublish; the menu item is in the Book menu with its shortcut."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from core.sample import add_sample_book
from core.sync.account import sign_in
from desktop.dialogs.publish import PublishDialog
from tests.sync_server.fixtures import sync_keyring, sync_live_server  # noqa: F401

PASSWORD = "a long password"


def test_publish_see_readers_and_unpublish(
    qtbot,
    aw_library,
    tmp_path: Path,
    sync_live_server,  # noqa: F811
    sync_keyring,  # noqa: F811
):
    book_id = add_sample_book(aw_library)
    sign_in(
        aw_library,
        server_url=sync_live_server,
        email="pub@example.org",
        password=PASSWORD,
        register=True,
    )
    dialog = PublishDialog(aw_library, book_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "Not published" in dialog.heading.text(), timeout=20000)
    assert not dialog.readers_box.isVisibleTo(dialog)

    dialog.schedule.setCurrentText("whenever I like")
    dialog.publish()
    assert "not a schedule" in dialog.message.text()  # refused here, nothing sent

    dialog.genre.setText("Mystery")
    dialog.tags.setText("sea, islands")
    dialog.schedule.setCurrentText("every friday")
    dialog.publish()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Published"), timeout=30000)
    qtbot.waitUntil(lambda: dialog.published is not None, timeout=20000)
    assert "next chapter comes out" in dialog.message.text()
    url = dialog.url.text()
    assert url.endswith(dialog.published["url"].split("/book/", 1)[1])
    assert dialog.published["tags"] == ["sea", "islands"] and dialog.genre.text() == "mystery"

    # A reader reads chapter 1 on the site; the dialog shows it after a refresh.
    site = sync_live_server
    page = httpx.get(f"{site}/book/{book_id}/chapter/1", headers={"accept": "text/html"})
    assert page.status_code == 200
    dialog.refresh()
    qtbot.waitUntil(lambda: "1 reads by 1 readers" in dialog.figures.text(), timeout=20000)
    assert dialog.chart.chapters and dialog.chart.chapters[0]["completion"] == 1.0
    assert dialog.daily.days and dialog.daily.days[-1]["reads"] == 1  # reads over time
    dialog.show()
    shot = Path(os.environ.get("AUTHORWORKS_SCREENSHOT_DIR") or tmp_path) / "publish-dialog.png"
    dialog.grab().save(str(shot))

    dialog.unpublish()
    qtbot.waitUntil(lambda: "no longer published" in dialog.message.text(), timeout=20000)
    assert httpx.get(f"{site}/api/v1/discovery/books/{book_id}").status_code == 404
    assert "Not published" in dialog.heading.text()


def test_the_book_menu_has_publish(qtbot, aw_library):
    from desktop.panels.studio_panels import BOOK_DIALOGS

    entries = {name: shortcut for _text, name, _make, shortcut in BOOK_DIALOGS}
    assert entries["PublishDialog"] == "Ctrl+Alt+P"
