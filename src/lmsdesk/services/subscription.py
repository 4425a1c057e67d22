"""The all-access plan from the client's side (DESIGN.md section 11.5): its state as last
synced (offline too), subscribing and managing it in the browser (online only: the payment
and the provider's portal are web pages). Blocking: call on a background lane."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.subscriptions import (
    CURRENCY,
    PRICES,
    Plan,
    SubscriptionStatus,
    has_access,
)
from lmsdesk.local_db.models.mirror import Subscription
from lmsdesk.services.purchases import PurchaseError
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded


def plan_price(plan: Plan) -> str:
    cents, interval = PRICES[plan]
    return f"{money_text(cents, CURRENCY)} a {interval}"


@dataclass(frozen=True)
class PlanState:
    plan: Plan
    status: SubscriptionStatus
    period_end: datetime | None
    cancel_at_period_end: bool
    grace_until: datetime | None

    @property
    def has_access(self) -> bool:
        return has_access(self.status, self.grace_until, datetime.now(UTC))

    @property
    def text(self) -> str:
        """The plan in words, with the date that matters."""
        name = f"All-access, {self.plan.value}"
        end = f"{self.period_end.astimezone():%d %b %Y}" if self.period_end else ""
        if self.status is SubscriptionStatus.ACTIVE and self.cancel_at_period_end:
            return f"{name}: cancelled, every course stays open until {end}."
        if self.status is SubscriptionStatus.ACTIVE:
            return f"{name}: every course is open to you. Renews on {end}."
        if self.status is SubscriptionStatus.PAST_DUE and self.has_access and self.grace_until:
            until = f"{self.grace_until.astimezone():%d %b %Y}"
            return f"{name}: the renewal payment failed. Courses stay open until {until}."
        if self.status is SubscriptionStatus.INCOMPLETE:
            return f"{name}: waiting for the payment."
        return "Your all-access plan has ended."


class SubscriptionService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def state(self) -> PlanState | None:
        store, current = self._session.store, self._session.current
        if store is None or current is None:
            return None
        with store.reading() as session:
            row = session.scalars(
                select(Subscription)
                .where(Subscription.student_id == current.profile.user_id)
                .order_by(Subscription.created_at.desc())
            ).first()
            if row is None:
                return None
            return PlanState(
                Plan(row.plan),
                SubscriptionStatus(row.status),
                row.current_period_end,
                row.cancel_at_period_end,
                row.grace_until,
            )

    def subscribe(self, plan: Plan) -> str:
        """The payment page's address."""
        return self._online(lambda: self._session.api_call(lambda a, t: a.subscribe(t, plan)).url)

    def portal(self) -> str:
        return self._online(
            lambda: self._session.api_call(lambda a, t: a.subscription_portal(t)).url
        )

    @staticmethod
    def _online(call: Callable[[], str]) -> str:
        try:
            return call()
        except ServerUnreachable as exc:
            raise PurchaseError(
                "The plan is bought and managed on the web: connect to the server first."
            ) from exc
        except ApiRejected as exc:
            raise PurchaseError(exc.message) from exc
        except SessionEnded as exc:
            raise PurchaseError(
                "Your sign-in has ended. Sign in again, then try once more."
            ) from exc
