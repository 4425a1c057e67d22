"""The public catalog (DESIGN.md section 11.5): what anyone, signed in or not, reads of the
approved courses over REST, and the `lmsdesk://` links that open a course in the app.

Search is PostgreSQL full-text (English stemming, ranked: title over subtitle over
description). A lesson's body is public only for preview lessons.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

from pydantic import Field

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import CourseLevel, LessonType

#: The scheme the installer registers for the app.
SCHEME = "lmsdesk"
MAX_PAGE = 100


class CatalogSort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    RATING = "rating"
    PRICE = "price"


class PriceFilter(StrEnum):
    FREE = "free"
    PAID = "paid"


class PublicCourse(WireModel):
    id: uuid.UUID
    slug: str
    title: str
    subtitle: str
    instructor_name: str
    category: str | None
    level: CourseLevel
    language: str
    price_cents: int
    currency: str
    #: During a sale: what it sells at now, and until when (price_cents is the regular price).
    sale_price_cents: int | None = None
    sale_ends_at: datetime | None = None
    rating_average: float | None
    rating_count: int
    lesson_count: int
    published_at: datetime | None
    #: The public page (HTML) and the link that opens the course in the app.
    page_url: str
    app_url: str


class PublicCoursePage(WireModel):
    total: int
    offset: int
    limit: int
    courses: list[PublicCourse]


class PublicLesson(WireModel):
    id: uuid.UUID
    title: str
    lesson_type: LessonType
    duration_seconds: int | None
    is_preview: bool
    #: The body: preview lessons only (empty for the others).
    content: str = ""


class PublicSection(WireModel):
    title: str
    lessons: list[PublicLesson]


class PublicReview(WireModel):
    rating: int = Field(ge=1, le=5)
    title: str
    body: str
    reviewer_name: str
    created_at: datetime


class PublicInstructor(WireModel):
    name: str
    headline: str
    bio: str


class PublicCourseDetail(WireModel):
    course: PublicCourse
    description: str
    instructor: PublicInstructor
    sections: list[PublicSection]
    reviews: list[PublicReview]


def course_link(course_id: uuid.UUID, *, buy: bool = False) -> str:
    """`lmsdesk://course/<id>` (with `?action=buy` to start buying it)."""
    return f"{SCHEME}://course/{course_id}" + ("?action=buy" if buy else "")


@dataclass(frozen=True)
class CourseLink:
    course_id: uuid.UUID
    buy: bool = False


def parse_link(text: str) -> CourseLink | None:
    """The course an `lmsdesk://course/<id>` link names, or None for anything else (a link
    from a web page is untrusted input: only this one shape is understood)."""
    if len(text) > 300:
        return None
    parts = urlsplit(text.strip())
    if parts.scheme.lower() != SCHEME or parts.netloc.lower() != "course":
        return None
    try:
        course_id = uuid.UUID(parts.path.strip("/"))
    except ValueError:
        return None
    action = parse_qs(parts.query).get("action", [""])[0]
    return CourseLink(course_id, buy=action == "buy")
