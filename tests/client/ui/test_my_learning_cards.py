"""My learning with many courses stays responsive: cards are built a few per turn of the event
loop, a few screens' worth until the list is scrolled, and a redraw after a sync keeps the cards
whose course did not change."""

from __future__ import annotations

import uuid

from pytestqt.qtbot import QtBot

from lmsdesk.services.learning import CourseProgress
from lmsdesk.ui.my_learning_page import CARDS_PER_TURN, FIRST_CARDS, MyLearningPage


def _course(n: int, done: int = 0) -> CourseProgress:
    return CourseProgress(
        course_id=uuid.UUID(int=n + 1),
        title=f"Course {n:03d}",
        instructor="Ada",
        percent_complete=done * 10,
        lessons_done=done,
        lessons_total=10,
        continue_lesson_id=uuid.UUID(int=1000 + n),
        continue_title="Lesson",
        continue_position=0.0,
        downloads=None,
        media_bytes=0,
    )


def test_a_hundred_courses_arrive_a_few_cards_at_a_time_as_the_list_scrolls(
    qtbot: QtBot,
) -> None:
    page = MyLearningPage()
    qtbot.addWidget(page)
    courses = [_course(n) for n in range(100)]
    page.resize(1100, 720)
    page.show()
    page.show_courses(courses, 0)
    assert len(page.cards) == CARDS_PER_TURN  # the rest come on the next turns...
    qtbot.waitUntil(lambda: len(page.cards) == FIRST_CARDS, timeout=5000)
    qtbot.wait(100)
    assert len(page.cards) == FIRST_CARDS  # ...a few screens' worth, until the list scrolls
    bar = page.scroller.verticalScrollBar()

    def scrolled_to_the_end() -> bool:
        bar.setValue(bar.maximum())
        return len(page.cards) == 100

    qtbot.waitUntil(scrolled_to_the_end, timeout=10_000)
    assert page.course_titles() == [c.title for c in courses]
    kept = dict(page.cards)

    # One progressed, one gone, one new at the top: the new and the changed card are built
    # into their places, the others stay where they are.
    changed = [_course(500)] + [_course(n, done=1 if n == 5 else 0) for n in range(99)]
    page.show_courses(changed, 0)
    qtbot.waitUntil(
        lambda: len(page.cards) == 100 and page.cards[changed[6].course_id].course == changed[6],
        timeout=5000,
    )
    assert page.cards[changed[1].course_id] is kept[changed[1].course_id]  # not rebuilt
    assert page.cards[changed[6].course_id] is not kept[changed[6].course_id]
    assert page.course_titles() == [c.title for c in changed]
