"""The quiz editor: settings, the questions in order, and the selected question (prompt,
options, correct answer by type, points, explanation). Every change leaves as one field edit;
text is saved when focus leaves it, so a redraw never fights the typing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.enums import QuestionType
from lmsdesk.services.lesson_content import QuestionDraft, QuizDraft
from lmsdesk.ui.editing import show_checked, show_number, show_text
from lmsdesk.ui.markdown_editor import FocusTextEdit

TYPE_WORDS = {
    QuestionType.SINGLE_CHOICE: "Single choice",
    QuestionType.MULTIPLE_CHOICE: "Multiple choice",
    QuestionType.TRUE_FALSE: "True or false",
    QuestionType.SHORT_ANSWER: "Short answer",
    QuestionType.ESSAY: "Essay (graded by you)",
}
ID_ROLE = Qt.ItemDataRole.UserRole


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuizEditor(QWidget):
    #: (entity "quiz" | "question", id, field, value)
    field_edited = Signal(str, object, str, object)
    add_question_requested = Signal(object)
    delete_question_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.quiz: QuizDraft | None = None
        self.question: QuestionDraft | None = None
        self._loading = False
        self.passing = QSpinBox()
        self.passing.setRange(0, 100)
        self.passing.setSuffix(" %")
        self.time_limit = QSpinBox()
        self.time_limit.setRange(0, 24 * 60)
        self.time_limit.setSuffix(" min")
        self.time_limit.setSpecialValueText("No limit")
        self.attempts = QSpinBox()
        self.attempts.setRange(0, 100)
        self.attempts.setSpecialValueText("Unlimited")
        self.shuffle = QCheckBox("Shuffle questions")
        self.show_answers = QCheckBox("Show correct answers after an attempt")
        self.shuffle_options = QCheckBox("Shuffle options")
        self.shuffle_options.setToolTip(
            "Each attempt shows the options of a question in its own order"
        )
        self.practice = QCheckBox("Practice quiz")
        self.practice.setToolTip("Not counted for the course's completion or its certificate")
        # One setting to a row: the settings fit beside the curriculum in the smallest window.
        settings = QFormLayout()
        settings.addRow("Pass at", self.passing)
        settings.addRow("Time limit", self.time_limit)
        settings.addRow("Attempts", self.attempts)
        for box in (self.passing, self.time_limit, self.attempts):
            box.setMinimumWidth(110)
            box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        settings.addRow(self.shuffle)
        settings.addRow(self.shuffle_options)
        settings.addRow(self.show_answers)
        settings.addRow(self.practice)

        self.questions = QListWidget()
        self.questions.setAccessibleName("Questions")
        self.questions.setFixedHeight(130)
        self.questions.setWordWrap(True)
        self.questions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.questions.currentItemChanged.connect(lambda *_: self._show_selected())
        self.add_button = QToolButton()
        self.add_button.setText("+ Question")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        for kind, words in TYPE_WORDS.items():
            menu.addAction(words).triggered.connect(self._adder(kind))
        self.add_button.setMenu(menu)
        self.delete_button = QPushButton("Delete question")
        self.delete_button.clicked.connect(self._delete_current)
        left = QVBoxLayout()
        left.addWidget(self.questions, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left.addLayout(buttons)

        self.kind = QLabel()
        self.kind.setObjectName("pageSubtitle")
        self.prompt = FocusTextEdit()
        self.prompt.setPlaceholderText("The question, as the student reads it")
        self.prompt.setMaximumHeight(70)
        self.options = FocusTextEdit()
        self.options.setPlaceholderText("One option per line")
        self.options.setMaximumHeight(90)
        self.answers = QWidget()  # one of the four answer inputs shows, by question type
        self.single = QComboBox()
        self.multiple = QListWidget()
        self.multiple.setMaximumHeight(90)
        self.true_false = QComboBox()
        self.true_false.addItem("True", True)
        self.true_false.addItem("False", False)
        self.accepted = FocusTextEdit()
        self.accepted.setPlaceholderText(
            "Accepted answers, one per line (case and spaces do not matter)"
        )
        self.accepted.setMaximumHeight(70)
        answer_inputs = QVBoxLayout(self.answers)
        answer_inputs.setContentsMargins(0, 0, 0, 0)
        for page in (self.single, self.multiple, self.true_false, self.accepted):
            answer_inputs.addWidget(page)
        self.points = QSpinBox()
        self.points.setRange(0, 1000)
        self.explanation = QLineEdit()
        self.explanation.setPlaceholderText("Shown after an attempt: why the answer is right")
        self.problems = QLabel()
        self.problems.setObjectName("warningText")
        self.problems.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("Type", self.kind)
        self.form.addRow("Question", self.prompt)
        self.form.addRow("Options", self.options)
        self.form.addRow("Correct", self.answers)
        self.form.addRow("Points", self.points)
        self.form.addRow("Explanation", self.explanation)
        self.form.addRow(self.problems)
        self.detail = QWidget()
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addLayout(self.form)
        detail_layout.addStretch(1)  # rows keep their height; the space goes below

        # The questions above the selected one (not beside it): the editor fits beside the
        # curriculum in the smallest window, and the lesson panel scrolls.
        body = QVBoxLayout()
        body.addLayout(left)
        body.addWidget(self.detail, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(settings)
        layout.addLayout(body, 1)
        self._connect()

    def _delete_current(self) -> None:
        if self.question is not None:
            self.delete_question_requested.emit(self.question.id)

    def _adder(self, kind: QuestionType) -> Callable[[], None]:
        return lambda: self.add_question_requested.emit(kind)

    def _connect(self) -> None:
        def quiz(field: str, value: Any) -> None:
            if not self._loading and self.quiz is not None:
                self.field_edited.emit("quiz", self.quiz.quiz_id, field, value)

        def question(field: str, value: Any) -> None:
            if not self._loading and self.question is not None:
                self.field_edited.emit("question", self.question.id, field, value)

        self.passing.editingFinished.connect(lambda: quiz("passing_percent", self.passing.value()))
        self.time_limit.editingFinished.connect(
            lambda: quiz("time_limit_seconds", self.time_limit.value() * 60 or None)
        )
        self.attempts.editingFinished.connect(
            lambda: quiz("max_attempts", self.attempts.value() or None)
        )
        self.shuffle.toggled.connect(lambda on: quiz("shuffle_questions", on))
        self.show_answers.toggled.connect(lambda on: quiz("show_correct_answers", on))
        self.shuffle_options.toggled.connect(lambda on: quiz("shuffle_options", on))
        self.practice.toggled.connect(lambda on: quiz("practice", on))
        self.prompt.focus_lost.connect(lambda: question("prompt", self.prompt.toPlainText()))
        self.options.focus_lost.connect(
            lambda: question("options", _lines(self.options.toPlainText()))
        )
        self.single.activated.connect(lambda i: question("correct_answer", i))
        self.multiple.itemChanged.connect(
            lambda _item: question(
                "correct_answer",
                [
                    i
                    for i in range(self.multiple.count())
                    if self.multiple.item(i).checkState() is Qt.CheckState.Checked
                ],
            )
        )
        self.true_false.activated.connect(
            lambda _i: question("correct_answer", self.true_false.currentData())
        )
        self.accepted.focus_lost.connect(
            lambda: question("correct_answer", _lines(self.accepted.toPlainText()))
        )
        self.points.editingFinished.connect(lambda: question("points", self.points.value()))
        self.explanation.editingFinished.connect(
            lambda: question("explanation", self.explanation.text())
        )

    # ------------------------------------------------------------------ showing
    def show_quiz(self, quiz: QuizDraft, select: uuid.UUID | None = None) -> None:
        keep = select or (self.question.id if self.question else None)
        self._loading = True
        try:
            self.quiz = quiz
            settings = quiz.settings
            for box, value in (
                (self.passing, settings["passing_percent"]),
                (self.time_limit, (settings["time_limit_seconds"] or 0) // 60),
                (self.attempts, settings["max_attempts"] or 0),
            ):
                show_number(box, value)  # being typed in: its own edit is on the way
            show_checked(self.shuffle, settings["shuffle_questions"])
            show_checked(self.show_answers, settings["show_correct_answers"])
            show_checked(self.shuffle_options, settings["shuffle_options"])
            show_checked(self.practice, settings["practice"])
            self.questions.clear()
            for number, q in enumerate(quiz.questions, start=1):
                flag = "⚠ " if q.problems else ""
                item = QListWidgetItem(f"{flag}{number}. {q.prompt.strip() or '(no text yet)'}")
                item.setData(ID_ROLE, q.id)
                item.setToolTip(TYPE_WORDS[q.question_type])
                self.questions.addItem(item)
                if q.id == keep:
                    self.questions.setCurrentItem(item)
            if self.questions.currentItem() is None and self.questions.count():
                self.questions.setCurrentRow(0)
        finally:
            self._loading = False
        self._show_selected()

    def flush(self) -> None:
        """Save what is typed in the open question's text boxes now (before another question
        or lesson is shown in them); unchanged values are not recorded again."""
        q = self.question
        if q is None or self._loading:
            return
        edits: list[tuple[str, Any]] = [("prompt", self.prompt.toPlainText())]
        if q.question_type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            edits.append(("options", _lines(self.options.toPlainText())))
        if q.question_type is QuestionType.SHORT_ANSWER:
            edits.append(("correct_answer", _lines(self.accepted.toPlainText())))
        for field, value in edits:
            self.field_edited.emit("question", q.id, field, value)

    def _show_selected(self) -> None:
        if self._loading:  # the list is being rebuilt; show_quiz shows the question after
            return
        item = self.questions.currentItem()
        found = [
            q
            for q in (self.quiz.questions if self.quiz else ())
            if item is not None and q.id == item.data(ID_ROLE)
        ]
        shown = self.question.id if self.question is not None else None
        chosen = found[0] if found else None
        if chosen is None or chosen.id != shown:
            self.flush()  # the boxes are about to show another question
        self.question = chosen
        other = chosen is not None and chosen.id != shown
        self.detail.setVisible(self.question is not None)
        self.delete_button.setEnabled(self.question is not None)
        if self.question is None:
            return
        q = self.question
        self._loading = True
        try:
            self.kind.setText(TYPE_WORDS[q.question_type])
            # Another question: its own text replaces whatever is in the boxes. The same
            # question redrawn: a box being typed in keeps what is typed.
            _set_text = _replace_text if other else _show_text
            _set_text(self.prompt, q.prompt)
            choice = q.question_type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
            self.form.setRowVisible(self.options, choice)
            _set_text(self.options, "\n".join(q.options))
            page = {
                QuestionType.SINGLE_CHOICE: self.single,
                QuestionType.MULTIPLE_CHOICE: self.multiple,
                QuestionType.TRUE_FALSE: self.true_false,
                QuestionType.SHORT_ANSWER: self.accepted,
                QuestionType.ESSAY: None,  # graded by hand: nothing to mark
            }[q.question_type]
            self.form.setRowVisible(self.answers, page is not None)
            for widget in (self.single, self.multiple, self.true_false, self.accepted):
                widget.setVisible(widget is page)
            self.single.clear()
            self.single.addItems([o or "(empty option)" for o in q.options])
            if isinstance(q.correct_answer, int) and not isinstance(q.correct_answer, bool):
                self.single.setCurrentIndex(q.correct_answer)
            self.multiple.clear()
            marked = q.correct_answer if isinstance(q.correct_answer, list) else []
            for index, option in enumerate(q.options):
                item = QListWidgetItem(option or "(empty option)")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if index in marked else Qt.CheckState.Unchecked
                )
                self.multiple.addItem(item)
            self.true_false.setCurrentIndex(0 if q.correct_answer is not False else 1)
            if q.question_type is QuestionType.SHORT_ANSWER:
                _set_text(self.accepted, "\n".join(str(a) for a in marked))
            if other:
                self.points.setValue(q.points)
                self.explanation.setText(q.explanation)
                self.explanation.setCursorPosition(0)
            else:
                show_number(self.points, q.points)
                show_text(self.explanation, q.explanation)
            self.problems.setText("\n".join(q.problems))
            self.problems.setVisible(bool(q.problems))
        finally:
            self._loading = False


def _show_text(editor: FocusTextEdit, text: str) -> None:
    """Show stored text, unless the instructor is typing in that box right now."""
    show_text(editor, text)


def _replace_text(editor: FocusTextEdit, text: str) -> None:
    if editor.toPlainText() != text:
        editor.setPlainText(text)
