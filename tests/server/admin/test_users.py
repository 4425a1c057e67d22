"""Users in the admin console (DESIGN.md 11.1), over HTTP on real PostgreSQL: finding them,
their orders and enrollments, roles, suspension ending every session, and the two rules no
request may break: an admin cannot suspend themselves, and the last active admin stays."""

from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.admin import SetUserArgs
from lmsdesk.contracts.common import Role
from lmsdesk_server.actor import Actor
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import User, UserRole
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.errors import ApiError
from lmsdesk_server.sync.service import door
from tests.factories import make_user
from tests.server.accounts.test_endpoints import bearer, error_code, login
from tests.server.admin.helpers import ADMIN_API, audit_actions, buy
from tests.server.sync.helpers import PAID, DeviceFactory


def test_search_finds_users_by_name_or_email_and_role(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    make_user(session, email="grace@example.com", full_name="Grace Hopper")
    make_user(session, email="alan@example.com", full_name="Alan Turing")
    make_user(session, email="ines@example.com", full_name="Ines", roles=(Role.INSTRUCTOR,))

    def emails(**params: object) -> list[str]:
        page = client.get(f"{ADMIN_API}/users", params=params, headers=admin_headers)
        assert page.status_code == 200, page.text
        return sorted(u["email"] for u in page.json()["items"])

    assert emails(q="HOPPER") == ["grace@example.com"]
    assert emails(q="alan@") == ["alan@example.com"]
    assert emails(role="instructor") == ["ines@example.com"]
    assert emails(q="nobody-by-this-name") == []
    first = client.get(f"{ADMIN_API}/users", params={"limit": 2}, headers=admin_headers).json()
    assert len(first["items"]) == 2
    assert first["total"] >= 4


@pytest.mark.usefixtures("seeded")
def test_a_user_s_detail_shows_what_they_bought_and_hold(
    client: TestClient, student: User, admin_headers: dict[str, str]
) -> None:
    order_id = buy(client, student)
    detail = client.get(f"{ADMIN_API}/users/{student.id}", headers=admin_headers)
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["user"]["email"] == student.email
    assert body["user"]["roles"] == ["student"]
    [order] = body["orders"]
    assert (order["id"], order["status"], order["course_title"]) == (
        str(order_id),
        "completed",
        "Practical SQLite",
    )
    [enrollment] = body["enrollments"]
    assert (enrollment["course_id"], enrollment["source"]) == (str(PAID), "purchase")
    missing = client.get(f"{ADMIN_API}/users/{uuid.uuid4()}", headers=admin_headers)
    assert (missing.status_code, error_code(missing)) == (404, "not_found")


def test_only_admins_reach_the_console(client: TestClient, student: User, instructor: User) -> None:
    for user in (student, instructor):
        headers = bearer(login(client, user.email)["access_token"])
        answer = client.get(f"{ADMIN_API}/users", headers=headers)
        assert (answer.status_code, error_code(answer)) == (403, "forbidden")
        change = client.patch(
            f"{ADMIN_API}/users/{user.id}", json={"roles": ["admin"]}, headers=headers
        )
        assert change.status_code == 403
    assert client.get(f"{ADMIN_API}/users").status_code == 401


def test_roles_change_and_the_change_is_audited(
    client: TestClient, session: Session, admin: User, admin_headers: dict[str, str]
) -> None:
    user = make_user(session, email="new-teacher@example.com")
    answer = client.patch(
        f"{ADMIN_API}/users/{user.id}",
        json={"roles": ["student", "instructor"], "reason": "teaches the SQL course"},
        headers=admin_headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["roles"] == ["instructor", "student"]
    me = client.get("/api/v1/me", headers=bearer(login(client, user.email)["access_token"]))
    assert sorted(me.json()["roles"]) == ["instructor", "student"]
    [entry] = audit_actions(client, admin_headers, "user.roles")
    assert entry["actor_email"] == admin.email
    assert entry["reason"] == "teaches the SQL course"
    assert entry["details"]["before"]["roles"] == ["student"]
    assert "new-teacher@example.com" in entry["summary"]

    again = client.patch(
        f"{ADMIN_API}/users/{user.id}",
        json={"roles": ["student", "instructor"]},
        headers=admin_headers,
    )
    assert again.status_code == 200
    assert len(audit_actions(client, admin_headers, "user.roles")) == 1, "no change, no entry"
    empty = client.patch(f"{ADMIN_API}/users/{user.id}", json={"roles": []}, headers=admin_headers)
    assert empty.status_code == 422, "a user keeps at least one role"


def test_suspending_a_user_ends_every_session_at_once_and_reactivating_lets_them_back(
    client: TestClient, student: User, admin_headers: dict[str, str]
) -> None:
    laptop, phone = login(client, student.email), login(client, student.email)
    suspend = client.patch(
        f"{ADMIN_API}/users/{student.id}",
        json={"is_active": False, "reason": "chargeback fraud"},
        headers=admin_headers,
    )
    assert suspend.status_code == 200, suspend.text
    assert suspend.json()["is_active"] is False
    for tokens in (laptop, phone):
        assert client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401
        refresh = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refresh.status_code == 401
    refused = client.post(
        "/api/v1/auth/login", json={"email": student.email, "password": "correct horse battery"}
    )
    assert refused.status_code in (401, 403)

    back = client.patch(
        f"{ADMIN_API}/users/{student.id}", json={"is_active": True}, headers=admin_headers
    )
    assert back.status_code == 200
    assert back.json()["is_active"] is True
    assert login(client, student.email)["access_token"]
    assert [e["action"] for e in audit_actions(client, admin_headers, "user")] == [
        "user.reactivate",
        "user.suspend",
    ]


def test_an_admin_cannot_suspend_themselves_and_the_last_admin_stays_admin(
    client: TestClient, session: Session, admin: User, admin_headers: dict[str, str]
) -> None:
    own = client.patch(
        f"{ADMIN_API}/users/{admin.id}",
        json={"is_active": False, "reason": "testing"},
        headers=admin_headers,
    )
    assert (own.status_code, error_code(own)) == (409, "self_suspend")
    demote = client.patch(
        f"{ADMIN_API}/users/{admin.id}", json={"roles": ["student"]}, headers=admin_headers
    )
    assert (demote.status_code, error_code(demote)) == (409, "last_admin")
    assert "last active admin" in demote.json()["error"]["message"]

    other = make_user(session, email="second-admin@example.com", roles=(Role.ADMIN,))
    assert (
        client.patch(
            f"{ADMIN_API}/users/{admin.id}", json={"roles": ["student"]}, headers=admin_headers
        ).status_code
        == 200
    ), "with a second admin, the first may step down"
    # The demoted admin's token still names the admin role, but the console asks the
    # database: the next request is refused.
    again = client.get(f"{ADMIN_API}/users", headers=admin_headers)
    assert again.status_code == 403
    other_headers = bearer(login(client, other.email)["access_token"])
    assert audit_actions(client, other_headers, "user.roles")[0]["actor_email"] == admin.email


def test_an_offline_admin_decision_arrives_through_sync_and_a_student_s_is_refused(
    session: Session, admin: User, student: User, device_for: DeviceFactory
) -> None:
    target = make_user(session, email="to-suspend@example.com")
    admin_device = device_for(admin)
    decision = admin_device.mutation(
        m.ADMIN_SET_USER,
        action_id=uuid.uuid4(),
        user_id=target.id,
        is_active=False,
        reason="spam",
    )
    [result] = admin_device.push(decision)["results"]
    assert result["status"] == "applied", result
    session.expire_all()
    assert session.get(User, target.id).is_active is False  # type: ignore[union-attr]
    assert admin_device.push(decision)["results"][0]["status"] == "duplicate"

    hostile = device_for(student).mutation(
        m.ADMIN_SET_USER, action_id=uuid.uuid4(), user_id=student.id, roles=["admin"]
    )
    [refused] = device_for(student).push(hostile)["results"]
    assert refused["status"] == "rejected"
    assert "admin" in refused["reason"].lower()
    session.expire_all()
    roles = session.query(UserRole.role).filter(UserRole.user_id == student.id).all()
    assert [r for (r,) in roles] == [Role.STUDENT]


# ---------------------------------------------------------------- races
def _demote(context: ServerContext, actor: User, target: User, outcomes: list[str]) -> None:
    try:
        with transaction(context.session_factory) as db:
            door.run(
                db,
                Actor(actor.id, actor.email, frozenset({Role.ADMIN})),
                m.ADMIN_SET_USER,
                SetUserArgs(action_id=uuid.uuid4(), user_id=target.id, roles=[Role.STUDENT]),
            )
        outcomes.append("demoted")
    except ApiError as exc:
        outcomes.append(exc.code)


def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    racing_context: ServerContext,
) -> None:
    """Without the roster lock both see another active admin and both succeed: no admin left."""
    with transaction(racing_context.session_factory) as db:
        db.execute(update(User).where(User.email == "admin@example.com").values(is_active=False))
        first = make_user(db, email="race-admin-1@example.com", roles=(Role.ADMIN,))
        second = make_user(db, email="race-admin-2@example.com", roles=(Role.ADMIN,))
    for round_ in range(15):
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def run(
            a: User, b: User, outcomes: list[str] = outcomes, start: threading.Barrier = start
        ) -> None:
            start.wait()
            _demote(racing_context, a, b, outcomes)

        threads = [
            threading.Thread(target=run, args=pair) for pair in ((first, second), (second, first))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["demoted", "last_admin"], (round_, outcomes)
        with transaction(racing_context.session_factory) as db:
            admins = db.query(UserRole).filter(UserRole.role == Role.ADMIN).count()
            assert admins == 2, "the demo admin (suspended) and exactly one racer"
            for user in (first, second):  # both admins again for the next round
                db.merge(UserRole(user_id=user.id, role=Role.ADMIN))


@pytest.mark.usefixtures("seeded")
def test_a_suspended_user_s_media_links_and_sync_stop_at_once(
    client: TestClient,
    session: Session,
    student: User,
    admin_headers: dict[str, str],
    device_for: DeviceFactory,
) -> None:
    """REST, sync and media: a link signed before the suspension plays no more after it."""
    from tests.server.sync.helpers import FREE, enroll

    enroll(session, student, FREE)
    device = device_for(student)
    video = demo_id("asset:welcome.mp4")
    answer = client.post(
        f"/api/v1/media/{video}/link", headers={"Authorization": f"Bearer {device.token}"}
    )
    assert answer.status_code == 200, answer.text
    link = answer.json()["url"]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    suspend = client.patch(
        f"{ADMIN_API}/users/{student.id}",
        json={"is_active": False, "reason": "abuse"},
        headers=admin_headers,
    )
    assert suspend.status_code == 200
    assert client.get(f"/{path}").status_code in (401, 403)
    pushed = client.post(
        "/api/v1/sync/pull",
        json={"device_id": str(device.device_id), "protocol": 1, "cursor": None, "limit": 10},
        headers={"Authorization": f"Bearer {device.token}"},
    )
    assert pushed.status_code == 401
