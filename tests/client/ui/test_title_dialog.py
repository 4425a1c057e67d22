"""The title prompt (New course, Rename): the 200-character limit holds while typing, with the
count in view, so a long title is never thrown away after OK; OK needs a title."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from lmsdesk.contracts.authoring import MAX_TITLE_LENGTH
from lmsdesk.ui.title_dialog import TitleDialog
from tests.support.ui import save_png


def test_typing_stops_at_the_limit_and_says_so(qtbot: QtBot, shots: Path) -> None:
    dialog = TitleDialog(None, title="New course", label="Course title:")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled(), "nothing to save yet"
    qtbot.keyClicks(dialog.field, "   ")
    assert not dialog.ok_button.isEnabled(), "spaces are not a title"

    dialog.field.clear()
    qtbot.keyClicks(dialog.field, "A" * (MAX_TITLE_LENGTH + 50))
    assert dialog.value() == "A" * MAX_TITLE_LENGTH
    assert dialog.count.text().startswith(f"{MAX_TITLE_LENGTH} of {MAX_TITLE_LENGTH}")
    assert "nothing more fits" in dialog.count.text()
    assert dialog.ok_button.isEnabled()
    save_png(dialog, shots / "new-course-at-the-limit.png")


def test_a_rename_starts_from_the_current_title(qtbot: QtBot) -> None:
    dialog = TitleDialog(None, title="Rename", label="Lesson title:", text="Why offline")
    qtbot.addWidget(dialog)
    assert dialog.field.selectedText() == "Why offline"  # typing replaces it
    assert dialog.count.text() == f"11 of {MAX_TITLE_LENGTH} characters"
