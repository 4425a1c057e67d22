"""Registrations racing each other on a real PostgreSQL: look-alike addresses sent at the same
moment still make one account."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from lmsdesk.contracts.auth import RegisterRequest
from lmsdesk_server.accounts.service import AccountService
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import User
from lmsdesk_server.errors import ApiError


def _register(context: ServerContext, email: str, outcomes: list[str]) -> None:
    try:
        with transaction(context.session_factory) as db:
            AccountService(
                db,
                access_tokens=context.access_tokens,
                refresh_lifetime=context.refresh_lifetime,
                throttle=context.throttle,
            ).register(RegisterRequest(email=email, password="long enough pw", full_name="R"))
        outcomes.append("created")
    except ApiError as exc:
        outcomes.append(exc.code)


def test_two_look_alike_registrations_at_once_make_one_account(
    racing_context: ServerContext,
) -> None:
    for round_ in range(25):
        latin, cyrillic = f"racer{round_}@example.com", f"rаcer{round_}@example.com"
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def run(
            email: str, outcomes: list[str] = outcomes, start: threading.Barrier = start
        ) -> None:
            start.wait()
            _register(racing_context, email, outcomes)

        threads = [threading.Thread(target=run, args=(e,)) for e in (latin, cyrillic)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["created", "email_look_alike"], (round_, outcomes)
        with transaction(racing_context.session_factory) as db:
            count = db.scalar(
                select(func.count()).select_from(User).where(User.email.like(f"r%cer{round_}@%"))
            )
        assert count == 1
