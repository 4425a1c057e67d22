"""The catalog as stored on this computer: searchable and browsable offline from the last sync.

Search matches every word of the query in the title, subtitle or description; filters narrow
by category (and its subcategories), level, language and free/paid. Wishlist and ratings are
recorded as outbox mutations, so they work offline too. Blocking: call on the database lane.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.analytics import RecordViewsArgs, ViewedCourse
from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.enums import CourseLevel, CourseStatus, EnrollmentStatus, LessonType
from lmsdesk.contracts.pricing import effective_price
from lmsdesk.contracts.sync import SetRatingArgs, WishlistArgs
from lmsdesk.local_db.models.community import CommunityVote
from lmsdesk.local_db.models.mirror import (
    CartItem,
    Category,
    Course,
    CourseRating,
    CourseSection,
    Enrollment,
    Lesson,
    WishlistItem,
)
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import NotSignedIn, SessionService

_EPOCH = datetime.min.replace(tzinfo=UTC)


class Price(enum.StrEnum):
    ANY = "any"
    FREE = "free"
    PAID = "paid"


class Sort(enum.StrEnum):
    TITLE = "Title"
    NEWEST = "Newest"
    RATING = "Best rated"
    PRICE_LOW = "Price: low to high"
    PRICE_HIGH = "Price: high to low"


@dataclass(frozen=True)
class CatalogQuery:
    text: str = ""
    category_id: uuid.UUID | None = None
    level: CourseLevel | None = None
    language: str | None = None
    price: Price = Price.ANY
    sort: Sort = Sort.TITLE


@dataclass(frozen=True)
class CourseSummary:
    id: uuid.UUID
    title: str
    subtitle: str
    instructor: str
    price_cents: int
    currency: str
    enrolled: bool
    description: str = ""
    category: str = ""
    level: CourseLevel = CourseLevel.ALL_LEVELS
    language_code: str = "en"
    rating_average: float | None = None
    rating_count: int = 0
    wishlisted: bool = False
    published_at: datetime | None = None
    thumbnail_asset_id: uuid.UUID | None = None
    instructor_id: uuid.UUID | None = None
    instructor_avatar_id: uuid.UUID | None = None
    sale_price_cents: int | None = None
    sale_ends_at: datetime | None = None
    in_cart: bool = False

    @property
    def now_price_cents(self) -> int:
        """What it sells at now (a sale ends on time here too, without a sync)."""
        return effective_price(
            self.price_cents, self.sale_price_cents, self.sale_ends_at, datetime.now(UTC)
        )

    @property
    def on_sale(self) -> bool:
        return self.now_price_cents != self.price_cents

    @property
    def price_text(self) -> str:
        if self.price_cents == 0:
            return "Free"
        return money_text(self.now_price_cents, self.currency)

    @property
    def list_price_text(self) -> str:
        """The regular price (struck through beside a sale price)."""
        return money_text(self.price_cents, self.currency)

    @property
    def rating_text(self) -> str:
        if not self.rating_count:
            return "No ratings yet"
        plural = "s" if self.rating_count != 1 else ""
        return f"★ {self.rating_average:.1f} ({self.rating_count} rating{plural})"


@dataclass(frozen=True)
class Facets:
    categories: list[tuple[uuid.UUID, str]]
    levels: list[CourseLevel]
    languages: list[str]


@dataclass(frozen=True)
class CurriculumLesson:
    id: uuid.UUID
    title: str
    lesson_type: LessonType
    duration_seconds: int | None
    is_preview: bool


@dataclass(frozen=True)
class Review:
    rating: int
    title: str
    body: str
    mine: bool
    reviewer: str = ""
    reviewer_id: uuid.UUID | None = None
    reviewer_avatar_id: uuid.UUID | None = None
    id: uuid.UUID | None = None
    #: "Helpful" votes, this user's uncounted one included; and whether this user gave one.
    helpful: int = 0
    voted_helpful: bool = False


@dataclass(frozen=True)
class CourseDetails:
    summary: CourseSummary
    curriculum: list[tuple[str, list[CurriculumLesson]]]
    reviews: list[Review] = field(default_factory=list)
    my_rating: Review | None = None


class CatalogRefused(UserFacingError):
    """A catalog action is not allowed (rating a course one is not enrolled in)."""


class CatalogService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def courses(self) -> list[CourseSummary]:
        return self.search(CatalogQuery())

    def search(self, query: CatalogQuery) -> list[CourseSummary]:
        store = self._session.store
        if store is None:
            return []
        with store.reading() as session:
            return _summaries(session, query, self._user())

    def facets(self) -> Facets:
        store = self._session.store
        if store is None:
            return Facets([], [], [])
        with store.reading() as session:
            live = select(Course).where(Course.status == CourseStatus.APPROVED).subquery()
            used = set(session.scalars(select(live.c.category_id)))
            used |= set(session.scalars(select(Category.parent_id).where(Category.id.in_(used))))
            categories = [
                (row.id, row.name)
                for row in session.execute(
                    select(Category.id, Category.name)
                    .where(Category.id.in_(used))
                    .order_by(Category.name)
                )
            ]
            levels = set(session.scalars(select(live.c.level)))
            languages = sorted(set(session.scalars(select(live.c.language_code))))
        return Facets(list(categories), [lv for lv in CourseLevel if lv in levels], languages)

    def details(self, course_id: uuid.UUID) -> CourseDetails:
        store = self._session.store
        if store is None:
            raise NotSignedIn("Sign in first.")
        with store.reading() as session:
            user = self._user()
            summary = _summaries(session, CatalogQuery(), user, only=course_id)
            if not summary:
                raise CatalogRefused("This course is no longer in the catalog.")
            ratings = session.scalars(
                select(CourseRating)
                .where(CourseRating.course_id == course_id)
                .order_by(CourseRating.updated_at.desc())
            ).all()
            votes = _helpful_votes(session, user, [r.id for r in ratings])
            reviews = [
                Review(
                    r.rating,
                    r.title,
                    r.body,
                    r.student_id == user,
                    r.reviewer_name,
                    r.student_id,
                    r.reviewer_avatar_id,
                    id=r.id,
                    helpful=r.helpful_count + votes.get(r.id, 0),
                    voted_helpful=r.id in votes and votes[r.id] >= 0,
                )
                for r in ratings
            ]
            mine = next((r for r in reviews if r.mine), None)
            return CourseDetails(summary[0], _curriculum(session, course_id), reviews[:20], mine)

    # ---------------------------------------------------------------- offline actions
    def set_wishlisted(self, course_id: uuid.UUID, wished: bool) -> None:
        name = m.ADD_TO_WISHLIST if wished else m.REMOVE_FROM_WISHLIST
        self._session.require_engine().record(name, WishlistArgs(course_id=course_id))

    def record_view(self, course_id: uuid.UUID, *, instructor_id: uuid.UUID | None) -> None:
        """A look at a course's details, for its instructor's reports: queued with the other
        views and sent with the next sync (no request per view). One's own courses, and
        anything while signed out, are not counted."""
        engine = self._session.sync_engine
        user = self._user()
        if engine is None or user is None or user == instructor_id:
            return
        viewed = ViewedCourse(course_id=course_id, viewed_at=datetime.now(UTC))
        engine.record(m.RECORD_VIEWS, RecordViewsArgs(views=[viewed]))

    def rate(self, course_id: uuid.UUID, rating: int, title: str, body: str) -> None:
        store = self._session.store
        if store is None:
            raise NotSignedIn("Sign in first.")
        with store.reading() as session:
            if not _enrolled_in(session, course_id):
                raise CatalogRefused("Only students enrolled in a course can rate it.")
        args = SetRatingArgs(
            course_id=course_id, rating=rating, title=title.strip()[:200], body=body.strip()
        )
        self._session.require_engine().record(m.SET_RATING, args)

    def _user(self) -> uuid.UUID | None:
        current = self._session.current
        return current.profile.user_id if current else None


def _helpful_votes(
    session: Session, user: uuid.UUID | None, review_ids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """review -> this device's uncounted effect of the user's "helpful" (present: voted, unless
    taken back: -1)."""
    if user is None:
        return {}
    rows = session.execute(
        select(CommunityVote.target_id, CommunityVote.pending).where(
            CommunityVote.user_id == user,
            CommunityVote.kind == "review",
            CommunityVote.target_id.in_(review_ids),
        )
    )
    return {target: int(pending) for target, pending in rows}


def _enrolled_in(session: Session, course_id: uuid.UUID) -> bool:
    stmt = select(Enrollment.id).where(
        Enrollment.course_id == course_id, Enrollment.status == EnrollmentStatus.ACTIVE
    )
    return session.scalar(stmt) is not None


def _filtered(stmt: Select[Any], query: CatalogQuery) -> Select[Any]:
    for word in query.text.split():
        pattern = f"%{word.casefold()}%"
        stmt = stmt.where(
            or_(
                func.lower(Course.title).like(pattern),
                func.lower(Course.subtitle).like(pattern),
                func.lower(Course.description).like(pattern),
            )
        )
    if query.category_id is not None:
        children = select(Category.id).where(Category.parent_id == query.category_id)
        stmt = stmt.where(
            or_(Course.category_id == query.category_id, Course.category_id.in_(children))
        )
    if query.level is not None:  # a course for all levels suits each of them
        stmt = stmt.where(Course.level.in_([query.level, CourseLevel.ALL_LEVELS]))
    if query.language:
        stmt = stmt.where(Course.language_code == query.language)
    if query.price is Price.FREE:
        stmt = stmt.where(Course.price_cents == 0)
    elif query.price is Price.PAID:
        stmt = stmt.where(Course.price_cents > 0)
    return stmt


def _summaries(
    session: Session, query: CatalogQuery, user: uuid.UUID | None, *, only: uuid.UUID | None = None
) -> list[CourseSummary]:
    stmt = select(Course).where(Course.status == CourseStatus.APPROVED)
    if only is not None:
        stmt = stmt.where(Course.id == only)
    courses: list[Course] = list(session.scalars(_filtered(stmt, query)))
    ids = [c.id for c in courses]
    enrolled = set(
        session.scalars(
            select(Enrollment.course_id).where(
                Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.course_id.in_(ids)
            )
        )
    )
    wished = set(
        session.scalars(
            select(WishlistItem.course_id).where(
                and_(WishlistItem.course_id.in_(ids), WishlistItem.student_id == user)
            )
        )
    )
    ratings = {
        c: (avg, n)
        for c, avg, n in session.execute(
            select(CourseRating.course_id, func.avg(CourseRating.rating), func.count())
            .where(CourseRating.course_id.in_(ids))
            .group_by(CourseRating.course_id)
        )
    }
    names = {row.id: row.name for row in session.execute(select(Category.id, Category.name))}
    in_cart = set(
        session.scalars(
            select(CartItem.course_id).where(
                and_(CartItem.course_id.in_(ids), CartItem.student_id == user)
            )
        )
    )
    found = []
    for c in courses:
        average, count = ratings.get(c.id, (None, 0))
        found.append(
            CourseSummary(
                id=c.id,
                title=c.title,
                subtitle=c.subtitle,
                instructor=c.instructor_name,
                instructor_id=c.instructor_id,
                instructor_avatar_id=c.instructor_avatar_id,
                price_cents=c.price_cents,
                currency=c.currency,
                enrolled=c.id in enrolled,
                description=c.description,
                category=names.get(c.category_id, "") if c.category_id else "",
                level=c.level,
                language_code=c.language_code,
                rating_average=float(average) if average is not None else None,
                rating_count=int(count),
                wishlisted=c.id in wished,
                published_at=c.published_at,
                thumbnail_asset_id=c.thumbnail_asset_id,
                sale_price_cents=c.sale_price_cents,
                sale_ends_at=c.sale_ends_at,
                in_cart=c.id in in_cart,
            )
        )
    return _sorted(found, query.sort)


def _sorted(courses: list[CourseSummary], sort: Sort) -> list[CourseSummary]:
    by_title = sorted(courses, key=lambda c: c.title.casefold())
    if sort is Sort.NEWEST:
        return sorted(by_title, key=lambda c: c.published_at or _EPOCH, reverse=True)
    if sort is Sort.RATING:
        return sorted(by_title, key=lambda c: (c.rating_average or 0, c.rating_count), reverse=True)
    if sort is Sort.PRICE_LOW:
        return sorted(by_title, key=lambda c: c.now_price_cents)
    if sort is Sort.PRICE_HIGH:
        return sorted(by_title, key=lambda c: c.now_price_cents, reverse=True)
    return by_title


def _curriculum(session: Session, course_id: uuid.UUID) -> list[tuple[str, list[CurriculumLesson]]]:
    sections = session.scalars(
        select(CourseSection)
        .where(CourseSection.course_id == course_id)
        .order_by(CourseSection.position)
    ).all()
    lessons = session.scalars(
        select(Lesson).where(Lesson.course_id == course_id).order_by(Lesson.position)
    ).all()
    return [
        (
            s.title,
            [
                CurriculumLesson(x.id, x.title, x.lesson_type, x.duration_seconds, x.is_preview)
                for x in lessons
                if x.section_id == s.id
            ],
        )
        for s in sections
    ]
