"""The catalog as stored on this computer: readable offline from the last sync.

The full catalog (search, filters, detail) is issue 5's; this lists what is here. Blocking: call
on the database lane.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk.local_db.models.mirror import Course, Enrollment
from lmsdesk.services.session import SessionService


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

    @property
    def price_text(self) -> str:
        if self.price_cents == 0:
            return "Free"
        return money_text(self.price_cents, self.currency)


class CatalogService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def courses(self) -> list[CourseSummary]:
        store = self._session.store
        if store is None:
            return []
        with store.reading() as session:
            active = select(Enrollment.course_id).where(
                Enrollment.status == EnrollmentStatus.ACTIVE
            )
            enrolled = set(session.scalars(active))
            published = select(Course).where(Course.status == CourseStatus.APPROVED)
            rows = session.scalars(published.order_by(Course.title)).all()
            return [_summary(c, c.id in enrolled) for c in rows]


def _summary(course: Course, enrolled: bool) -> CourseSummary:
    return CourseSummary(
        id=course.id, title=course.title, subtitle=course.subtitle,
        instructor=course.instructor_name, price_cents=course.price_cents,
        currency=course.currency, enrolled=enrolled, description=course.description,
    )  # fmt: skip
