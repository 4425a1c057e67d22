"""`lmsdesk://` links come from web pages: only `lmsdesk://course/<id>[?action=buy]` is
understood, anything else is refused."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from lmsdesk.contracts.storefront import CourseLink, course_link, parse_link

COURSE = uuid.UUID("6f1c1b5e-3a44-4b89-9b8e-1d2c3e4f5a6b")


def test_a_course_link_and_a_buy_link_round_trip() -> None:
    assert parse_link(course_link(COURSE)) == CourseLink(COURSE)
    assert parse_link(course_link(COURSE, buy=True)) == CourseLink(COURSE, buy=True)
    assert parse_link(f"  LMSDESK://Course/{COURSE}/  ") == CourseLink(COURSE)


@pytest.mark.parametrize(
    "text",
    [
        "",
        f"https://example.com/courses/{COURSE}",
        f"lmsdesk://lesson/{COURSE}",
        "lmsdesk://course/not-a-uuid",
        f"lmsdesk://course/{COURSE}/../../etc/passwd",
        "lmsdesk://course/" + "a" * 400,
        f"javascript:lmsdesk://course/{COURSE}",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    assert parse_link(text) is None


def test_the_installed_desktop_entry_claims_the_scheme() -> None:
    entry = (Path(__file__).parents[1] / "packaging" / "lmsdesk.desktop").read_text()
    assert "MimeType=x-scheme-handler/lmsdesk;" in entry
    assert "Exec=lmsdesk %u" in entry
