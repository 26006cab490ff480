"""The cover designer: a live preview, editable and movable layers, undo/redo, export.

Everything it draws comes from :mod:`core.imaging`; the dialog only holds the current
:class:`~core.imaging.templates.CoverDesign` and swaps it through undoable commands. The
preview renders at a quarter of full size (a few tens of milliseconds); exports render at
full size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.imaging.book_covers import design_for_book, geometry_for_book, save_design, store_cover
from core.imaging.cover import CoverRender, layer_rect, render_cover, save_image
from core.imaging.geometry import ebook_geometry
from core.imaging.templates import CoverDesign, load_template, template_names
from core.store.library import Library
from core.store.manuscript import get_book

PREVIEW_SCALE = 0.25


def pil_to_qimage(image: Any) -> QImage:
    """A Pillow RGB image as a QImage (copied: Qt must not keep Python's buffer)."""
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


class DesignCommand(QUndoCommand):
    """Replace the dialog's design; consecutive edits of one field merge into one step."""

    def __init__(
        self,
        dialog: CoverDialog,
        before: CoverDesign,
        after: CoverDesign,
        text: str,
        merge_key: str = "",
    ) -> None:
        super().__init__(text)
        self.dialog, self.before, self.after = dialog, before.copy(), after.copy()
        self.merge_key = merge_key

    def id(self) -> int:
        return (hash(self.merge_key) & 0x7FFFFFFF) if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, DesignCommand)
            or other.merge_key != self.merge_key
            or not self.merge_key
        ):
            return False
        self.after = other.after.copy()
        return True

    def redo(self) -> None:
        self.dialog.set_design(self.after)

    def undo(self) -> None:
        self.dialog.set_design(self.before)


class PreviewLabel(QLabel):
    """The preview; dragging moves the selected layer (reports the drag in cover fractions)."""

    dragged = Signal(float, float, bool)  # dx, dy, finished

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._start: QPointF | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._start = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._emit(event, finished=False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._emit(event, finished=True)
        self._start = None

    def _emit(self, event: QMouseEvent, *, finished: bool) -> None:
        pixmap = self.pixmap()
        if self._start is None or pixmap is None or pixmap.isNull():
            return
        delta = event.position() - self._start
        self.dragged.emit(delta.x() / pixmap.width(), delta.y() / pixmap.height(), finished)


class CoverDialog(QDialog):
    """Design a book's cover; "Use as book cover" stores it as the book's cover asset."""

    coverSaved = Signal(str)

    def __init__(self, library: Library, book_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.book_id = library, book_id
        with library.session() as session:
            book = get_book(session=session, book_id=book_id)
            self.design = design_for_book(book)
            self.book_title = book.title
        self.setWindowTitle(f"Cover — {self.book_title}")
        self.undo_stack = QUndoStack(self)
        self.last_render: CoverRender | None = None
        self._drag_origin: CoverDesign | None = None
        self._updating = False
        self._build()
        self._refresh_layers()
        self.render_preview()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.preview = PreviewLabel()
        self.preview.setMinimumSize(round(1600 * PREVIEW_SCALE), round(2560 * PREVIEW_SCALE))
        self.preview.dragged.connect(self._on_drag)
        self.template_box = QComboBox()
        self.template_box.addItems(template_names())
        self.template_box.setCurrentText(self.design.template)
        self.template_box.currentTextChanged.connect(self.apply_template)
        self.layer_list = QListWidget()
        self.layer_list.currentRowChanged.connect(lambda _row: self._on_layer_selected())
        self.text_edit = QLineEdit()
        self.text_edit.textEdited.connect(lambda text: self.edit_layer(text=text))
        self.x_spin, self.y_spin = self._spin(), self._spin()
        self.x_spin.valueChanged.connect(lambda v: self._spin_moved("x", v))
        self.y_spin.valueChanged.connect(lambda v: self._spin_moved("y", v))
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #a33;")

        form = QFormLayout()
        form.addRow("Template", self.template_box)
        form.addRow("Text", self.text_edit)
        form.addRow("Left (%)", self.x_spin)
        form.addRow("Top (%)", self.y_spin)
        undo = QPushButton("Undo")
        undo.clicked.connect(self.undo_stack.undo)
        redo = QPushButton("Redo")
        redo.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(redo.setEnabled)
        undo.setEnabled(False)
        redo.setEnabled(False)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        picture = QPushButton("Background picture…")
        picture.clicked.connect(self._choose_picture)
        self.size_box = QComboBox()
        self.size_box.addItems(["ebook", "print"])
        export = QPushButton("Export…")
        export.clicked.connect(self._choose_export)
        use = QPushButton("Use as book cover")
        use.clicked.connect(self._use_clicked)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)

        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(QLabel("Layers"))
        side.addWidget(self.layer_list)
        row = QHBoxLayout()
        row.addWidget(undo)
        row.addWidget(redo)
        side.addLayout(row)
        side.addWidget(picture)
        side.addWidget(self.warning_label)
        row = QHBoxLayout()
        row.addWidget(self.size_box)
        row.addWidget(export)
        side.addLayout(row)
        side.addWidget(use)
        side.addWidget(close)
        main = QHBoxLayout(self)
        main.addWidget(self.preview, 1)
        main.addLayout(side)
        self._timer = QTimer(self, singleShot=True, interval=40)
        self._timer.timeout.connect(self.render_preview)

    @staticmethod
    def _spin() -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-50.0, 150.0)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        return spin

    # ------------------------------------------------------------------ state
    def set_design(self, design: CoverDesign) -> None:
        """Show ``design`` (called by undo commands; not itself undoable)."""
        self.design = design.copy()
        self._updating = True
        self.template_box.setCurrentText(self.design.template)
        self._updating = False
        self._refresh_layers()
        self._timer.start()

    def current_layer_id(self) -> str | None:
        item = self.layer_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _refresh_layers(self) -> None:
        keep = self.current_layer_id()
        self._updating = True
        self.layer_list.clear()
        for layer in self.design.layers:
            self.layer_list.addItem(f"{layer.role}: {layer.text or '—'}")
            self.layer_list.item(self.layer_list.count() - 1).setData(
                Qt.ItemDataRole.UserRole, layer.id
            )
        ids = [layer.id for layer in self.design.layers]
        roles = [layer.role for layer in self.design.layers]
        start = ids.index(keep) if keep in ids else roles.index("title") if "title" in roles else 0
        self.layer_list.setCurrentRow(start)
        self._updating = False
        self._show_layer()

    def _on_layer_selected(self) -> None:
        self._show_layer()
        if self.last_render is not None and not self._updating:
            self._show_pixmap()

    def _show_layer(self) -> None:
        layer_id = self.current_layer_id()
        if layer_id is None:
            return
        layer = self.design.layer(layer_id)
        was, self._updating = self._updating, True
        if self.text_edit.text() != layer.text:
            self.text_edit.setText(layer.text)
        self.x_spin.setValue(layer.box[0] * 100)
        self.y_spin.setValue(layer.box[1] * 100)
        self._updating = was

    # ------------------------------------------------------------------ edits
    def _push(self, after: CoverDesign, text: str, merge_key: str = "") -> None:
        self.undo_stack.push(DesignCommand(self, self.design, after, text, merge_key))

    def edit_layer(
        self,
        *,
        text: str | None = None,
        x: float | None = None,
        y: float | None = None,
        layer_id: str | None = None,
    ) -> None:
        """Change the current (or named) layer's text or position (fractions of the cover)."""
        if self._updating:
            return
        layer_id = layer_id or self.current_layer_id()
        if layer_id is None:
            return
        after = self.design.copy()
        layer = after.layer(layer_id)
        if text is not None:
            layer.text = text
        if x is not None:
            layer.box[0] = x
        if y is not None:
            layer.box[1] = y
        what = "text" if text is not None else "position"
        self._push(after, f"Edit {layer.role} {what}", f"{layer_id}:{what}")

    def _spin_moved(self, axis: str, value: float) -> None:
        if axis == "x":
            self.edit_layer(x=value / 100)
        else:
            self.edit_layer(y=value / 100)

    def _on_drag(self, dx: float, dy: float, finished: bool) -> None:
        layer_id = self.current_layer_id()
        if layer_id is None:
            return
        if self._drag_origin is None:
            self._drag_origin = self.design.copy()
        moved = self._drag_origin.copy()
        box = moved.layer(layer_id).box
        box[0] += dx
        box[1] += dy
        if finished:
            origin, self._drag_origin = self._drag_origin, None
            self.undo_stack.push(DesignCommand(self, origin, moved, f"Move {layer_id}"))
        else:
            self.design = moved  # live feedback; the undo step is pushed on release
            self._timer.start()

    def apply_template(self, name: str) -> None:
        """Switch to template ``name``, keeping the texts and the background picture."""
        if self._updating or name == self.design.template:
            return
        after = load_template(name)
        texts = {layer.role: layer.text for layer in self.design.layers}
        for layer in after.layers:
            layer.text = texts.get(layer.role, "")
        after.blurb = self.design.blurb
        if self.design.background.type == "image":
            after.background.type = "image"
            after.background.image_path = self.design.background.image_path
        self._push(after, f"Template {name}")

    def set_background_picture(self, path: Path | None) -> None:
        """Use the picture at ``path`` as the background (None: back to the template's)."""
        after = self.design.copy()
        if path is None:
            template = load_template(self.design.template).background
            after.background = template
        else:
            after.background.type = "image"
            after.background.image_path = str(path)
            after.background.tint = after.background.tint or "#00000050"
        self._push(after, "Background picture")

    def _choose_picture(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Background picture", "", "Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)"
        )
        if path:
            self.set_background_picture(Path(path))

    # ------------------------------------------------------------------ output
    def render_preview(self) -> None:
        self.last_render = render_cover(self.design, ebook_geometry().scaled(PREVIEW_SCALE))
        self._show_pixmap()
        self.warning_label.setText("\n".join(self.last_render.warnings))

    def _show_pixmap(self) -> None:
        """The last render with a dashed frame around the selected layer's box."""
        assert self.last_render is not None
        pixmap = QPixmap.fromImage(pil_to_qimage(self.last_render.image))
        layer_id = self.current_layer_id()
        if layer_id is not None:
            x, y, w, h = layer_rect(self.design.layer(layer_id), self.last_render.geometry.front)
            painter = QPainter(pixmap)
            painter.setPen(QPen(QColor(255, 200, 0), 1, Qt.PenStyle.DashLine))
            painter.drawRect(x, y, w - 1, h - 1)
            painter.end()
        self.preview.setPixmap(pixmap)

    def export_to(self, path: Path, size: str = "ebook") -> CoverRender:
        """Render at full size and save as PNG, JPEG or WebP (by the file's suffix)."""
        with self.library.session() as session:
            book = get_book(session=session, book_id=self.book_id)
            geometry = geometry_for_book(book, size)
        rendered = render_cover(self.design, geometry)
        save_image(rendered.image, path)
        return rendered

    def use_as_cover(self) -> str:
        """Store the ebook cover as the book's cover asset and remember the design."""
        rendered = render_cover(self.design, ebook_geometry())
        with self.library.session() as session:
            book = get_book(session=session, book_id=self.book_id)
            asset_id = store_cover(
                session=session, library=self.library, book=book, image=rendered.image
            )
            save_design(session=session, book_id=self.book_id, design=self.design)
        self.coverSaved.emit(asset_id)
        return asset_id

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export cover", f"{self.book_title}.png", "Images (*.png *.jpg *.jpeg *.webp)"
        )
        if path:
            self._guarded(lambda: self.export_to(Path(path), self.size_box.currentText()))

    def _use_clicked(self) -> None:
        self._guarded(self.use_as_cover)

    def _guarded(self, action: Any) -> None:
        try:
            action()
        except AuthorWorksError as exc:
            QMessageBox.warning(self, "Cover", str(exc))
