"""Starting, cancelling and reading purchases; free enrollment (DESIGN.md section 6).

Calls to the payment provider happen between transactions, never inside one: the order is
committed as pending first, so a provider failure leaves a failed order, not a lost one.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts.commerce import (
    CheckoutSession,
    EnrollmentView,
    OrderItemView,
    OrderView,
    money_text,
)
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, EnrollmentSource
from lmsdesk.contracts.enums import EnrollmentStatus as E
from lmsdesk.contracts.enums import OrderStatus as O
from lmsdesk.contracts.pricing import CheckoutBody, PricedItem
from lmsdesk_server.actor import Actor
from lmsdesk_server.commerce.repository import CommerceRepository
from lmsdesk_server.commerce.service.fulfilment import Fulfilment
from lmsdesk_server.commerce.service.reconciliation import RECONCILE_AFTER, reconcile_session
from lmsdesk_server.commerce.service.states import move_enrollment, move_order
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Cohort, Course, Enrollment, Order, OrderItem, User
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.payments.provider import (
    CHECKOUT_MINUTES,
    CheckoutLine,
    CheckoutRequest,
    PaymentProvider,
    ProviderUnavailable,
)
from lmsdesk_server.schedule.service import seats
from lmsdesk_server.security.return_links import ReturnLinks
from lmsdesk_server.storefront.repository.offers import OfferRepository
from lmsdesk_server.storefront.service import coupons, pricing


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

    def start(self, actor: Actor, body: CheckoutBody) -> CheckoutSession:
        """One order with one item per course, priced here (sale prices, the coupon), never by
        the client. A total of nothing (a 100 % coupon) completes at once, without a payment."""
        _require_student(actor)
        now = datetime.now(UTC)
        expires_at = now + timedelta(minutes=CHECKOUT_MINUTES)
        with transaction(self._sessions) as db:
            repo, offers = CommerceRepository(db), OfferRepository(db)
            # Locked: a sale ending or a price changing meanwhile waits for this order.
            courses = pricing.in_catalog(offers, body.courses, lock=True)
            for course in courses:
                _refuse_free(course, alone=len(courses) == 1)
                _refuse_if_enrolled(repo, actor.id, course, named=len(courses) > 1)
            _require_verified_email(repo, actor.id)
            cohort = _hold_seat(db, courses, body.cohort_id)
            coupon = None
            if body.coupon_code is not None:
                coupon = coupons.usable(offers, body.coupon_code, actor.id, now, lock=True)
            quote = pricing.quote(courses, coupon, now)
            order = Order(
                id=uuid.uuid4(),
                student_id=actor.id,
                course_id=courses[0].id,
                cohort_id=cohort.id if cohort else None,
                amount_cents=quote.total_cents,
                subtotal_cents=quote.subtotal_cents,
                discount_cents=quote.discount_cents,
                coupon_id=coupon.id if coupon else None,
                currency=quote.currency,
                provider=self._provider.name,
                status=O.PENDING,
            )
            db.add(order)
            partition = user_partition(actor.id)
            stamp(db, order, partition)
            for position, line in enumerate(quote.items):
                item = OrderItem(
                    order_id=order.id,
                    course_id=line.course_id,
                    position=position,
                    course_title=line.course_title,
                    list_price_cents=line.list_price_cents,
                    price_cents=line.price_cents,
                    discount_cents=line.discount_cents,
                    amount_cents=line.amount_cents,
                )
                db.add(item)
                stamp(db, item, partition)
            db.flush()
            if coupon is not None:
                coupons.hold(db, coupon, order)
            seats.recount(db, order.cohort_id)
            if quote.total_cents == 0:
                # Nothing to pay: no provider is asked, the courses are granted now.
                move_order(order, O.COMPLETED)
                Fulfilment(db).grant(order)
                return CheckoutSession(
                    order_id=order.id,
                    session_id="",
                    url=self._links.success_url(self._public_url, order.id),
                    expires_at=now,
                )
            request = CheckoutRequest(
                order_id=order.id,
                student_id=actor.id,
                student_email=actor.email,
                course_id=courses[0].id,
                course_title=_words_for(quote.items),
                course_version=courses[0].version,
                amount_cents=quote.total_cents,
                currency=quote.currency,
                success_url=self._links.success_url(self._public_url, order.id),
                cancel_url=self._links.cancel_url(self._public_url, order.id),
                expires_at=expires_at,
                lines=tuple(CheckoutLine(i.course_title, i.amount_cents) for i in quote.items),
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
            orders = repo.orders_of(actor.id)
            items = repo.items_of_orders([o.id for o, _ in orders])
            codes = repo.coupon_codes({o.coupon_id for o, _ in orders if o.coupon_id})
            return [
                _order_view(o, title, active, items[o.id], codes.get(o.coupon_id))
                for o, title in orders
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
        items = repo.items_of(order.id)
        active = {
            e.course_id
            for c in [i.course_id for i in items] or [order.course_id]
            if (e := repo.enrollment(order.student_id, c)) is not None and e.status is E.ACTIVE
        }
        codes = repo.coupon_codes({order.coupon_id} if order.coupon_id else set())
        title = course.title if course else ""
        return _order_view(order, title, active, items, codes.get(order.coupon_id))

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
    repo: CommerceRepository, student_id: uuid.UUID, course: Course, *, named: bool = False
) -> None:
    enrollment = repo.enrollment(student_id, course.id)
    which = f"“{course.title}”" if named else "this course"
    if enrollment is not None and enrollment.status is E.ACTIVE:
        raise ApiError(409, "already_enrolled", f"You are already enrolled in {which}.")
    if enrollment is not None and enrollment.status is E.SUSPENDED:
        raise _suspended()


def _refuse_free(course: Course, *, alone: bool) -> None:
    if course.price_cents == 0:
        raise ApiError(
            409,
            "free_course",
            "This course is free: enroll without paying."
            if alone
            else f"“{course.title}” is free: enroll in it without paying, and buy the rest.",
        )


def _hold_seat(db: Session, courses: list[Course], cohort_id: uuid.UUID | None) -> Cohort | None:
    """A course run in cohorts holds a seat in its order; several courses in one order have
    no seat to hold, so such a course is bought on its own (where its cohort is chosen)."""
    if len(courses) == 1:
        return seats.take_seat(db, courses[0].id, cohort_id)
    for course in courses:
        if seats.runs_in_cohorts(db, course.id):
            raise ApiError(
                409,
                "cohort_course_alone",
                f"“{course.title}” runs in cohorts: buy it on its own to choose your cohort.",
            )
    return None


def _words_for(items: list[PricedItem]) -> str:
    if len(items) == 1:
        return items[0].course_title
    return f"{items[0].course_title} and {len(items) - 1} more"


def _order_view(
    order: Order,
    title: str,
    active: set[uuid.UUID],
    items: list[OrderItem],
    coupon_code: str | None,
) -> OrderView:
    """`active`: the student's courses with an active enrollment. The order's access is there
    once every course of it not refunded is."""
    kept = [i.course_id for i in items if i.refunded_at is None] or [order.course_id]
    if len(items) > 1:
        title = f"{items[0].course_title} and {len(items) - 1} more"
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
        enrollment_active=order.status is O.COMPLETED and all(c in active for c in kept),
        items=[
            OrderItemView(
                course_id=i.course_id,
                course_title=i.course_title,
                list_price_cents=i.list_price_cents,
                price_cents=i.price_cents,
                discount_cents=i.discount_cents,
                amount_cents=i.amount_cents,
                refunded_at=i.refunded_at,
            )
            for i in items
        ],
        subtotal_cents=order.subtotal_cents,
        discount_cents=order.discount_cents,
        coupon_code=coupon_code,
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
