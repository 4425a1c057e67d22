"""Background work in a PostgreSQL-backed queue (procrastinate; DESIGN.md section 12): order
reconciliation, mail delivery, pruning the login throttle, media garbage collection.

Each periodic job is deferred once per due time however many workers run (procrastinate's unique
periodic defers), and taken by one worker (`FOR UPDATE SKIP LOCKED`). `lmsdesk-server worker`
runs a worker; `serve` runs one in a thread unless told not to (`--no-jobs`), so a single box
needs nothing else and many boxes may each run one.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import procrastinate

from lmsdesk_server.analytics.service.daily import recompute_recent
from lmsdesk_server.commerce.service.reconciliation import reconcile_orders
from lmsdesk_server.context import ServerContext
from lmsdesk_server.mail.delivery import deliver_due
from lmsdesk_server.media.service.collection import collect_garbage
from lmsdesk_server.storefront.service import subscriptions

_log = logging.getLogger(__name__)

#: procrastinate's tables live in a schema of their own (migration 0009).
QUEUE_SCHEMA = "procrastinate"
#: Often enough that a missed webhook is healed within minutes of the checkout expiring.
RECONCILE_CRON = "*/5 * * * *"
#: A mailed code should arrive while the person is still looking at the app (every 3 s).
MAIL_CRON = "* * * * * */3"
PRUNE_CRON = "17 * * * *"
MEDIA_GC_CRON = "43 3 * * *"
#: The daily course metrics: today and the two days before, every ten minutes (the reports
#: are at most that far behind).
METRICS_CRON = "*/10 * * * *"
#: The all-access plan: courses approved since, grace periods ended (at most this late).
SUBSCRIPTIONS_CRON = "*/10 * * * *"


def _conninfo(database_url: str) -> str:
    """SQLAlchemy's URL (postgresql+psycopg://...) as libpq's."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def job_app(context: ServerContext) -> procrastinate.App:
    """The queue with LMSDesk's periodic jobs, bound to this process's context."""
    connector = procrastinate.PsycopgConnector(
        conninfo=_conninfo(context.engine.url.render_as_string(hide_password=False)),
        kwargs={"options": f"-c search_path={QUEUE_SCHEMA}"},
        min_size=1,
        max_size=4,
    )
    app = procrastinate.App(connector=connector)

    @app.periodic(cron=RECONCILE_CRON, periodic_id="reconcile")
    @app.task(name="lmsdesk.reconcile_orders", queue="maintenance")
    def reconcile(timestamp: int) -> None:  # noqa: ARG001 - the due time
        report = reconcile_orders(context.session_factory, context.payments)
        if report.settled or report.pending_checked:
            _log.info("Order reconciliation: %s", report)

    @app.periodic(cron=MAIL_CRON, periodic_id="mail")
    @app.task(name="lmsdesk.deliver_mail", queue="mail")
    def deliver_mail(timestamp: int) -> None:  # noqa: ARG001 - the due time
        report = deliver_due(
            context.session_factory, context.mail, sender=context.settings.mail_from
        )
        if report.sent or report.failed:
            _log.info("Mail delivery: %s", report)

    @app.periodic(cron=PRUNE_CRON, periodic_id="prune-throttle")
    @app.task(name="lmsdesk.prune_login_throttle", queue="maintenance")
    def prune_throttle(timestamp: int) -> None:  # noqa: ARG001 - the due time
        context.throttle.prune()

    @app.periodic(cron=METRICS_CRON, periodic_id="course-metrics")
    @app.task(name="lmsdesk.course_metrics", queue="maintenance")
    def course_metrics(timestamp: int) -> None:  # noqa: ARG001 - the due time
        report = recompute_recent(context.session_factory)
        _log.info("Daily course metrics: %s", report)

    @app.periodic(cron=SUBSCRIPTIONS_CRON, periodic_id="subscriptions")
    @app.task(name="lmsdesk.settle_subscriptions", queue="maintenance")
    def settle_subscriptions(timestamp: int) -> None:  # noqa: ARG001 - the due time
        looked_at = subscriptions.settle_all(context.session_factory)
        _log.info("Subscriptions settled: %d", looked_at)

    @app.periodic(cron=MEDIA_GC_CRON, periodic_id="media-gc")
    @app.task(name="lmsdesk.collect_media_garbage", queue="maintenance")
    def media_gc(timestamp: int) -> None:  # noqa: ARG001 - the due time
        report = collect_garbage(context.session_factory, context.media)
        if report.removed:
            _log.info("Media garbage collection: %s", report)

    del reconcile, deliver_mail, prune_throttle, media_gc  # registered on the app
    return app


WORKER_OPTIONS: dict[str, Any] = {
    # Periodic jobs are many and small: keep the table to what is waiting or failed.
    "delete_jobs": "successful",
    "fetch_job_polling_interval": 1.0,
    "shutdown_graceful_timeout": 30.0,
}


def run_worker(context: ServerContext) -> None:
    """`lmsdesk-server worker`: in the foreground until SIGINT or SIGTERM."""
    app = job_app(context)
    with app.open():
        app.run_worker(**WORKER_OPTIONS)


class BackgroundWorker:
    """A worker in a thread of `serve`, with its own event loop."""

    def __init__(
        self,
        context: ServerContext,
        *,
        name: str = "serve",
        app: procrastinate.App | None = None,
    ) -> None:
        self._app = app or job_app(context)
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lmsdesk-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def stop(self, timeout: float = 30) -> None:
        if self._loop is not None and self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        async with self._app.open_async():
            self._task = asyncio.create_task(
                self._app.run_worker_async(
                    name=self._name, install_signal_handlers=False, **WORKER_OPTIONS
                )
            )
            self._ready.set()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            except Exception:
                _log.exception("The background worker stopped")
