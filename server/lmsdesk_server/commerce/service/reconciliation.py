"""The order reconciliation job: brings orders in line with what the provider and the ledger say.

Webhooks can be missed (the provider gave up after days of an outage) and, before payments
were serialised per payment intent, a refund racing its completion could be lost. This job
heals both, and is safe to run any number of times, on any number of processes at once: every
order it touches is handled under the same per-payment lock and state machine as a webhook.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts.enums import OrderStatus as O
from lmsdesk_server.commerce.repository import CommerceRepository
from lmsdesk_server.commerce.service.fulfilment import Fulfilment, FulfilmentProblem
from lmsdesk_server.commerce.service.states import move_order
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.payments.provider import (
    CHECKOUT_MINUTES,
    PaymentProvider,
    ProviderUnavailable,
    UnknownSession,
)

_log = logging.getLogger(__name__)

#: A pending order this long past its session's expiry is asked about directly.
RECONCILE_AFTER = timedelta(minutes=CHECKOUT_MINUTES + 5)


@dataclass
class ReconcileReport:
    settled: int = 0
    pending_checked: int = 0
    unreachable: int = 0


def reconcile_session(
    session_factory: sessionmaker[Session], provider: PaymentProvider, session_id: str
) -> bool:
    """Ask the provider about one checkout session whose webhook never came and apply what it
    says. False when the provider could not be asked."""
    try:
        snapshot = provider.retrieve_session(session_id)
    except UnknownSession:
        snapshot = None
    except ProviderUnavailable:
        return False
    with transaction(session_factory) as db:
        repo = CommerceRepository(db)
        if snapshot is None:
            order = repo.order_by_session(session_id, lock=True)
            if order is not None and order.status is O.PENDING:
                move_order(order, O.EXPIRED)  # the provider has no such checkout
        elif snapshot.status == "complete":
            # A refused fulfilment: the webhook's ledger keeps the reason when it arrives.
            with contextlib.suppress(FulfilmentProblem):
                Fulfilment(db).fulfil(snapshot)
        elif snapshot.status == "expired":
            with contextlib.suppress(ValueError):
                order = repo.order(uuid.UUID(snapshot.metadata.get("order_id", "")), lock=True)
                if order is not None and order.status is O.PENDING:
                    move_order(order, O.EXPIRED)
    return True


def reconcile_orders(
    session_factory: sessionmaker[Session],
    provider: PaymentProvider,
    *,
    now: datetime | None = None,
) -> ReconcileReport:
    report = ReconcileReport()
    with transaction(session_factory) as db:
        repo = CommerceRepository(db)
        paid = [
            (o.id, o.provider_payment_intent_id) for o in repo.completed_orders_with_charge_events()
        ]
        stale = [
            o.provider_session_id
            for o in repo.stale_pending_orders((now or datetime.now(UTC)) - RECONCILE_AFTER)
        ]
    for order_id, payment_intent in paid:
        with transaction(session_factory) as db:
            repo = CommerceRepository(db)
            if payment_intent:
                repo.lock_payment(payment_intent)
            order = repo.order(order_id, lock=True)
            if order is None:
                continue
            before = order.status
            Fulfilment(db).settle(order)
            if order.status is not before:
                _log.warning(
                    "Reconciliation: order %s was %s, its payment's events say %s",
                    order_id,
                    before,
                    order.status,
                )
                report.settled += 1
    for session_id in stale:
        if session_id is None:
            continue
        report.pending_checked += 1
        if not reconcile_session(session_factory, provider, session_id):
            report.unreachable += 1
    return report
