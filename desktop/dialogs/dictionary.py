"""Edit › Personal Dictionary: the words the writer taught the spell-checker, to add,
find and remove (the file is saved on every change)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.text.counts import count_of
from core.text.spelling import PersonalDictionary


class PersonalDictionaryDialog(QDialog):
    changed = Signal()

    def __init__(self, dictionary: PersonalDictionary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Personal Dictionary")
        self.dictionary = dictionary
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Find a word")
        self.filter_edit.setClearButtonEnabled(True)
        self.words = QListWidget()
        self.words.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText("A word to accept from now on")
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        self.message = QLabel()
        self.message.setWordWrap(True)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_edit, 1)
        add_row.addWidget(self.add_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Kept in {dictionary.path}"))
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.words, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(lambda _t: self.reload())
        self.add_button.clicked.connect(lambda: self.add_word())
        self.add_edit.returnPressed.connect(lambda: self.add_word())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.words)
        delete.activated.connect(lambda: self.remove_selected())
        self.words.itemSelectionChanged.connect(self._update_buttons)
        self.resize(380, 480)
        self.reload()

    def shown_words(self) -> list[str]:
        return [self.words.item(i).text() for i in range(self.words.count())]

    def reload(self) -> None:
        needle = self.filter_edit.text().strip().casefold()
        self.words.clear()
        words = sorted(self.dictionary.words, key=str.casefold)
        self.words.addItems([w for w in words if needle in w.casefold()])
        self.message.setText(count_of(len(words), "word"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.words.selectedItems()))

    def add_word(self, word: str | None = None) -> bool:
        word = (word if word is not None else self.add_edit.text()).strip()
        if not word or any(ch.isspace() for ch in word):
            self.message.setText("Add one word at a time (no spaces).")
            return False
        try:
            self.dictionary.add(word)
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return False
        self.add_edit.clear()
        self.reload()
        self.changed.emit()
        return True

    def remove_selected(self) -> int:
        chosen = [item.text() for item in self.words.selectedItems()]
        try:
            for word in chosen:
                self.dictionary.remove(word)
        except AuthorWorksError as exc:
            self.message.setText(str(exc))
            return 0
        self.reload()
        if chosen:
            self.changed.emit()
        return len(chosen)
