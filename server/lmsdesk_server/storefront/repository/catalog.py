"""All SQL of the public catalog: approved courses only, searched with the courses' full-text
index (`ix_courses_search`, GIN over `search_vector`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, select

from lmsdesk.contracts.enums import CourseLevel, CourseStatus
from lmsdesk.contracts.storefront import CatalogSort, PriceFilter
from lmsdesk_server.db.models import (
    Category,
    Course,
    CourseRating,
    CourseSection,
    Lesson,
    User,
)
from lmsdesk_server.db.repository import Repository


@dataclass(frozen=True)
class CatalogQuery:
    q: str | None = None
    category: str | None = None
    level: CourseLevel | None = None
    language: str | None = None
    price: PriceFilter | None = None
    sort: CatalogSort | None = None
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class CatalogRow:
    course: Course
    instructor_name: str
    category: str | None
    rating_average: float | None
    rating_count: int
    lesson_count: int


def _public() -> Any:
    return and_(
        Course.status == CourseStatus.APPROVED,
        Course.deleted_at.is_(None),
        Course.revision_of.is_(None),
    )


class StorefrontRepository(Repository):
    def _rows(self) -> tuple[Select[Any], Any]:
        """Public courses with their instructor, category, ratings and lesson count (and
        the ratings subquery, to sort by)."""
        ratings = (
            select(
                CourseRating.course_id.label("course_id"),
                func.avg(CourseRating.rating).label("average"),
                func.count().label("count"),
            )
            .where(CourseRating.hidden_at.is_(None))
            .group_by(CourseRating.course_id)
            .subquery()
        )
        lessons = (
            select(Lesson.course_id.label("course_id"), func.count().label("count"))
            .group_by(Lesson.course_id)
            .subquery()
        )
        stmt = (
            select(
                Course,
                User.full_name,
                Category.name,
                ratings.c.average,
                func.coalesce(ratings.c.count, 0),
                func.coalesce(lessons.c.count, 0),
            )
            .join(User, User.id == Course.instructor_id)
            .outerjoin(Category, Category.id == Course.category_id)
            .outerjoin(ratings, ratings.c.course_id == Course.id)
            .outerjoin(lessons, lessons.c.course_id == Course.id)
            .where(_public())
        )
        return stmt, ratings

    def search(self, query: CatalogQuery) -> tuple[int, list[CatalogRow]]:
        stmt, ratings = self._rows()
        rank = None
        if query.q:
            terms = func.websearch_to_tsquery("english", query.q)
            stmt = stmt.where(Course.search_vector.op("@@")(terms))
            rank = func.ts_rank_cd(Course.search_vector, terms)
        if query.category:
            stmt = stmt.where(Category.slug == query.category)
        if query.level is not None:
            stmt = stmt.where(Course.level == query.level)
        if query.language:
            stmt = stmt.where(Course.language_code == query.language)
        if query.price is PriceFilter.FREE:
            stmt = stmt.where(Course.price_cents == 0)
        elif query.price is PriceFilter.PAID:
            stmt = stmt.where(Course.price_cents > 0)
        sort = query.sort or (CatalogSort.RELEVANCE if rank is not None else CatalogSort.NEWEST)
        newest = Course.published_at.desc().nulls_last()
        if sort is CatalogSort.RELEVANCE and rank is not None:
            order: list[Any] = [rank.desc(), newest]
        elif sort is CatalogSort.RATING:
            order = [ratings.c.average.desc().nulls_last(), ratings.c.count.desc().nulls_last()]
        elif sort is CatalogSort.PRICE:
            # What it sells at now (contracts.pricing.effective_price), as the app sorts.
            on_sale = and_(Course.sale_price_cents.is_not(None), Course.sale_ends_at > func.now())
            order = [case((on_sale, Course.sale_price_cents), else_=Course.price_cents).asc()]
        else:
            order = [newest]
        stmt = stmt.add_columns(func.count().over()).order_by(*order, Course.title, Course.id)
        rows = self.session.execute(stmt.offset(query.offset).limit(query.limit)).all()
        if not rows:  # a page past the end has no row to carry the total
            return (self.count(query) if query.offset else 0), []
        return int(rows[0][-1]), [self._row(row) for row in rows]

    def count(self, query: CatalogQuery) -> int:
        """The total alone (a page past the end has no row to carry it)."""
        everything = CatalogQuery(**{**query.__dict__, "offset": 0, "limit": 1})
        total, _ = self.search(everything)
        return total

    @staticmethod
    def _row(row: Any) -> CatalogRow:
        course, name, category, average, count, lessons = row[:6]
        return CatalogRow(
            course=course,
            instructor_name=name,
            category=category,
            rating_average=round(float(average), 2) if average is not None else None,
            rating_count=int(count),
            lesson_count=int(lessons),
        )

    def public_course(self, course_id: uuid.UUID) -> CatalogRow | None:
        stmt, _ = self._rows()
        row = self.session.execute(stmt.where(Course.id == course_id)).one_or_none()
        return self._row(row) if row is not None else None

    def instructor(self, user_id: uuid.UUID) -> User | None:
        return self.session.get(User, user_id)

    def outline(self, course_id: uuid.UUID) -> list[tuple[CourseSection, Lesson]]:
        stmt = (
            select(CourseSection, Lesson)
            .join(Lesson, Lesson.section_id == CourseSection.id)
            .where(CourseSection.course_id == course_id)
            .order_by(CourseSection.position, Lesson.position)
        )
        return [(section, lesson) for section, lesson in self.session.execute(stmt)]

    def reviews(self, course_id: uuid.UUID, limit: int) -> Sequence[tuple[CourseRating, str]]:
        stmt = (
            select(CourseRating, User.full_name)
            .join(User, User.id == CourseRating.student_id)
            .where(CourseRating.course_id == course_id, CourseRating.hidden_at.is_(None))
            .order_by(CourseRating.created_at.desc())
            .limit(limit)
        )
        return [(rating, name) for rating, name in self.session.execute(stmt)]
