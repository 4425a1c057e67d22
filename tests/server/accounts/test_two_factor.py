"""Two-factor sign-in (TOTP, RFC 6238) and the profile, over HTTP on real PostgreSQL: set up,
confirm, sign in with a code (once each), recovery codes, turning it off; the profile's fields,
time zones, and a password change that signs out the other devices."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.accounts.test_endpoints import API, bearer, error_code, login


def _turn_on(client: TestClient, token: str) -> tuple[pyotp.TOTP, list[str]]:
    setup = client.post(f"{API}/me/mfa/totp", headers=bearer(token))
    assert setup.status_code == 200, setup.text
    body = setup.json()
    uri = urlsplit(body["otpauth_uri"])
    assert uri.scheme == "otpauth"
    assert parse_qs(uri.query)["issuer"] == ["LMSDesk"]
    assert parse_qs(uri.query)["secret"] == [body["secret"]]
    totp = pyotp.TOTP(body["secret"])
    confirmed = client.post(
        f"{API}/me/mfa/totp/confirm", json={"code": totp.now()}, headers=bearer(token)
    )
    assert confirmed.status_code == 200, confirmed.text
    codes: list[str] = confirmed.json()["recovery_codes"]
    return totp, codes


def _sign_in(client: TestClient, email: str, otp: str | None = None) -> Any:
    body = {"email": email, "password": DEFAULT_PASSWORD}
    if otp is not None:
        body["otp"] = otp
    return client.post(f"{API}/auth/login", json=body)


def _next_step(session: Session, user: User) -> None:
    """As if the code just used was from the previous 30 s step (instead of sleeping)."""
    session.execute(
        update(User).where(User.id == user.id).values(totp_last_step=int(time.time()) // 30 - 2)
    )


def test_once_confirmed_sign_in_needs_a_code_and_each_code_works_once(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    totp, recovery = _turn_on(client, token)
    assert len(recovery) == 10
    assert len(set(recovery)) == 10
    assert client.get(f"{API}/me", headers=bearer(token)).json()["two_factor"] is True

    stored = session.scalars(select(User).where(User.id == user.id)).one()
    session.refresh(stored)
    assert stored.totp_secret is not None
    assert totp.secret not in stored.totp_secret, "the secret is sealed, not stored in clear"

    missing = _sign_in(client, user.email)
    assert missing.status_code == 401
    assert error_code(missing) == "otp_required"
    wrong_password = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": "nope nope", "otp": "123456"}
    )
    assert error_code(wrong_password) == "invalid_credentials", "the password is checked first"
    wrong = _sign_in(client, user.email, "000000" if totp.now() != "000000" else "111111")
    assert error_code(wrong) == "otp_invalid"

    _next_step(session, user)
    code = totp.now()
    assert _sign_in(client, user.email, code).status_code == 200
    replayed = _sign_in(client, user.email, code)
    assert error_code(replayed) == "otp_invalid", "a code that signed in once is spent"


def test_a_recovery_code_signs_in_once_and_a_code_turns_it_off(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    _, recovery = _turn_on(client, token)
    first = recovery[0].lower()  # typed carelessly
    assert _sign_in(client, user.email, first).status_code == 200
    assert error_code(_sign_in(client, user.email, first)) == "otp_invalid"

    again = client.post(f"{API}/me/mfa/totp", headers=bearer(token))
    assert error_code(again) == "two_factor_on"
    refused = client.request(
        "DELETE", f"{API}/me/mfa/totp", json={"code": "999999"}, headers=bearer(token)
    )
    assert error_code(refused) == "otp_invalid"
    off = client.request(
        "DELETE", f"{API}/me/mfa/totp", json={"code": recovery[1]}, headers=bearer(token)
    )
    assert off.status_code == 204
    assert _sign_in(client, user.email).status_code == 200
    assert client.get(f"{API}/me", headers=bearer(token)).json()["two_factor"] is False


def test_an_unconfirmed_setup_does_not_lock_anyone_out(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    client.post(f"{API}/me/mfa/totp", headers=bearer(token))  # the phone was never scanned
    assert _sign_in(client, user.email).status_code == 200
    bad = client.post(
        f"{API}/me/mfa/totp/confirm", json={"code": "12345678"}, headers=bearer(token)
    )
    assert error_code(bad) == "otp_invalid"


# ---------------------------------------------------------------- profile and password
def test_the_profile_changes_only_what_is_sent_and_knows_time_zones(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, full_name="Sam")
    token = login(client, user.email)["access_token"]
    changed = client.patch(
        f"{API}/me",
        json={"headline": "  Learns SQLite  ", "timezone": "Africa/Lagos"},
        headers=bearer(token),
    )
    assert changed.status_code == 200
    me = changed.json()
    assert (me["full_name"], me["headline"], me["timezone"]) == (
        "Sam",
        "Learns SQLite",
        "Africa/Lagos",
    )
    for zone in ("Mars/Olympus", "CET+1", "../etc/passwd"):
        refused = client.patch(f"{API}/me", json={"timezone": zone}, headers=bearer(token))
        assert refused.status_code == 422
        assert error_code(refused) == "timezone_unknown"
    assert client.get(f"{API}/me", headers=bearer(token)).json()["timezone"] == "Africa/Lagos"


def test_changing_the_password_signs_out_the_other_devices_only(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    here = login(client, user.email)
    elsewhere = login(client, user.email)
    wrong = client.post(
        f"{API}/me/password",
        json={"current_password": "not it at all", "new_password": "a new passphrase"},
        headers=bearer(here["access_token"]),
    )
    assert error_code(wrong) == "wrong_password"
    done = client.post(
        f"{API}/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "a new passphrase"},
        headers=bearer(here["access_token"]),
    )
    assert done.status_code == 204
    assert client.get(f"{API}/me", headers=bearer(here["access_token"])).status_code == 200
    assert client.get(f"{API}/me", headers=bearer(elsewhere["access_token"])).status_code == 401
    login(client, user.email, "a new passphrase")
