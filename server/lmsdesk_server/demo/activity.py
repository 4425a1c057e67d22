"""Ninety days of believable activity for the demo courses (DESIGN.md section 11.6), so Insights
and the admin's Overview show something on first run: learners who looked at a course, some of
whom enrolled or bought it, worked through lessons at their own pace, took the quiz, rated it;
and one refund.

Deterministic (a fixed random seed) and idempotent (it stops if its first learner exists). Run
by `seed-demo` only: the shared test world keeps its exact enrollment and order counts.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.analytics import percent_of
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import (
    AttemptStatus,
    EnrollmentSource,
    EnrollmentStatus,
    LessonType,
    OrderStatus,
    PaymentProvider,
    ProgressStatus,
    QuestionType,
)
from lmsdesk.contracts.ids import progress_id, rating_id
from lmsdesk.contracts.subscriptions import Plan, SubscriptionStatus
from lmsdesk_server.analytics.service.daily import recompute_days
from lmsdesk_server.db.models import (
    Course,
    CourseRating,
    CourseSection,
    CourseView,
    Enrollment,
    EnrollmentProgress,
    LearningDay,
    Lesson,
    LessonProgress,
    Order,
    OrderItem,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    Subscription,
    User,
    UserRole,
)
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, user_partition
from lmsdesk_server.storefront.service import subscriptions

DAYS = 90
LEARNERS = 36
_FIRST = "learner01@example.com"
_SUBSCRIBER = "learner36@example.com"
_COMMENTS = (
    ("Clear and practical", "Exactly the pace I needed."),
    ("Good, a bit fast", "The quiz made me go back to the text lesson."),
    ("Worth it", "I use the sync ideas at work now."),
)


class ActivitySeeder:
    def __init__(
        self, session: Session, note: Callable[[str], None], demo_id: Callable[[str], uuid.UUID]
    ) -> None:
        self._s, self._note, self._id = session, note, demo_id
        self._rng = random.Random(20261127)
        self._today = datetime.now(UTC).date()

    def run(self) -> None:
        if self._s.scalars(select(User.id).where(User.email == _FIRST)).first() is not None:
            return
        courses = [
            self._s.get(Course, self._id(f"course:{slug}"))
            for slug in ("offline-first-basics", "practical-sqlite")
        ]
        if any(c is None for c in courses):
            return
        refunded = False
        for n in range(1, LEARNERS + 1):
            learner = self._learner(n)
            for course in courses:
                assert course is not None
                # One refund: the first purchase from the seventh learner on.
                wanted = not refunded and n >= 7
                refunded = self._journey(learner, course, refund=wanted) or refunded
        self._s.flush()
        self._all_access(self._s.scalars(select(User).where(User.email == _SUBSCRIBER)).one())
        recompute_days(self._s, self._today - timedelta(days=DAYS), self._today)
        self._note(f"{DAYS} days of course activity by {LEARNERS} learners")

    def _all_access(self, learner: User) -> None:
        """One learner holds the all-access plan (renewing in three weeks): the admin console
        shows their enrollments from it."""
        now = datetime.now(UTC)
        plan = Subscription(
            id=self._id("subscription:all-access-demo"),
            student_id=learner.id,
            plan=Plan.MONTHLY,
            status=SubscriptionStatus.ACTIVE,
            provider=PaymentProvider.TEST,
            provider_subscription_id="sub_demo_all_access",
            provider_customer_id="cus_demo_all_access",
            current_period_end=now + timedelta(days=21),
            created_at=now - timedelta(days=10),
        )
        self._s.add(plan)
        stamp(self._s, plan, user_partition(learner.id))
        self._s.flush()
        subscriptions.settle(self._s, plan, now)
        self._note(f"{learner.email} holds the all-access plan")

    def _at(self, day: date) -> datetime:
        minutes = self._rng.randrange(8 * 60, 22 * 60)
        return datetime.combine(day, time(), tzinfo=UTC) + timedelta(minutes=minutes)

    def _learner(self, n: int) -> User:
        joined = self._today - timedelta(days=self._rng.randrange(DAYS))
        user = User(
            email=f"learner{n:02d}@example.com",
            password_hash="!demo-learner: no sign-in",
            full_name=f"Demo Learner {n:02d}",
            email_verified_at=self._at(joined),
            created_at=self._at(joined),
        )
        self._s.add(user)
        self._s.flush()
        self._s.add(UserRole(user_id=user.id, role=Role.STUDENT))
        return user

    def _journey(self, learner: User, course: Course, *, refund: bool) -> bool:
        """Looks, maybe enrolls (buys a paid course), works for a while, maybe rates."""
        rng = self._rng
        refund = refund and course.price_cents > 0
        start = max(learner.created_at.date(), self._today - timedelta(days=DAYS))
        span = (self._today - start).days
        first_look = start + timedelta(days=rng.randrange(span + 1))
        for extra in range(rng.randrange(1, 4)):
            seen = min(self._today, first_look + timedelta(days=extra * rng.randrange(0, 3)))
            self._s.add(
                CourseView(course_id=course.id, viewer_id=learner.id, viewed_at=self._at(seen))
            )
        if rng.random() > (0.75 if course.price_cents == 0 else 0.45):
            return False
        enrolled_at = self._at(min(self._today, first_look + timedelta(days=rng.randrange(3))))
        order = None
        if course.price_cents:
            order = Order(
                student_id=learner.id,
                course_id=course.id,
                amount_cents=course.price_cents,
                currency=course.currency,
                provider=PaymentProvider.TEST,
                status=OrderStatus.REFUNDED if refund else OrderStatus.COMPLETED,
                created_at=enrolled_at - timedelta(minutes=3),
                completed_at=enrolled_at,
                refunded_at=min(enrolled_at + timedelta(days=2), datetime.now(UTC))
                if refund
                else None,
            )
            stamp(self._s, order, user_partition(learner.id))
            self._s.add(order)
            self._s.flush()
            item = OrderItem(
                order_id=order.id,
                course_id=course.id,
                course_title=course.title,
                list_price_cents=course.price_cents,
                price_cents=course.price_cents,
                amount_cents=course.price_cents,
                refunded_at=order.refunded_at,
            )
            stamp(self._s, item, user_partition(learner.id))
            self._s.add(item)
        enrollment = Enrollment(
            student_id=learner.id,
            course_id=course.id,
            status=EnrollmentStatus.REFUNDED if refund else EnrollmentStatus.ACTIVE,
            source=EnrollmentSource.PURCHASE if order else EnrollmentSource.FREE,
            order_id=order.id if order else None,
            price_paid_cents=course.price_cents,
            currency=course.currency,
            enrolled_at=enrolled_at,
            revoked_at=order.refunded_at if order else None,
        )
        stamp(self._s, enrollment, user_partition(learner.id))
        self._s.add(enrollment)
        self._s.flush()
        self._work(learner, course, enrollment)
        return refund and order is not None

    def _lessons(self, course: Course) -> list[Lesson]:
        stmt = (
            select(Lesson)
            .join(CourseSection, CourseSection.id == Lesson.section_id)
            .where(Lesson.course_id == course.id)
            .order_by(CourseSection.position, Lesson.position)
        )
        return list(self._s.scalars(stmt))

    def _work(self, learner: User, course: Course, enrollment: Enrollment) -> None:
        rng = self._rng
        lessons = [x for x in self._lessons(course) if x.lesson_type is not LessonType.ASSIGNMENT]
        # Most stop somewhere: the funnel narrows lesson by lesson.
        reach = min(len(lessons), int(rng.expovariate(0.4)) + 1)
        day = enrollment.enrolled_at.date()
        last: datetime | None = None
        done = 0
        for lesson in lessons[:reach]:
            day = min(self._today, day + timedelta(days=rng.randrange(0, 4)))
            at = self._at(day)
            finished = rng.random() < 0.85
            row = LessonProgress(
                id=progress_id(learner.id, lesson.id),
                student_id=learner.id,
                lesson_id=lesson.id,
                status=ProgressStatus.COMPLETED if finished else ProgressStatus.IN_PROGRESS,
                completed_at=at if finished else None,
                client_updated_at=at,
                time_spent_seconds=float(rng.randrange(120, 1500)),
            )
            stamp(self._s, row, user_partition(learner.id))
            self._s.add(row)
            self._s.merge(LearningDay(student_id=learner.id, course_id=course.id, day=day))
            done += finished
            last = at
            quiz = self._s.scalars(select(Quiz).where(Quiz.lesson_id == lesson.id)).first()
            if quiz is not None:
                self._attempt(learner, quiz, at)
            if not finished:
                break
        total = len(self._lessons(course))
        if done == total and enrollment.status is EnrollmentStatus.ACTIVE and last is not None:
            enrollment.completed_at = last
        self._s.add(
            EnrollmentProgress(
                enrollment_id=enrollment.id,
                student_id=learner.id,
                course_id=course.id,
                lessons_completed=done,
                lessons_total=total,
                progress_percent=percent_of(done, total),
                last_activity_at=last,
            )
        )
        if last is not None and rng.random() < 0.4:
            title, body = _COMMENTS[rng.randrange(len(_COMMENTS))]
            rating = CourseRating(
                id=rating_id(learner.id, course.id),
                course_id=course.id,
                student_id=learner.id,
                rating=rng.choice((3, 4, 4, 5, 5)),
                title=title,
                body=body,
                created_at=last,
                updated_at=last,
            )
            stamp(self._s, rating, CATALOG_PARTITION)
            self._s.add(rating)

    def _attempt(self, learner: User, quiz: Quiz, at: datetime) -> None:
        """Answers of a learner who gets each question right four times in five (the quiz's
        auto-graded questions; an essay waits for the instructor, so it is left out)."""
        questions = self._s.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id))
        answers: dict[str, object] = {}
        right = 0
        auto = 0
        for q in questions:
            if q.question_type is QuestionType.ESSAY:
                continue
            auto += 1
            # The second question is the hard one: the funnel's "hardest questions" shows it.
            if self._rng.random() < (0.55 if q.position == 1 else 0.85):
                correct = q.correct_answer
                short = q.question_type is QuestionType.SHORT_ANSWER
                answers[str(q.id)] = correct[0] if short and isinstance(correct, list) else correct
                right += 1
            else:
                answers[str(q.id)] = None
        percent = round(100 * right / auto, 1) if auto else 0.0
        attempt = QuizAttempt(
            id=uuid.uuid4(),
            student_id=learner.id,
            quiz_id=quiz.id,
            attempt_number=1,
            started_at=at - timedelta(minutes=6),
            submitted_at=at,
            answers=answers,
            score=float(right),
            max_score=float(auto),
            percent=percent,
            passed=percent >= quiz.passing_percent,
            status=AttemptStatus.GRADED,
        )
        stamp(self._s, attempt, user_partition(learner.id))
        self._s.add(attempt)
