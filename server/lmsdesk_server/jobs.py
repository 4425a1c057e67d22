"""Background work a server runs by itself: order reconciliation, and mail delivery.

Each job is safe to run on every server process at once (it takes the same locks a request
does, or skips what another process holds), so no process has to be elected to run it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from lmsdesk_server.commerce.service.reconciliation import reconcile_orders
from lmsdesk_server.context import ServerContext
from lmsdesk_server.mail.delivery import deliver_due

_log = logging.getLogger(__name__)

#: Often enough that a missed webhook is healed within minutes of the checkout expiring.
RECONCILE_EVERY_SECONDS = 300.0
#: A mailed code should arrive while the person is still looking at the app.
MAIL_EVERY_SECONDS = 3.0
#: Failed-login rows of keys never tried again; each key also prunes its own when tried.
PRUNE_EVERY_SECONDS = 3600.0


@dataclass
class _Job:
    name: str
    every: float
    run: Callable[[], None]
    due: float = 0.0


class PeriodicJobs:
    def __init__(
        self,
        context: ServerContext,
        *,
        every: float = RECONCILE_EVERY_SECONDS,
        mail_every: float = MAIL_EVERY_SECONDS,
    ) -> None:
        self._context = context
        start = time.monotonic()
        self._jobs = [
            _Job("order reconciliation", every, self.reconcile, start + every),
            _Job("mail delivery", mail_every, self.deliver_mail, start),
            _Job("login throttle pruning", PRUNE_EVERY_SECONDS, self.prune_throttle, start),
        ]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lmsdesk-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def run_once(self) -> None:
        """Every job, now (the CLI's `reconcile`, and tests)."""
        for job in self._jobs:
            self._guarded(job)

    def reconcile(self) -> None:
        report = reconcile_orders(self._context.session_factory, self._context.payments)
        if report.settled or report.pending_checked:
            _log.info("Order reconciliation: %s", report)

    def deliver_mail(self) -> None:
        context = self._context
        report = deliver_due(
            context.session_factory, context.mail, sender=context.settings.mail_from
        )
        if report.sent or report.failed:
            _log.info("Mail delivery: %s", report)

    def prune_throttle(self) -> None:
        self._context.throttle.prune()

    def _guarded(self, job: _Job) -> None:
        try:
            job.run()
        except Exception:
            # A database outage: the next round tries again.
            _log.exception("The %s job failed; it runs again in %.0f s", job.name, job.every)

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            now = time.monotonic()
            for job in self._jobs:
                if now >= job.due:
                    self._guarded(job)
                    job.due = time.monotonic() + job.every
