"""Verifying an email address and resetting a forgotten password (DESIGN.md 11.1), over HTTP
on real PostgreSQL: the mailed code in the outbox, single use, expiry, no enumeration, other
sessions ended, throttled guessing, and two confirmations at once."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lmsdesk_server.accounts.service.codes import MailedCodes
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import AccountCode, MailMessage, User
from lmsdesk_server.errors import ApiError
from tests.factories import DEFAULT_PASSWORD, make_course, make_user
from tests.server.accounts.test_endpoints import API, bearer, error_code, login

CODE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


def mails_to(session: Session, address: str) -> list[MailMessage]:
    session.expire_all()
    stmt = select(MailMessage).where(MailMessage.to_address == address)
    return list(session.scalars(stmt.order_by(MailMessage.created_at, MailMessage.id)))


def code_in(mail: MailMessage) -> str:
    found = CODE.search(mail.text_body)
    assert found is not None, mail.text_body
    assert found.group(1) in mail.html_body, "the HTML alternative carries the same code"
    return found.group(1)


def register(client: TestClient, email: str) -> None:
    answer = client.post(
        f"{API}/auth/register",
        json={"email": email, "password": "a long passphrase", "full_name": "Rita"},
    )
    assert answer.status_code == 201, answer.text


# ---------------------------------------------------------------- verify
def test_registration_mails_a_code_that_verifies_the_address_once(
    client: TestClient, session: Session
) -> None:
    register(client, "rita@example.com")
    [mail] = mails_to(session, "rita@example.com")
    assert mail.subject == "Confirm your email address for LMSDesk"
    code = code_in(mail)
    assert "/account/verify-email?token=" in mail.text_body
    token = login(client, "rita@example.com", "a long passphrase")["access_token"]
    assert client.get(f"{API}/me", headers=bearer(token)).json()["email_verified_at"] is None

    typed = code.lower().replace("-", " ")  # as a person might type it
    assert client.post(f"{API}/auth/verify-email", json={"token": typed}).status_code == 204
    assert client.get(f"{API}/me", headers=bearer(token)).json()["email_verified_at"]
    again = client.post(f"{API}/auth/verify-email", json={"token": code})
    assert again.status_code == 400
    assert error_code(again) == "code_invalid"


def test_an_unverified_student_learns_free_courses_but_cannot_buy(
    client: TestClient, session: Session
) -> None:
    student = make_user(session, email_verified_at=None)
    instructor = make_user(session, roles=())
    paid = make_course(session, instructor=instructor, price_cents=1999, status="approved")
    token = login(client, student.email)["access_token"]
    answer = client.post(
        f"{API}/checkout/sessions", json={"course_id": str(paid.id)}, headers=bearer(token)
    )
    assert answer.status_code == 403
    assert error_code(answer) == "email_not_verified"
    assert "Free courses work without it" in answer.json()["error"]["message"]


def test_the_verification_page_confirms_only_when_its_button_is_pressed(
    client: TestClient, session: Session
) -> None:
    register(client, "pia@example.com")
    code = code_in(mails_to(session, "pia@example.com")[0])
    page = client.get("/account/verify-email", params={"token": code})
    assert page.status_code == 200
    assert "Confirm my address" in page.text
    user = session.scalars(select(User).where(User.email == "pia@example.com")).one()
    session.refresh(user)
    assert user.email_verified_at is None, "a mail scanner opening the link verifies nothing"
    done = client.post(
        "/account/verify-email",
        content=f"token={code}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200
    assert "confirmed" in done.text
    session.refresh(user)
    assert user.email_verified_at is not None


def test_a_new_verification_mail_waits_a_minute_and_replaces_the_old_code(
    client: TestClient, session: Session
) -> None:
    register(client, "ola@example.com")
    first = code_in(mails_to(session, "ola@example.com")[0])
    token = login(client, "ola@example.com", "a long passphrase")["access_token"]
    too_soon = client.post(f"{API}/me/verify-email/resend", headers=bearer(token))
    assert too_soon.status_code == 429
    assert error_code(too_soon) == "mail_recently_sent"
    session.execute(update(AccountCode).values(created_at=datetime.now(UTC) - timedelta(minutes=2)))
    assert client.post(f"{API}/me/verify-email/resend", headers=bearer(token)).status_code == 202
    mailed = {code_in(mail) for mail in mails_to(session, "ola@example.com")}
    assert len(mailed) == 2
    [second] = mailed - {first}
    old = client.post(f"{API}/auth/verify-email", json={"token": first})
    assert error_code(old) == "code_invalid", "only the latest code works"
    assert client.post(f"{API}/auth/verify-email", json={"token": second}).status_code == 204
    verified = client.post(f"{API}/me/verify-email/resend", headers=bearer(token))
    assert error_code(verified) == "already_verified"


# ---------------------------------------------------------------- reset
def test_reset_answers_the_same_for_any_address_and_mails_only_real_accounts(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    for email in (user.email, "nobody-here@example.com"):
        answer = client.post(f"{API}/auth/password-reset/request", json={"email": email})
        assert answer.status_code == 202
        assert answer.content == b""
    assert len(mails_to(session, user.email)) == 1
    assert mails_to(session, "nobody-here@example.com") == []


def test_a_reset_sets_the_password_and_signs_out_every_device(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    laptop = login(client, user.email)
    phone = login(client, user.email)
    client.post(f"{API}/auth/password-reset/request", json={"email": user.email.upper()})
    [mail] = mails_to(session, user.email)
    assert mail.subject == "Reset your LMSDesk password"
    assert "30 minutes" in mail.text_body
    code = code_in(mail)

    weak = client.post(
        f"{API}/auth/password-reset/confirm", json={"token": code, "new_password": "short"}
    )
    assert weak.status_code == 422, "a refused password does not use up the code"
    done = client.post(
        f"{API}/auth/password-reset/confirm",
        json={"token": code, "new_password": "a brand new passphrase"},
    )
    assert done.status_code == 204
    for device in (laptop, phone):
        assert client.get(f"{API}/me", headers=bearer(device["access_token"])).status_code == 401
        refreshed = client.post(
            f"{API}/auth/refresh", json={"refresh_token": device["refresh_token"]}
        )
        assert refreshed.status_code == 401
    failed = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert failed.status_code == 401
    login(client, user.email, "a brand new passphrase")
    reused = client.post(
        f"{API}/auth/password-reset/confirm",
        json={"token": code, "new_password": "yet another passphrase"},
    )
    assert error_code(reused) == "code_invalid"


def test_an_expired_reset_code_is_refused(client: TestClient, session: Session) -> None:
    user = make_user(session)
    client.post(f"{API}/auth/password-reset/request", json={"email": user.email})
    code = code_in(mails_to(session, user.email)[0])
    session.execute(update(AccountCode).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    late = client.post(
        f"{API}/auth/password-reset/confirm",
        json={"token": code, "new_password": "a brand new passphrase"},
    )
    assert late.status_code == 400
    assert error_code(late) == "code_invalid"


def test_guessing_codes_is_throttled(client: TestClient) -> None:
    answers = [
        client.post(f"{API}/auth/verify-email", json={"token": f"AAAA-AAAA-{n:04d}"})
        for n in range(7)
    ]
    assert [a.status_code for a in answers[:5]] == [400] * 5
    assert answers[-1].status_code == 429
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_two_confirmations_of_one_code_at_once_change_the_password_once(
    racing_context: ServerContext,
) -> None:
    for round_ in range(10):
        with transaction(racing_context.session_factory) as db:
            user = make_user(db, email=f"twice{round_}@example.com")
            codes(racing_context, db).request_reset(user.email)
        with transaction(racing_context.session_factory) as db:
            code = code_in(mails_to(db, user.email)[0])
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def confirm(
            password: str,
            code: str = code,
            outcomes: list[str] = outcomes,
            start: threading.Barrier = start,
        ) -> None:
            start.wait()
            try:
                with transaction(racing_context.session_factory) as db:
                    codes(racing_context, db).reset_password(
                        code, password, client_address=f"racer-{password}"
                    )
                outcomes.append("changed")
            except ApiError as exc:
                outcomes.append(exc.code)

        threads = [
            threading.Thread(target=confirm, args=(p,))
            for p in ("first new passphrase", "second new passphrase")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["changed", "code_invalid"], (round_, outcomes)


def codes(context: ServerContext, db: Session) -> MailedCodes:
    return MailedCodes(db, public_url="http://testserver", throttle=context.throttle)
