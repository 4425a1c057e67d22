"""A catalog of thousands of courses: the list shows its first rows (and the selected course)
at once and adds the rest over the next turns of the event loop, so the window never stalls
drawing it; a newer list replaces one still being added, and selecting a course not added yet
adds the rows up to it."""

from __future__ import annotations

import uuid

from pytestqt.qtbot import QtBot

from lmsdesk.services.catalog import CourseSummary
from lmsdesk.ui.catalog_page import FIRST_ROWS, CatalogPage


def _courses(count: int, prefix: str = "Course") -> list[CourseSummary]:
    return [
        CourseSummary(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"{prefix}{n}"),
            title=f"{prefix} {n:05d}",
            subtitle="",
            instructor="Ada",
            price_cents=1999,
            currency="USD",
            enrolled=False,
        )
        for n in range(count)
    ]


def _titles(page: CatalogPage) -> list[str]:
    return [page.items.item(i).text().split("\n")[0] for i in range(page.items.count())]


def test_thousands_of_courses_arrive_over_a_few_turns_in_order(qtbot: QtBot) -> None:
    page = CatalogPage()
    qtbot.addWidget(page)
    page.show()
    many = _courses(2500)
    page.show_courses(many)
    assert page.items.count() == FIRST_ROWS  # the rest on the next turns
    assert len(page.courses) == 2500  # what the page lists is known at once
    assert page.detail.course == many[0]
    qtbot.waitUntil(lambda: page.items.count() == 2500, timeout=5000)
    assert _titles(page) == [c.title for c in many]


def test_a_newer_list_replaces_one_still_being_added(qtbot: QtBot) -> None:
    page = CatalogPage()
    qtbot.addWidget(page)
    page.show_courses(_courses(2500))
    newer = _courses(1300, prefix="Newer")
    page.show_courses(newer)
    qtbot.waitUntil(lambda: page.items.count() == 1300, timeout=5000)
    qtbot.wait(50)  # the older fill's next turn finds it was replaced
    assert _titles(page) == [c.title for c in newer]


def test_a_course_far_down_the_list_can_be_selected_at_once(qtbot: QtBot) -> None:
    page = CatalogPage()
    qtbot.addWidget(page)
    many = _courses(2500)
    page.show_courses(many)
    page.select(many[1800].id)
    assert page.items.currentRow() == 1800
    assert page.detail.course == many[1800]
    # The selection stays on it as the list is redrawn (a sync), though it is past the first rows.
    page.show_courses(many)
    assert page.items.currentRow() == 1800
    qtbot.waitUntil(lambda: page.items.count() == 2500, timeout=5000)
    assert _titles(page) == [c.title for c in many]
