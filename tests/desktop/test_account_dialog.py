"""File › Account… against the server and a fake Stripe on loopback: the plan and a bar per
limit, Upgrade opens Checkout in the browser, the plan changes once paid, invoices and the
billing portal."""

from __future__ import annotations

import httpx

from core.store import open_library
from core.sync.account import sign_in
from desktop.dialogs.account import AccountDialog
from tests.sync_server.fixtures import smtp_sink, sync_database_url, sync_keyring  # noqa: F401
from tests.sync_server.test_billing import billing  # noqa: F401


def test_the_account_dialog_upgrades_through_checkout(
    qtbot,
    tmp_path,
    billing,  # noqa: F811
    sync_keyring,  # noqa: F811
):
    with open_library(tmp_path / "lib") as library:
        sign_in(library, server_url=billing.server, email="ann@example.org",
                password="a long password", register=True)  # fmt: skip
        opened: list[str] = []
        dialog = AccountDialog(library, opener=opened.append)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.subscription is not None, timeout=10000)
        assert "Plan: Free" in dialog.heading.text()
        books = dialog.bar_widgets["synced_books"]
        assert books.format() == "0 of 3" and books.value() == 0
        assert dialog.bar_widgets["ai_tokens_month"].format() == "0 of 0"
        assert [dialog.plan_box.itemData(i) for i in range(dialog.plan_box.count())] == [
            "basic",
            "pro",
        ]
        dialog.grab().save(str(tmp_path / "account-free.png"))

        dialog.plan_box.setCurrentIndex(0)
        dialog.upgrade_button.click()
        qtbot.waitUntil(lambda: bool(opened), timeout=10000)
        assert opened[0].startswith(billing.fake.base_url + "/pay/cs_")
        session_id = opened[0].rsplit("/", 1)[1]
        httpx.post(f"{billing.fake.base_url}/_test/checkout/{session_id}/complete", json={})

        def on_basic() -> bool:
            dialog.refresh()
            qtbot.wait(200)
            return "Basic" in dialog.heading.text()

        qtbot.waitUntil(on_basic, timeout=20000)
        assert dialog.bar_widgets["synced_books"].format() == "0 of 25"
        assert dialog.invoices.topLevelItemCount() == 1
        assert dialog.invoices.topLevelItem(0).text(2) == "8.00 USD"
        dialog.grab().save(str(tmp_path / "account-basic.png"))
        dialog.portal_button.click()
        qtbot.waitUntil(lambda: len(opened) == 2, timeout=10000)
        assert opened[1].startswith(billing.fake.base_url + "/portal/")
        dialog.close()
