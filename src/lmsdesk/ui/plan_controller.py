"""The all-access plan, as the Purchases page drives it: its state from the local store after
each sync (offline too), Subscribe and Manage opening the provider's pages in the browser."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl

from lmsdesk.contracts.subscriptions import Plan
from lmsdesk.services.subscription import PlanState, SubscriptionService
from lmsdesk.ui.failures import explain
from lmsdesk.ui.plan_card import PlanCard
from lmsdesk.ui.tasks import Lane, TaskManager


class PlanController(QObject):
    def __init__(
        self,
        *,
        service: SubscriptionService,
        tasks: TaskManager,
        card: PlanCard,
        open_url: Callable[[QUrl], bool],
    ) -> None:
        super().__init__(card)
        self._service, self._tasks, self._card = service, tasks, card
        self.open_url = open_url
        card.subscribe_requested.connect(self.subscribe)
        card.manage_requested.connect(self.manage)

    def refresh(self) -> None:
        def show(state: PlanState | None) -> None:
            self._card.show_state(state)

        self._tasks.run(self._service.state, on_success=show)

    def subscribe(self, plan: Plan) -> None:
        self._browse(lambda: self._service.subscribe(plan), "Opening the payment page…")

    def manage(self) -> None:
        self._browse(self._service.portal, "Opening your subscription's page…")

    def _browse(self, fetch: Callable[[], str], working: str) -> None:
        self._card.show_note(working)

        def opened(url: str) -> None:
            self._card.show_note(
                "Finish in your browser; this page changes after the next sync."
                if self.open_url(QUrl(url))
                else f"Open this address in a browser: {url}"
            )

        self._tasks.run(
            fetch,
            on_success=opened,
            on_failure=lambda e: self._card.show_note(explain(e, doing="opening the plan") or ""),
            lane=Lane.IO,
        )
