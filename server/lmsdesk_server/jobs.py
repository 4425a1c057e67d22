"""Background work a server runs by itself: today the order reconciliation job.

Each job is safe to run on every server process at once (it takes the same locks a request
does), so no process has to be elected to run it.
"""

from __future__ import annotations

import logging
import threading

from lmsdesk_server.commerce.service.reconciliation import reconcile_orders
from lmsdesk_server.context import ServerContext

_log = logging.getLogger(__name__)

#: Often enough that a missed webhook is healed within minutes of the checkout expiring.
RECONCILE_EVERY_SECONDS = 300.0


class PeriodicJobs:
    def __init__(self, context: ServerContext, *, every: float = RECONCILE_EVERY_SECONDS) -> None:
        self._context = context
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lmsdesk-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def run_once(self) -> None:
        try:
            report = reconcile_orders(self._context.session_factory, self._context.payments)
        except Exception:
            # A database outage: the next round tries again.
            _log.exception("Order reconciliation failed; it runs again in %.0f s", self._every)
            return
        if report.settled or report.pending_checked:
            _log.info("Order reconciliation: %s", report)

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            self.run_once()
