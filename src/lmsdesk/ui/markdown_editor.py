"""A Markdown editor beside its live preview. Typing is saved after a pause (debounced), and at
once when focus leaves or the editor is asked to flush, so switching lessons loses nothing."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QTextBrowser, QWidget

from lmsdesk.ui.editing import is_editing

SAVE_AFTER_MS = 700


class FocusTextEdit(QPlainTextEdit):
    """A plain text editor that says when focus leaves it (the moment to save)."""

    focus_lost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()


class MarkdownEditor(QWidget):
    #: The text, after a pause in typing (or on flush) when it differs from what was loaded.
    edited = Signal(str)

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.source = FocusTextEdit()
        self.source.setPlaceholderText(placeholder)
        self.source.setTabChangesFocus(True)
        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(False)
        self.preview.setAccessibleName("Preview")
        self.preview.setPlaceholderText("Formatted preview")
        self.setMinimumHeight(160)  # room to write in, at any window size (the panel scrolls)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.source, 1)
        layout.addWidget(self.preview, 1)
        self._saved = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.flush)
        self.source.textChanged.connect(self._changed)
        self.source.focus_lost.connect(self.flush)

    def load(self, text: str) -> None:
        """Show stored text without treating it as an edit; never while the text is being typed
        in (a redraw after a sync must not take away what was typed or move the cursor)."""
        if is_editing(self.source) and text != self.text():
            return
        self._timer.stop()
        self._saved = text
        self.source.blockSignals(True)
        self.source.setPlainText(text)
        self.source.blockSignals(False)
        self.preview.setMarkdown(text)

    def text(self) -> str:
        return self.source.toPlainText()

    def flush(self) -> None:
        self._timer.stop()
        text = self.text()
        if text != self._saved:
            self._saved = text
            self.edited.emit(text)

    def _changed(self) -> None:
        self.preview.setMarkdown(self.text())
        self._timer.start()
