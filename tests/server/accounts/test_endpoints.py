"""Every account flow of DESIGN.md section 7, through HTTP, on real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import RefreshToken, User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.support.server_keys import TEST_JWT_SECRET

API = "/api/v1"


def login(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
    response = client.post(f"{API}/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_code(response: object) -> str:
    code: str = response.json()["error"]["code"]  # type: ignore[attr-defined]
    return code


# ---------------------------------------------------------------- /me: 401 before the happy path
def test_me_without_token_is_401(client: TestClient) -> None:
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_with_tampered_token_is_401(client: TestClient, session: Session) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    response = client.get(f"{API}/me", headers=bearer(tampered))
    assert response.status_code == 401
    assert error_code(response) == "token_invalid"


def test_token_signed_with_another_secret_is_401(client: TestClient, session: Session) -> None:
    user = make_user(session)
    forged = jwt.encode(
        {
            "sub": str(user.id),
            "iss": "lmsdesk",
            "typ": "access",
            "iat": datetime.now(UTC),
            "exp": datetime.now(UTC) + timedelta(minutes=5),
        },
        "not-the-server-secret-but-long-enough-for-hs256",
        algorithm="HS256",
    )
    assert client.get(f"{API}/me", headers=bearer(forged)).status_code == 401


def test_expired_access_token_is_401(
    client: TestClient, session: Session, context: ServerContext
) -> None:
    user = make_user(session)
    session_id = uuid.uuid4()
    stale = context.access_tokens.issue(
        user.id, session_id, now=datetime.now(UTC) - timedelta(minutes=16)
    )
    response = client.get(f"{API}/me", headers=bearer(stale))
    assert response.status_code == 401
    assert error_code(response) == "token_expired"


def test_access_token_lives_15_minutes(client: TestClient, session: Session) -> None:
    user = make_user(session)
    pair = login(client, user.email)
    assert pair["expires_in"] == 15 * 60
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_me_lists_roles(client: TestClient, session: Session) -> None:
    user = make_user(session, roles=(Role.INSTRUCTOR, Role.ADMIN), full_name="Ines")
    token = login(client, user.email)["access_token"]
    body = client.get(f"{API}/me", headers=bearer(token)).json()
    assert body["email"] == user.email
    assert body["full_name"] == "Ines"
    assert sorted(body["roles"]) == ["admin", "instructor"]


def test_deactivated_user_loses_access_at_once(client: TestClient, session: Session) -> None:
    user = make_user(session)
    token = login(client, user.email)["access_token"]
    user.is_active = False
    session.flush()
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 401


# ---------------------------------------------------------------- register
def test_register_creates_a_student_with_a_hashed_password(
    client: TestClient, session: Session
) -> None:
    response = client.post(
        f"{API}/auth/register",
        json={"email": "New.Person@Example.com", "password": "long enough pw", "full_name": "N P"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["roles"] == ["student"]
    user = session.scalars(select(User).where(User.email == "new.person@example.com")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "long enough pw" not in user.password_hash


def test_register_refuses_a_duplicate_email_in_any_case(
    client: TestClient, session: Session
) -> None:
    make_user(session, email="taken@example.com")
    response = client.post(
        f"{API}/auth/register",
        json={"email": "TAKEN@example.com", "password": "long enough pw", "full_name": "X"},
    )
    assert response.status_code == 409
    assert error_code(response) == "email_taken"


@pytest.mark.parametrize(
    ("look_alike", "status", "code"),
    [
        ("ѕtudent.one@example.com", 409, "email_look_alike"),  # Cyrillic dze
        ("student.one@exаmple.com", 409, "email_look_alike"),  # Cyrillic a in the domain
        ("stu\u0301dent.one@example.com", 409, "email_look_alike"),  # a combining accent
        ("stu\u0501ent.one@example.com", 409, "email_look_alike"),  # Cyrillic komi de
        ("ｓｔｕｄｅｎｔ.one@example.com", 409, "email_taken"),  # fullwidth: NFKC makes it the same
        ("Student.One@EXAMPLE.com", 409, "email_taken"),
        ("stud\u200bent.one@example.com", 422, "validation_error"),  # an invisible space
    ],
)
def test_a_look_alike_of_an_existing_email_is_refused_and_changes_nothing(
    client: TestClient, session: Session, look_alike: str, status: int, code: str
) -> None:
    client.post(
        f"{API}/auth/register",
        json={"email": "student.one@example.com", "password": "long enough pw", "full_name": "A"},
    )
    before = session.scalar(select(func.count()).select_from(User))
    response = client.post(
        f"{API}/auth/register",
        json={"email": look_alike, "password": "long enough pw", "full_name": "Impostor"},
    )
    assert response.status_code == status, response.text
    assert error_code(response) == code
    assert "looks the same" in response.json()["error"]["message"] or code != "email_look_alike"
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_emails_are_stored_nfkc_normalised_and_sign_in_either_way(client: TestClient) -> None:
    response = client.post(
        f"{API}/auth/register",
        json={"email": "ﬁnn@example.com", "password": "long enough pw", "full_name": "Finn"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "finn@example.com"
    for typed in ("finn@example.com", "ﬁnn@example.com", "ＦＩＮＮ@example.com"):
        login(client, typed, "long enough pw")


def test_a_different_address_is_not_a_look_alike(client: TestClient) -> None:
    for email in ("sam@example.com", "pam@example.com", "sam2@example.com"):
        response = client.post(
            f"{API}/auth/register",
            json={"email": email, "password": "long enough pw", "full_name": "S"},
        )
        assert response.status_code == 201, (email, response.text)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": "long enough pw", "full_name": "X"}, "email"),
        ({"email": "a@example.com", "password": "short", "full_name": "X"}, "password"),
        ({"email": "a@example.com", "password": "long enough pw", "full_name": "  "}, "full_name"),
        (
            {
                "email": "a@example.com",
                "password": "long enough pw",
                "full_name": "X",
                "roles": ["admin"],
            },
            "roles",
        ),
    ],
)
def test_register_refuses_bad_input_and_changes_nothing(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    before = session.scalar(select(func.count()).select_from(User))
    response = client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["message"]
    assert "long enough pw" not in response.text  # never echo a password back
    assert session.scalar(select(func.count()).select_from(User)) == before


# ---------------------------------------------------------------- login
def test_wrong_password_and_unknown_email_answer_the_same(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    wrong = client.post(f"{API}/auth/login", json={"email": user.email, "password": "nope"})
    unknown = client.post(
        f"{API}/auth/login", json={"email": "nobody@example.com", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert error_code(wrong) == "invalid_credentials"


def test_login_is_case_insensitive_on_email(client: TestClient, session: Session) -> None:
    make_user(session, email="mixed@example.com")
    assert login(client, "MiXeD@Example.com")["access_token"]


def test_inactive_user_cannot_sign_in(client: TestClient, session: Session) -> None:
    user = make_user(session, is_active=False)
    response = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 403
    assert error_code(response) == "account_disabled"


def test_refresh_tokens_are_stored_hashed(client: TestClient, session: Session) -> None:
    user = make_user(session)
    refresh = login(client, user.email)["refresh_token"]
    hashes = session.scalars(
        select(RefreshToken.token_hash).where(RefreshToken.user_id == user.id)
    ).all()
    assert len(hashes) == 1
    assert refresh not in hashes[0]
    assert len(hashes[0]) == 64


def test_login_is_rate_limited_with_retry_after(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for _ in range(5):  # the test context allows 5 failures per window
        bad = client.post(f"{API}/auth/login", json={"email": user.email, "password": "nope"})
        assert bad.status_code == 401
    blocked = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert blocked.status_code == 429
    assert error_code(blocked) == "too_many_attempts"
    assert 0 < int(blocked.headers["Retry-After"]) <= 300


# ---------------------------------------------------------------- refresh and logout
def test_refresh_rotates_the_token(client: TestClient, session: Session) -> None:
    user = make_user(session)
    first = login(client, user.email)
    rotated = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get(f"{API}/me", headers=bearer(second["access_token"])).status_code == 200


def _rotate(client: TestClient, refresh: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/refresh", json={"refresh_token": refresh})
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def _age_rotation(session: Session, user: User, seconds: int) -> None:
    """Move the rotations of this user's tokens `seconds` into the past."""
    for row in session.scalars(select(RefreshToken).where(RefreshToken.user_id == user.id)):
        if row.revoked_at is not None:
            row.revoked_at -= timedelta(seconds=seconds)
    session.flush()


def test_a_refresh_whose_answer_was_lost_gets_the_same_successor_again(
    client: TestClient, session: Session
) -> None:
    # The server rotated the token, and the answer never reached the laptop (a dropped
    # connection, a kill): the laptop still holds the old token and presents it again.
    user = make_user(session)
    old = login(client, user.email)["refresh_token"]
    lost = _rotate(client, old)
    again = _rotate(client, old)
    assert again["refresh_token"] == lost["refresh_token"]
    assert client.get(f"{API}/me", headers=bearer(again["access_token"])).status_code == 200
    # Nothing was revoked: the successor keeps working.
    assert _rotate(client, again["refresh_token"])["refresh_token"] != again["refresh_token"]


def test_reusing_a_rotated_token_after_the_grace_period_revokes_the_whole_family(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    pair = login(client, user.email)
    old = pair["refresh_token"]
    new = _rotate(client, old)
    _age_rotation(session, user, 31)

    reuse = client.post(f"{API}/auth/refresh", json={"refresh_token": old})
    assert reuse.status_code == 401
    assert error_code(reuse) == "refresh_reused"
    # The legitimate holder of the newest token is signed out too: the family is burnt, and
    # its access tokens stop at once.
    after = client.post(f"{API}/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert after.status_code == 401
    assert client.get(f"{API}/me", headers=bearer(new["access_token"])).status_code == 401


def test_reusing_a_rotated_token_whose_successor_was_used_revokes_at_once(
    client: TestClient, session: Session
) -> None:
    # Within the grace period, but the successor has been used: two holders, not a lost answer.
    user = make_user(session)
    old = login(client, user.email)["refresh_token"]
    second = _rotate(client, old)
    third = _rotate(client, second["refresh_token"])
    reuse = client.post(f"{API}/auth/refresh", json={"refresh_token": old})
    assert reuse.status_code == 401
    assert error_code(reuse) == "refresh_reused"
    assert client.get(f"{API}/me", headers=bearer(third["access_token"])).status_code == 401


def test_reuse_does_not_touch_other_sign_ins(client: TestClient, session: Session) -> None:
    user = make_user(session)
    laptop = login(client, user.email)["refresh_token"]
    phone_old = login(client, user.email)["refresh_token"]
    client.post(f"{API}/auth/refresh", json={"refresh_token": phone_old})
    client.post(f"{API}/auth/refresh", json={"refresh_token": phone_old})  # reuse on the phone
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": laptop}).status_code == 200


def test_unknown_refresh_token_is_401(client: TestClient) -> None:
    response = client.post(f"{API}/auth/refresh", json={"refresh_token": "x" * 43})
    assert response.status_code == 401


def test_expired_refresh_token_is_401(client: TestClient, session: Session) -> None:
    user = make_user(session)
    refresh = login(client, user.email)["refresh_token"]
    row = session.scalars(select(RefreshToken).where(RefreshToken.user_id == user.id)).one()
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    session.flush()
    response = client.post(f"{API}/auth/refresh", json={"refresh_token": refresh})
    assert response.status_code == 401
    assert error_code(response) == "refresh_expired"


def test_logout_ends_the_session(client: TestClient, session: Session) -> None:
    user = make_user(session)
    refresh = login(client, user.email)["refresh_token"]
    assert client.post(f"{API}/auth/logout", json={"refresh_token": refresh}).status_code == 204
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    # Logging out twice is harmless.
    assert client.post(f"{API}/auth/logout", json={"refresh_token": refresh}).status_code == 204


def test_logout_stops_that_sign_ins_access_token_at_once(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    laptop = login(client, user.email)
    phone = login(client, user.email)
    client.post(f"{API}/auth/logout", json={"refresh_token": laptop["refresh_token"]})
    assert client.get(f"{API}/me", headers=bearer(laptop["access_token"])).status_code == 401
    assert client.get(f"{API}/me", headers=bearer(phone["access_token"])).status_code == 200


def test_sign_out_everywhere_ends_every_sign_in_and_its_access_tokens(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    other = make_user(session)
    laptop, phone = login(client, user.email), login(client, user.email)
    bystander = login(client, other.email)
    response = client.post(
        f"{API}/auth/logout", json={"refresh_token": phone["refresh_token"], "everywhere": True}
    )
    assert response.status_code == 204
    for pair in (laptop, phone):
        assert client.get(f"{API}/me", headers=bearer(pair["access_token"])).status_code == 401
        refresh = client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert refresh.status_code == 401
    assert client.get(f"{API}/me", headers=bearer(bystander["access_token"])).status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 10**12},
        {"exp": 1e30},
        {"sid": "not-a-uuid"},
        {"sid": 7},
        {"sub": 12},
    ],
)
def test_a_well_signed_token_with_impossible_claims_is_401_not_500(
    client: TestClient, session: Session, claims: dict[str, object]
) -> None:
    user = make_user(session)
    body = {
        "sub": str(user.id),
        "sid": str(uuid.uuid4()),
        "iss": "lmsdesk",
        "typ": "access",
        "iat": int(datetime.now(UTC).timestamp()),
        "exp": int(datetime.now(UTC).timestamp()) + 60,
    } | claims
    token = jwt.encode(body, TEST_JWT_SECRET, algorithm="HS256")
    response = client.get(f"{API}/me", headers=bearer(token))
    assert response.status_code == 401
    assert error_code(response) == "token_invalid"


def test_health_reports_version_and_database(client: TestClient) -> None:
    body = client.get(f"{API}/health").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"]
