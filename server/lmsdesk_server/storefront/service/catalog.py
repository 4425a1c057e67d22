"""The public catalog's answers, from the repository's rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from lmsdesk.contracts.enums import LessonType
from lmsdesk.contracts.pricing import effective_price
from lmsdesk.contracts.storefront import (
    PublicCourse,
    PublicCourseDetail,
    PublicCoursePage,
    PublicInstructor,
    PublicLesson,
    PublicReview,
    PublicSection,
    course_link,
)
from lmsdesk_server.errors import ApiError
from lmsdesk_server.storefront.repository.catalog import (
    CatalogQuery,
    CatalogRow,
    StorefrontRepository,
)

_REVIEWS = 10


def public_course(row: CatalogRow, public_url: str) -> PublicCourse:
    course = row.course
    on_sale = (
        effective_price(
            course.price_cents, course.sale_price_cents, course.sale_ends_at, datetime.now(UTC)
        )
        != course.price_cents
    )
    return PublicCourse(
        id=course.id,
        slug=course.slug,
        title=course.title,
        subtitle=course.subtitle,
        instructor_name=row.instructor_name,
        category=row.category,
        level=course.level,
        language=course.language_code,
        price_cents=course.price_cents,
        currency=course.currency,
        sale_price_cents=course.sale_price_cents if on_sale else None,
        sale_ends_at=course.sale_ends_at if on_sale else None,
        rating_average=row.rating_average,
        rating_count=row.rating_count,
        lesson_count=row.lesson_count,
        published_at=course.published_at,
        page_url=f"{public_url.rstrip('/')}/courses/{course.id}",
        app_url=course_link(course.id),
    )


def search(repo: StorefrontRepository, query: CatalogQuery, public_url: str) -> PublicCoursePage:
    total, rows = repo.search(query)
    return PublicCoursePage(
        total=total,
        offset=query.offset,
        limit=query.limit,
        courses=[public_course(row, public_url) for row in rows],
    )


def detail(repo: StorefrontRepository, course_id: uuid.UUID, public_url: str) -> PublicCourseDetail:
    row = repo.public_course(course_id)
    if row is None:
        raise ApiError(404, "course_not_found", "No course in the catalog has that id.")
    grouped: list[tuple[str, list[PublicLesson]]] = []
    current: uuid.UUID | None = None
    for section, lesson in repo.outline(course_id):
        if section.id != current:
            grouped.append((section.title, []))
            current = section.id
        # A preview's text is public; other bodies (and any quiz or assignment) are not.
        text = lesson.is_preview and lesson.lesson_type is LessonType.TEXT
        grouped[-1][1].append(
            PublicLesson(
                id=lesson.id,
                title=lesson.title,
                lesson_type=lesson.lesson_type,
                duration_seconds=lesson.duration_seconds,
                is_preview=lesson.is_preview,
                content=lesson.content if text else "",
            )
        )
    sections = [PublicSection(title=title, lessons=lessons) for title, lessons in grouped]
    teacher = repo.instructor(row.course.instructor_id)
    return PublicCourseDetail(
        course=public_course(row, public_url),
        description=row.course.description,
        instructor=PublicInstructor(
            name=row.instructor_name,
            headline=teacher.headline if teacher else "",
            bio=teacher.bio if teacher else "",
        ),
        sections=sections,
        reviews=[
            PublicReview(
                rating=rating.rating,
                title=rating.title,
                body=rating.body,
                reviewer_name=name,
                created_at=rating.created_at,
            )
            for rating, name in repo.reviews(course_id, _REVIEWS)
        ],
    )
