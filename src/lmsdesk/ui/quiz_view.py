"""The quiz lesson's widgets: the intro with past attempts, the questions, the result. Layout
and display only; the quiz controller adds behaviour."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.enums import QuestionType
from lmsdesk.services.quizzes import Question, QuizResult, QuizState
from lmsdesk.ui.pages import clear_layout
from lmsdesk.ui.video_view import clock


class QuestionBox(QGroupBox):
    """One question and its answer widgets; `answer()` reads them in the grading format."""

    def __init__(
        self, number: int, question: Question, answer: Any, changed: Callable[[], None]
    ) -> None:
        super().__init__(f"Question {number}")
        self.question = question
        layout = QVBoxLayout(self)
        prompt = QLabel(question.prompt)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.choices: list[QRadioButton | QCheckBox] = []
        #: The option id (its authored index) of each choice, in the order shown.
        self.option_ids: list[int] = []
        self.text: QLineEdit | None = None
        self.essay: QPlainTextEdit | None = None
        kind = question.question_type
        if kind is QuestionType.ESSAY:
            self.essay = QPlainTextEdit(answer if isinstance(answer, str) else "")
            self.essay.setPlaceholderText("Your answer (your instructor grades it)")
            self.essay.setMinimumHeight(100)
            self.essay.textChanged.connect(changed)
            layout.addWidget(self.essay)
            return
        if kind is QuestionType.SHORT_ANSWER:
            self.text = QLineEdit(answer if isinstance(answer, str) else "")
            self.text.setPlaceholderText("Your answer")
            self.text.textEdited.connect(lambda _t: changed())
            layout.addWidget(self.text)
            return
        group = QButtonGroup(self)
        group.setExclusive(kind is not QuestionType.MULTIPLE_CHOICE)
        for index, option in question.shown_options:
            button: QRadioButton | QCheckBox = (
                QCheckBox(option) if kind is QuestionType.MULTIPLE_CHOICE else QRadioButton(option)
            )
            button.setChecked(_was_chosen(kind, answer, index))
            group.addButton(button, index)
            self.choices.append(button)
            self.option_ids.append(index)
            layout.addWidget(button)
        group.buttonToggled.connect(lambda *_: changed())

    def answer(self) -> Any:
        kind = self.question.question_type
        if self.essay is not None:
            return self.essay.toPlainText().strip() or None
        if self.text is not None:
            return self.text.text() or None
        chosen = sorted(
            i for i, b in zip(self.option_ids, self.choices, strict=True) if b.isChecked()
        )
        if kind is QuestionType.MULTIPLE_CHOICE:
            return chosen or None
        if not chosen:
            return None
        return chosen[0] == 0 if kind is QuestionType.TRUE_FALSE else chosen[0]


def _was_chosen(kind: QuestionType, answer: Any, index: int) -> bool:
    if kind is QuestionType.MULTIPLE_CHOICE:
        return isinstance(answer, list) and index in answer
    if kind is QuestionType.TRUE_FALSE:
        return isinstance(answer, bool) and answer is (index == 0)
    return answer == index and not isinstance(answer, bool)


def answer_text(question: Question, answer: Any) -> str:
    if answer is None:
        return "no answer"
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, int) and answer < len(question.options):
        return question.options[answer]
    if isinstance(answer, list):
        return ", ".join(answer_text(question, a) for a in answer) or "no answer"
    return str(answer)


class QuizView(QStackedWidget):
    def __init__(self) -> None:
        super().__init__()
        # Intro: rules, past attempts, Start.
        self.intro = QWidget()
        intro = QVBoxLayout(self.intro)
        self.rules = QLabel()
        self.rules.setWordWrap(True)
        self.history = QLabel()
        self.history.setObjectName("pageSubtitle")
        self.history.setWordWrap(True)
        self.start = QPushButton("Start the quiz")
        self.start.setObjectName("primary")
        self.refusal = QLabel()
        self.refusal.setObjectName("errorText")
        self.refusal.setWordWrap(True)
        for widget in (self.rules, self.history, self.refusal):
            intro.addWidget(widget)
        intro.addWidget(self.start, 0, Qt.AlignmentFlag.AlignLeft)
        intro.addStretch(1)
        # The attempt: a timer, the questions, Submit.
        self.attempt = QWidget()
        attempt = QVBoxLayout(self.attempt)
        attempt.setContentsMargins(0, 0, 0, 0)
        self.timer = QLabel()
        self.timer.setObjectName("pageSubtitle")
        self.saved = QLabel("Answers are saved on this computer as you go.")
        self.saved.setObjectName("pageSubtitle")
        self.saved.setWordWrap(True)  # beside the timer in the smallest window
        top = QHBoxLayout()
        top.addWidget(self.saved, 1)
        top.addWidget(self.timer)
        self.questions = QWidget()
        self.questions_layout = QVBoxLayout(self.questions)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.questions)
        self.submit = QPushButton("Submit answers")
        self.submit.setObjectName("primary")
        self.submit.setShortcut("Ctrl+Return")
        self.submit.setToolTip("Submit (Ctrl+Enter)")
        attempt.addLayout(top)
        attempt.addWidget(scroll, 1)
        attempt.addWidget(self.submit, 0, Qt.AlignmentFlag.AlignRight)
        # The result.
        self.result = QWidget()
        result = QVBoxLayout(self.result)
        result.setContentsMargins(0, 0, 0, 0)
        self.score = QLabel()
        self.score.setObjectName("courseTitle")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.review = QLabel()
        self.review.setWordWrap(True)
        self.review.setTextFormat(Qt.TextFormat.RichText)
        self.review.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        review_scroll = QScrollArea()
        review_scroll.setWidgetResizable(True)
        review_scroll.setFrameShape(QFrame.Shape.NoFrame)
        review_scroll.setWidget(self.review)
        self.done = QPushButton("Back to the quiz")
        for widget in (self.score, self.verdict):
            result.addWidget(widget)
        result.addWidget(review_scroll, 1)
        result.addWidget(self.done, 0, Qt.AlignmentFlag.AlignRight)
        for page in (self.intro, self.attempt, self.result):
            self.addWidget(page)
        self.boxes: list[QuestionBox] = []

    def show_intro(self, state: QuizState) -> None:
        limit = (
            f" · {clock(state.time_limit_seconds)} time limit" if state.time_limit_seconds else ""
        )
        tries = (
            f" · {state.attempts_left} of {state.max_attempts} attempts left"
            if state.max_attempts is not None
            else ""
        )
        practice = (
            " Practice quiz: not counted for completion or the certificate."
            if state.practice
            else ""
        )
        self.rules.setText(f"Pass with {state.passing_percent}%{limit}{tries}.{practice}")
        lines = [
            f"Attempt {a.attempt_number}: "
            + (
                "waiting for your instructor to grade the written answers"
                if a.pending_review
                else f"{a.percent:g}% — {'passed' if a.passed else 'not passed'}"
            )
            + ("" if a.graded_by_server else " (on this computer; the server confirms)")
            + (f"\n    Feedback: {a.feedback}" if a.feedback else "")
            for a in state.attempts
        ]
        lines += [f"An attempt made on this computer was not counted: {r}" for r in state.refused]
        self.history.setText("\n".join(lines) or "No attempts yet.")
        self.refusal.setText("")
        self.start.setText("Resume the quiz" if state.questions is not None else "Start the quiz")
        out_of_tries = state.attempts_left == 0 and state.questions is None
        self.start.setEnabled(not out_of_tries)
        if out_of_tries:
            self.refusal.setText("You have used every attempt at this quiz.")
        self.setCurrentWidget(self.intro)

    def show_attempt(self, state: QuizState, changed: Callable[[], None]) -> None:
        clear_layout(self.questions_layout)
        self.boxes = [
            QuestionBox(n, q, state.answers.get(q.id), changed)
            for n, q in enumerate(state.questions or (), start=1)
        ]
        for box in self.boxes:
            self.questions_layout.addWidget(box)
        self.questions_layout.addStretch(1)
        self.setCurrentWidget(self.attempt)

    def answers(self) -> dict[str, Any]:
        return {b.question.id: a for b in self.boxes if (a := b.answer()) is not None}

    def show_result(self, result: QuizResult) -> None:
        self.score.setText(f"{result.percent:g}%" + (" so far" if result.pending_review else ""))
        if result.pending_review:
            verdict = (
                "Your written answers wait for your instructor; the quiz is graded when they "
                "are (you are told after a sync)."
            )
        elif result.passed:
            verdict = f"Passed (needed {result.passing_percent}%). The lesson is complete."
        else:
            verdict = f"Not passed: {result.passing_percent}% is needed."
        self.verdict.setText(verdict)
        rows = []
        for n, item in enumerate(result.questions, start=1):
            mark = "✎" if item.by_hand else ("✓" if item.correct else "✗")
            given = escape(answer_text(item.question, item.answer))
            line = f"<p><b>{mark} {n}. {escape(item.question.prompt)}</b><br>Your answer: {given}"
            if item.correct_answer is not None and not item.correct and not item.by_hand:
                line += f"<br>Correct: {escape(answer_text(item.question, item.correct_answer))}"
            if item.explanation:
                line += f"<br><i>{escape(item.explanation)}</i>"
            rows.append(line + "</p>")
        self.review.setText("".join(rows))
        self.setCurrentWidget(self.result)
