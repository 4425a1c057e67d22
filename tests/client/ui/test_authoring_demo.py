"""The demo instructor's own courses in the Authoring tab: the seeded draft opens in the editor
with its curriculum and quiz, and the course waiting for review is locked."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.support.network import CuttableLink
from tests.support.ui import AppFactory, save_png, sign_in

DEMO_PASSWORD = "lmsdesk-demo"


def test_the_demo_instructor_sees_their_draft_and_their_course_in_review(
    qtbot: QtBot,
    start_app: AppFactory,
    link: CuttableLink,
    shots: Path,
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "instructor@example.com", password=DEMO_PASSWORD)
    app.window.go_to_page("Authoring")
    page = app.window.authoring_page
    qtbot.waitUntil(lambda: page.courses.count() >= 2, timeout=10_000)
    lines = [page.courses.item(i).text() for i in range(page.courses.count())]
    by_title = {line.split("\n")[0]: line.split("\n")[1] for line in lines}
    assert by_title["Qt for Python, Step by Step"].startswith("In review")
    draft = next(t for t, status in by_title.items() if status.startswith("Draft"))
    save_png(app.window, shots / "authoring-demo-list.png")

    row = next(
        i for i in range(page.courses.count()) if page.courses.item(i).text().startswith(draft)
    )
    page.courses.itemClicked.emit(page.courses.item(row))
    editor = page.editor
    qtbot.waitUntil(
        lambda: editor.isVisible() and editor.tree.topLevelItemCount() > 0, timeout=5000
    )
    assert editor.submit_button.isEnabled()
    assert editor.checklist.text() == "✓ Ready for review"
    quiz_section = editor.tree.topLevelItem(editor.tree.topLevelItemCount() - 1)
    editor.tree.setCurrentItem(quiz_section.child(0))  # the seeded quiz (not made here)
    qtbot.waitUntil(lambda: editor.quiz_editor.questions.count() > 0, timeout=5000)
    assert not any(
        editor.quiz_editor.questions.item(i).text().startswith("⚠")
        for i in range(editor.quiz_editor.questions.count())
    )
    save_png(app.window, shots / "authoring-demo-draft.png")

    page.back_button.click()
    in_review = "Qt for Python, Step by Step"
    row = next(
        i for i in range(page.courses.count()) if page.courses.item(i).text().startswith(in_review)
    )
    page.courses.itemClicked.emit(page.courses.item(row))
    qtbot.waitUntil(lambda: editor.title.text() == "Qt for Python, Step by Step", timeout=5000)
    assert not editor.submit_button.isEnabled()
    assert editor.submit_button.text() == "Waiting for review"
    assert not editor.add_section_button.isEnabled()
