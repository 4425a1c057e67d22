"""Starting, cancelling and reading purchases; free enrollment (DESIGN.md section 6).

Calls to the payment provider happen between transactions, never inside one: the order is
committed as pending first, so a provider failure leaves a failed order, not a lost one.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts.commerce import CheckoutSession, EnrollmentView, OrderView, money_text
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, EnrollmentSource
from lmsdesk.contracts.enums import EnrollmentStatus as E
from lmsdesk.contracts.enums import OrderStatus as O
from lmsdesk_server.actor import Actor
from lmsdesk_server.commerce.repository import CommerceRepository
from lmsdesk_server.commerce.service.reconciliation import RECONCILE_AFTER, reconcile_session
from lmsdesk_server.commerce.service.states import move_enrollment, move_order
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Course, Enrollment, Order, User
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.payments.provider import (
    CHECKOUT_MINUTES,
    CheckoutRequest,
    PaymentProvider,
    ProviderUnavailable,
)
from lmsdesk_server.schedule.service import seats
from lmsdesk_server.security.return_links import ReturnLinks


class CheckoutService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        provider: PaymentProvider,
        public_url: str,
        links: ReturnLinks,
    ) -> None:
        self._sessions = session_factory
        self._provider = provider
        self._public_url = public_url.rstrip("/")
        self._links = links

    # ------------------------------------------------------------ buying

    def start(
        self, actor: Actor, course_id: uuid.UUID, cohort_id: uuid.UUID | None = None
    ) -> CheckoutSession:
        _require_student(actor)
        expires_at = datetime.now(UTC) + timedelta(minutes=CHECKOUT_MINUTES)
        with transaction(self._sessions) as db:
            repo = CommerceRepository(db)
            course = _catalog_course(repo, course_id)
            if course.price_cents == 0:
                raise ApiError(409, "free_course", "This course is free: enroll without paying.")
            _refuse_if_enrolled(repo, actor.id, course_id)
            _require_verified_email(repo, actor.id)
            # The seat is held while the student is on the payment page.
            cohort = seats.take_seat(db, course.id, cohort_id)
            # The price comes from the database, never from the client.
            order = Order(
                id=uuid.uuid4(),
                student_id=actor.id,
                course_id=course.id,
                cohort_id=cohort.id if cohort else None,
                amount_cents=course.price_cents,
                currency=course.currency,
                provider=self._provider.name,
                status=O.PENDING,
            )
            db.add(order)
            stamp(db, order, user_partition(actor.id))
            seats.recount(db, order.cohort_id)
            request = CheckoutRequest(
                order_id=order.id,
                student_id=actor.id,
                student_email=actor.email,
                course_id=course.id,
                course_title=course.title,
                course_version=course.version,
                amount_cents=course.price_cents,
                currency=course.currency,
                success_url=self._links.success_url(self._public_url, order.id),
                cancel_url=self._links.cancel_url(self._public_url, order.id),
                expires_at=expires_at,
            )
        try:
            created = self._provider.create_session(request)
        except ProviderUnavailable as exc:
            with transaction(self._sessions) as db:
                failed = CommerceRepository(db).order(request.order_id, lock=True)
                assert failed is not None
                move_order(failed, O.FAILED)
            message = f"{exc} Nothing was charged; try again in a moment."
            # keep_changes: the failed order was committed above and stays recorded.
            raise ApiError(502, "payment_provider_unavailable", message, keep_changes=True) from exc
        with transaction(self._sessions) as db:
            pending = CommerceRepository(db).order(request.order_id, lock=True)
            assert pending is not None
            pending.provider_session_id = created.session_id
        return CheckoutSession(
            order_id=request.order_id,
            session_id=created.session_id,
            url=created.url,
            expires_at=expires_at,
        )

    def cancel(self, order_id: uuid.UUID, actor: Actor | None = None) -> OrderView:
        """The student gave up: the order is cancelled and its session closed at the provider.
        `actor` is None when the provider's cancel page asks (its signed link is the
        capability)."""
        with transaction(self._sessions) as db:
            order = self._own_order(CommerceRepository(db), order_id, actor, lock=True)
            cancelled = order.status is O.PENDING
            if cancelled:
                move_order(order, O.CANCELLED)
            session_id = order.provider_session_id
        if cancelled and session_id:
            # If the student paid meanwhile, the session is complete and the completion webhook
            # fulfils the order anyway (payment wins over cancel). Unreachable, the provider
            # lets the session expire by itself within CHECKOUT_MINUTES.
            with contextlib.suppress(ProviderUnavailable):
                self._provider.expire_session(session_id)
        return self.order(order_id, actor)

    # ------------------------------------------------------------ reading

    def order(self, order_id: uuid.UUID, actor: Actor | None = None) -> OrderView:
        with transaction(self._sessions) as db:
            repo = CommerceRepository(db)
            order = self._own_order(repo, order_id, actor)
            stale = (
                order.status is O.PENDING and order.created_at < datetime.now(UTC) - RECONCILE_AFTER
            )
            session_id = order.provider_session_id
            if not (stale and session_id):
                return self._view(repo, order)
        reconcile_session(self._sessions, self._provider, session_id)
        with transaction(self._sessions) as db:
            repo = CommerceRepository(db)
            return self._view(repo, self._own_order(repo, order_id, actor))

    def orders(self, actor: Actor) -> list[OrderView]:
        with transaction(self._sessions) as db:
            repo = CommerceRepository(db)
            active = {e.course_id for e, _ in repo.enrollments_of(actor.id) if e.status is E.ACTIVE}
            return [
                _order_view(o, title, o.course_id in active)
                for o, title in repo.orders_of(actor.id)
            ]

    def enrollments(self, actor: Actor) -> list[EnrollmentView]:
        with transaction(self._sessions) as db:
            rows = CommerceRepository(db).enrollments_of(actor.id)
            return [_enrollment_view(e, title) for e, title in rows]

    # ------------------------------------------------------------ free courses

    def enroll_free(
        self, actor: Actor, course_id: uuid.UUID, cohort_id: uuid.UUID | None = None
    ) -> EnrollmentView:
        _require_student(actor)
        with transaction(self._sessions) as db:
            repo = CommerceRepository(db)
            course = _catalog_course(repo, course_id)
            if course.price_cents > 0:
                raise ApiError(
                    402,
                    "payment_required",
                    f"This course costs {money_text(course.price_cents, course.currency)}: "
                    "buy it through checkout.",
                )
            enrollment = repo.enrollment(actor.id, course_id, lock=True)
            if enrollment is not None and enrollment.status is E.ACTIVE:
                return _enrollment_view(enrollment, course.title)  # enrolled already: no seat
            if enrollment is not None and enrollment.status is E.SUSPENDED:
                raise _suspended()
            cohort = seats.take_seat(db, course.id, cohort_id)
            joined = cohort.id if cohort else None
            if enrollment is None:
                enrollment = Enrollment(
                    student_id=actor.id,
                    course_id=course_id,
                    status=E.ACTIVE,
                    source=EnrollmentSource.FREE,
                    price_paid_cents=0,
                    currency=course.currency,
                    enrolled_at=datetime.now(UTC),
                    cohort_id=joined,
                )
                db.add(enrollment)
                stamp(db, enrollment, user_partition(actor.id))
                db.flush()
            else:  # refunded or revoked: back, in the cohort chosen now
                enrollment.source, enrollment.order_id = EnrollmentSource.FREE, None
                enrollment.cohort_id = joined
                move_enrollment(enrollment, E.ACTIVE)
            seats.recount(db, joined)
            return _enrollment_view(enrollment, course.title)

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _view(repo: CommerceRepository, order: Order) -> OrderView:
        course = repo.course(order.course_id)
        enrollment = repo.enrollment(order.student_id, order.course_id)
        active = enrollment is not None and enrollment.status is E.ACTIVE
        return _order_view(order, course.title if course else "", active)

    @staticmethod
    def _own_order(
        repo: CommerceRepository, order_id: uuid.UUID, actor: Actor | None, *, lock: bool = False
    ) -> Order:
        order = repo.order(order_id, lock=lock)
        if order is None or (actor is not None and order.student_id != actor.id):
            # Someone else's order is as absent as a missing one.
            raise ApiError(404, "order_not_found", "No such order.")
        return order


def _require_student(actor: Actor) -> None:
    if not actor.has(Role.STUDENT):
        raise ApiError(403, "students_only", "Only a student account can buy or enroll.")


def _require_verified_email(repo: CommerceRepository, student_id: uuid.UUID) -> None:
    """Buying needs a confirmed address (receipts and refunds reach it); free courses do not."""
    student = repo.find(User, student_id)
    if student is None or student.email_verified_at is None:
        raise ApiError(
            403,
            "email_not_verified",
            "Confirm your email address before buying: use the code we mailed you (Account → "
            "Verify email). Free courses work without it.",
        )


def _suspended() -> ApiError:
    return ApiError(
        409, "enrollment_suspended", "Your access to this course is suspended by a payment dispute."
    )


def _catalog_course(repo: CommerceRepository, course_id: uuid.UUID) -> Course:
    course = repo.course(course_id)
    if course is None or course.status is not CourseStatus.APPROVED or course.deleted_at:
        raise ApiError(404, "course_not_found", "That course is not in the catalog.")
    return course


def _refuse_if_enrolled(
    repo: CommerceRepository, student_id: uuid.UUID, course_id: uuid.UUID
) -> None:
    enrollment = repo.enrollment(student_id, course_id)
    if enrollment is not None and enrollment.status is E.ACTIVE:
        raise ApiError(409, "already_enrolled", "You are already enrolled in this course.")
    if enrollment is not None and enrollment.status is E.SUSPENDED:
        raise _suspended()


def _order_view(order: Order, title: str, enrolled: bool) -> OrderView:
    return OrderView(
        id=order.id,
        course_id=order.course_id,
        course_title=title,
        amount_cents=order.amount_cents,
        currency=order.currency,
        provider=order.provider,
        status=order.status,
        created_at=order.created_at,
        completed_at=order.completed_at,
        refunded_at=order.refunded_at,
        enrollment_active=enrolled and order.status is O.COMPLETED,
    )


def _enrollment_view(enrollment: Enrollment, title: str) -> EnrollmentView:
    return EnrollmentView(
        id=enrollment.id,
        course_id=enrollment.course_id,
        course_title=title,
        status=enrollment.status,
        source=enrollment.source,
        order_id=enrollment.order_id,
        price_paid_cents=enrollment.price_paid_cents,
        currency=enrollment.currency,
        enrolled_at=enrollment.enrolled_at,
        revoked_at=enrollment.revoked_at,
        cohort_id=enrollment.cohort_id,
    )
