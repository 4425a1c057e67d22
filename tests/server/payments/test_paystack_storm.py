"""A storm of Paystack deliveries of one payment, on a real PostgreSQL where the transactions
really run at once: one enrollment per course, one ledger row, every delivery answered 200."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk.contracts.pricing import CheckoutBody
from lmsdesk_server.commerce.service.checkout import CheckoutService
from lmsdesk_server.commerce.service.paystack_webhooks import PaystackWebhooks
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Enrollment, Order, PaymentEvent
from lmsdesk_server.payments.paystack_provider import PaystackProvider
from tests.server.community.test_races import ROUNDS
from tests.server.schedule.test_races import _buyer
from tests.server.storefront.helpers import SALE
from tests.server.storefront.test_coupon_races import STORM, storm
from tests.server.sync.helpers import PAID
from tests.support.fake_paystack import SECRET_KEY, FakePaystack


@pytest.fixture(scope="module")
def paystack() -> Iterator[FakePaystack]:
    fake = FakePaystack()
    fake.start()
    yield fake
    fake.stop()


def test_a_paystack_storm_enrolls_once(
    racing_context: ServerContext,
    paystack: FakePaystack,
    record_property: Callable[[str, object], None],
) -> None:
    provider = PaystackProvider(SECRET_KEY, api_base=paystack.url)
    shop = CheckoutService(
        racing_context.session_factory,
        provider,
        racing_context.settings.public_url,
        racing_context.return_links,
    )
    webhooks = PaystackWebhooks(racing_context.session_factory, provider, SECRET_KEY)
    timings = []
    for _ in range(ROUNDS):
        buyer = _buyer(racing_context)
        started = shop.start(buyer, CheckoutBody(course_ids=[PAID, SALE]))
        body, signature = paystack.pay(started.session_id)
        answers, seconds = storm(webhooks, body, signature)
        timings.append(seconds)
        assert answers == [200] * STORM
        with transaction(racing_context.session_factory) as db:
            order = db.get(Order, started.order_id)
            assert order is not None
            assert order.status is OrderStatus.COMPLETED
            granted = db.scalars(
                select(Enrollment.status).where(Enrollment.student_id == buyer.id)
            ).all()
            assert sorted(granted) == [EnrollmentStatus.ACTIVE, EnrollmentStatus.ACTIVE]
            ledger = db.scalar(
                select(func.count())
                .select_from(PaymentEvent)
                .where(PaymentEvent.payment_intent_id == started.session_id)
            )
            assert ledger == 1
    record_property("storm_ms", [round(1000 * t) for t in timings])
