"""The course's details in the editor: title, subtitle, category, tags, level, language, price,
thumbnail and the Markdown description. Layout and display only: edits leave as signals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.enums import CourseLevel
from lmsdesk.services.authoring import Draft
from lmsdesk.ui.editing import is_editing, show_choice, show_number, show_text
from lmsdesk.ui.markdown_editor import MarkdownEditor

CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "INR", "JPY")
LEVELS = {
    CourseLevel.ALL_LEVELS: "All levels",
    CourseLevel.BEGINNER: "Beginner",
    CourseLevel.INTERMEDIATE: "Intermediate",
    CourseLevel.ADVANCED: "Advanced",
}
THUMBNAIL_SIZE = QSize(160, 90)


class CourseDetailsPanel(QWidget):
    #: (entity, entity id, field, value)
    field_edited = Signal(str, object, str, object)
    #: (course id, the tags as typed)
    tags_edited = Signal(object, str)
    thumbnail_requested = Signal()
    remove_thumbnail_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.draft: Draft | None = None
        self._loading = False
        self.course_title = QLineEdit()
        self.course_title.setMaxLength(200)
        self.subtitle = QLineEdit()
        self.subtitle.setMaxLength(300)
        self.subtitle.setPlaceholderText("One line that sells the course")
        self.category = QComboBox()
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Comma separated: sqlite, offline, sync (at most 10)")
        self.level = QComboBox()
        for level, words in LEVELS.items():
            self.level.addItem(words, level.value)
        self.language = QLineEdit()
        self.language.setPlaceholderText("en, de, pt-BR")
        self.language.setMaximumWidth(120)
        self.price = QDoubleSpinBox()
        self.price.setRange(0, 1_000_000)
        self.price.setDecimals(2)
        self.price.setSpecialValueText("Free")
        self.currency = QComboBox()
        for code in CURRENCIES:
            self.currency.addItem(code, code)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price)
        price_row.addWidget(self.currency)
        price_row.addStretch(1)
        self.description = MarkdownEditor(
            "Describe the course in Markdown: what students learn, who it is for."
        )
        form = QFormLayout(self)
        # Narrow (a small window), a label goes above its field rather than squash it.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Title", self.course_title)
        form.addRow("Subtitle", self.subtitle)
        form.addRow("Category", self.category)
        form.addRow("Tags", self.tags)
        form.addRow("Level", self.level)
        form.addRow("Language", self.language)
        form.addRow("Price", price_row)
        form.addRow("Thumbnail", self._thumbnail_row())
        form.addRow("Description", self.description)
        self._connect()

    def _connect(self) -> None:
        def course(field: str, value: Any) -> None:
            if not self._loading and self.draft is not None:
                self.field_edited.emit("course", self.draft.id, field, value)

        self.course_title.editingFinished.connect(
            lambda: course("title", self.course_title.text().strip())
        )
        self.subtitle.editingFinished.connect(lambda: course("subtitle", self.subtitle.text()))
        self.language.editingFinished.connect(
            lambda: course("language_code", self.language.text().strip())
        )
        self.price.editingFinished.connect(
            lambda: course("price_cents", round(self.price.value() * 100))
        )
        self.category.activated.connect(
            lambda _i: course("category_id", self.category.currentData())
        )
        self.level.activated.connect(lambda _i: course("level", self.level.currentData()))
        self.currency.activated.connect(lambda _i: course("currency", self.currency.currentText()))
        self.description.edited.connect(lambda text: course("description", text))
        self.tags.editingFinished.connect(self._tags_finished)

    def _tags_finished(self) -> None:
        if not self._loading and self.draft is not None:
            self.tags_edited.emit(self.draft.id, self.tags.text())

    def _thumbnail_row(self) -> QHBoxLayout:
        self.thumbnail = QLabel()
        self.thumbnail.setObjectName("thumbnail")
        self.thumbnail.setFixedSize(THUMBNAIL_SIZE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setWordWrap(True)
        self.thumbnail_button = QPushButton("Choose image…")
        self.thumbnail_button.setToolTip(
            "A PNG or JPEG, 16:9 (1280×720 is plenty); uploaded when online"
        )
        self.thumbnail_button.clicked.connect(self.thumbnail_requested)
        self.remove_thumbnail = QPushButton("Remove")
        self.remove_thumbnail.clicked.connect(self.remove_thumbnail_requested)
        self.thumbnail_note = QLabel()
        self.thumbnail_note.setObjectName("pageSubtitle")
        buttons = QVBoxLayout()
        buttons.addWidget(self.thumbnail_button)
        buttons.addWidget(self.remove_thumbnail)
        buttons.addWidget(self.thumbnail_note)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.thumbnail)
        row.addLayout(buttons)
        row.addStretch(1)
        return row

    # ------------------------------------------------------------------ showing
    def show_draft(self, draft: Draft) -> None:
        self.draft = draft
        self._loading = True
        try:
            # A field being edited keeps what is typed in it (ui.editing).
            fields = draft.fields
            show_text(self.course_title, fields["title"])
            show_text(self.subtitle, fields["subtitle"])
            show_text(self.tags, ", ".join(draft.tags))
            self._show_categories(draft, fields["category_id"])
            show_choice(self.level, fields["level"])
            show_text(self.language, fields["language_code"])
            show_number(self.price, fields["price_cents"] / 100)
            show_choice(self.currency, fields["currency"])
            if self.description.text() != fields["description"]:
                self.description.load(fields["description"])
            self._show_thumbnail(draft)
        finally:
            self._loading = False

    def _show_categories(self, draft: Draft, current: Any) -> None:
        if is_editing(self.category):
            return
        wanted = [(None, "No category"), *draft.categories]
        shown = [
            (self.category.itemData(i), self.category.itemText(i))
            for i in range(self.category.count())
        ]
        if shown != wanted:
            self.category.clear()
            for category_id, name in wanted:
                self.category.addItem(name, category_id)
        show_choice(self.category, current)

    def _show_thumbnail(self, draft: Draft) -> None:
        picture = QPixmap(str(draft.thumbnail)) if draft.thumbnail is not None else QPixmap()
        if picture.isNull():
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText(
                "No image" if draft.thumbnail_note.startswith("No") else "Image on the server"
            )
        else:
            self.thumbnail.setPixmap(
                picture.scaled(
                    THUMBNAIL_SIZE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.thumbnail_note.setText(draft.thumbnail_note)
        self.thumbnail_button.setEnabled(draft.editable)
        has_one = draft.thumbnail is not None or not draft.thumbnail_note.startswith("No")
        self.remove_thumbnail.setEnabled(draft.editable and has_one)

    def flush(self) -> None:
        """Save what is being typed now (before the selection or the course changes)."""
        self.description.flush()
