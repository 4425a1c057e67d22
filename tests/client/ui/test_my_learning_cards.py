"""My learning with many courses stays responsive: cards are built a few per turn of the event
loop, and a redraw after a sync keeps the cards whose course did not change."""

from __future__ import annotations

import uuid

from pytestqt.qtbot import QtBot

from lmsdesk.services.learning import CourseProgress
from lmsdesk.ui.my_learning_page import CARDS_PER_TURN, MyLearningPage


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


def test_a_hundred_courses_arrive_a_few_cards_at_a_time_and_unchanged_cards_are_kept(
    qtbot: QtBot,
) -> None:
    page = MyLearningPage()
    qtbot.addWidget(page)
    courses = [_course(n) for n in range(100)]
    page.show_courses(courses, 0)
    assert len(page.cards) == CARDS_PER_TURN  # the rest come on the next turns
    qtbot.waitUntil(lambda: len(page.cards) == 100, timeout=5000)
    assert page.course_titles() == [c.title for c in courses]
    kept = dict(page.cards)

    changed = [_course(n, done=1 if n == 5 else 0) for n in range(99)]  # one progressed, one gone
    page.show_courses(changed, 0)
    qtbot.waitUntil(
        lambda: len(page.cards) == 99 and page.cards[changed[5].course_id].course == changed[5],
        timeout=5000,
    )
    assert page.cards[changed[0].course_id] is kept[changed[0].course_id]  # not rebuilt
    assert page.cards[changed[5].course_id] is not kept[changed[5].course_id]
    assert page.course_titles() == [c.title for c in changed]
