"""File › Account…: the plan on the sync server, a bar for each limit, and the ways to change
it — Upgrade (Stripe Checkout, opened in the browser), Manage Billing (the Customer Portal:
cards, invoices, cancelling) and the invoices themselves. Everything talks to the server in
the background; nothing here holds a card or a secret.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.store.library import Library
from core.sync.billing import amount, describe, meters
from core.sync.status import status
from desktop.jobs.account_job import with_account
from desktop.jobs.background import Background

Opener = Callable[[str], Any]


def _open_in_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


class AccountDialog(QDialog):
    def __init__(
        self, library: Library, parent: QWidget | None = None, *, opener: Opener | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AccountDialog")
        self.setWindowTitle("Account")
        self.setMinimumWidth(520)
        self.library = library
        self.open_url = opener or _open_in_browser  # a test watches what would open
        self.background = Background(self)
        self.subscription: dict[str, Any] | None = None
        self.plans: list[dict[str, Any]] = []
        self.heading = QLabel("Reading your plan…")
        self.heading.setObjectName("account_plan")
        self.heading.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.bars = QGridLayout()
        self.bar_widgets: dict[str, QProgressBar] = {}
        self.plan_box = QComboBox()
        self.plan_box.setAccessibleName("Plan to upgrade to")
        self.upgrade_button = QPushButton("&Upgrade…")
        self.upgrade_button.clicked.connect(self.upgrade)
        self.portal_button = QPushButton("Manage &Billing…")
        self.portal_button.setToolTip("Cards, invoices and cancelling, in Stripe's portal")
        self.portal_button.clicked.connect(self.manage_billing)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.refresh)
        self.invoices = QTreeWidget()
        self.invoices.setObjectName("account_invoices")
        self.invoices.setHeaderLabels(["Invoice", "Date", "Amount", "Status"])
        self.invoices.setRootIsDecorated(False)
        self.invoices.itemActivated.connect(self._open_invoice)
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.plan_box, 1)
        row.addWidget(self.upgrade_button)
        row.addWidget(self.portal_button)
        row.addWidget(self.refresh_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addLayout(self.bars)
        layout.addLayout(row)
        layout.addWidget(QLabel("Invoices (double-click to open)"))
        layout.addWidget(self.invoices, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._set_enabled(False)
        self.refresh()

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        if not status(self.library).signed_in:
            self.heading.setText("Not signed in: plans belong to your account on a sync server.")
            self.message.setText("Sign in first (status bar › Sign in…).")
            return

        def job(api: Any) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
            return api.subscription(), api.plans(), api.invoices()

        self.background.run(
            with_account(self.library, job),
            description="account",
            on_done=self._show,
            on_failed=self.message.setText,
        )

    def _show(self, found: tuple[dict[str, Any], list[dict[str, Any]], list[dict]]) -> None:
        subscription, plans, invoices = found
        self.subscription, self.plans = subscription, plans
        lines = describe(subscription)
        self.heading.setText(f"<b>{lines[0]}</b>")
        self.details.setText(
            "\n".join(line for line in lines[1:] if not line.startswith(tuple(_labels())))
        )
        while self.bars.count():
            taken = self.bars.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.bar_widgets = {}
        for row, meter in enumerate(meters(subscription)):
            label = QLabel(meter.label)
            bar = QProgressBar()
            bar.setObjectName(f"meter_{meter.name}")
            bar.setAccessibleName(meter.text())
            bar.setRange(0, 1000)
            bar.setValue(int(meter.fraction * 1000))
            limit = "unlimited" if meter.limit is None else amount(meter.name, meter.limit)
            bar.setFormat(f"{amount(meter.name, meter.used)} of {limit}")
            if meter.over or meter.fraction >= 0.9:
                bar.setStyleSheet("QProgressBar::chunk { background: #c0392b; }")
            self.bars.addWidget(label, row, 0)
            self.bars.addWidget(bar, row, 1)
            self.bar_widgets[meter.name] = bar
        current = subscription.get("plan")
        ranks = [p["id"] for p in plans]
        self.plan_box.clear()
        for plan in plans:
            if not plan.get("purchasable") or plan["id"] == current:
                continue
            price = plan["price"]["amount"] / 100
            direction = (
                "downgrade"
                if current in ranks and ranks.index(plan["id"]) < ranks.index(current)
                else "upgrade"
            )
            self.plan_box.addItem(
                f"{plan['name']} — {price:.2f} {plan['price']['currency'].upper()} a month "
                f"({direction})",
                plan["id"],
            )
        self.invoices.clear()
        for invoice in invoices:
            total = (invoice.get("amount_due") or 0) / 100
            item = QTreeWidgetItem(
                [
                    str(invoice.get("number") or invoice["id"]),
                    str(invoice.get("created") or "")[:10],
                    f"{total:.2f} {str(invoice.get('currency') or '').upper()}",
                    str(invoice.get("status") or ""),
                ]
            )
            item.setData(0, 256, invoice.get("hosted_invoice_url") or "")
            self.invoices.addTopLevelItem(item)
        self._set_enabled(True)
        if not subscription.get("enforced", True):
            self.message.setText("This server does not enforce plans.")

    def _set_enabled(self, on: bool) -> None:
        self.upgrade_button.setEnabled(on and self.plan_box.count() > 0)
        self.portal_button.setEnabled(on)
        self.plan_box.setEnabled(on)

    # ------------------------------------------------------------------ acting

    def upgrade(self) -> None:
        plan = self.plan_box.currentData()
        if not plan:
            return

        def done(answer: dict[str, Any]) -> None:
            if answer.get("action") == "checkout":
                self.open_url(str(answer["url"]))
                self.message.setText(
                    "Checkout is open in your browser: once paid, press Refresh (F5): the "
                    "plan changes as soon as Stripe tells the server."
                )
            elif answer.get("action") == "upgraded":
                self.message.setText(
                    f"Now on {answer['plan']}: the rest of the period is prorated."
                )
                self.refresh()
            else:
                self.message.setText(
                    f"{answer['plan']} starts at the end of this period; until then nothing "
                    "changes."
                )
                self.refresh()

        self.message.setText("Asking the server…")
        self.background.run(
            with_account(self.library, lambda api: api.checkout(plan)),
            description="upgrade",
            on_done=done,
            on_failed=self.message.setText,
        )

    def manage_billing(self) -> None:
        self.background.run(
            with_account(self.library, lambda api: api.billing_portal()),
            description="billing portal",
            on_done=lambda url: self.open_url(str(url)),
            on_failed=self.message.setText,
        )

    def _open_invoice(self, item: QTreeWidgetItem, _column: int) -> None:
        url = str(item.data(0, 256) or "")
        if url:
            self.open_url(url)

    def done(self, result: int) -> None:
        self.background.close(3000)
        super().done(result)


def _labels() -> list[str]:
    from core.sync.billing import LABELS

    return [f"{label}:" for label in LABELS.values()]
