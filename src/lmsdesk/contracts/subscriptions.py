"""The all-access plan (DESIGN.md section 11.5): a subscription on Stripe Billing that grants
every approved course while it is active (enrollments with source `subscription`), keeps access
through `past_due` for a grace period, and ends it at the period's end after a cancellation."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from lmsdesk.contracts.common import WireModel

#: How long a failed renewal keeps access while the provider retries the payment.
GRACE = timedelta(days=7)
CURRENCY = "USD"


class Plan(StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"


#: What each plan costs and how often it renews (Stripe's `recurring.interval`).
PRICES: dict[Plan, tuple[int, str]] = {Plan.MONTHLY: (1200, "month"), Plan.YEARLY: (9900, "year")}


class SubscriptionStatus(StrEnum):
    """incomplete -> active | canceled; active <-> past_due; active | past_due -> canceled
    (final). Canceled ends access; past_due keeps it until its grace ends."""

    INCOMPLETE = "incomplete"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


class SubscriptionBody(WireModel):
    plan: Plan


class SubscriptionCheckout(WireModel):
    subscription_id: uuid.UUID
    url: str


class SubscriptionView(WireModel):
    id: uuid.UUID
    plan: Plan
    status: SubscriptionStatus
    current_period_end: datetime | None
    cancel_at_period_end: bool
    grace_until: datetime | None
    has_access: bool


class PortalLink(WireModel):
    """The provider's customer portal, where the student changes or cancels the plan."""

    url: str


def has_access(status: SubscriptionStatus, grace_until: datetime | None, now: datetime) -> bool:
    if status is SubscriptionStatus.ACTIVE:
        return True
    return status is SubscriptionStatus.PAST_DUE and grace_until is not None and now < grace_until
