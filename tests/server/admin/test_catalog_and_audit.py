"""The category tree and archiving from the console, seen by every client at its next sync, and
the audit that no one can edit (DESIGN.md 11.1)."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.db.models import Course, User
from lmsdesk_server.demo.seed import demo_id
from tests.factories import make_user
from tests.server.accounts.test_endpoints import error_code
from tests.server.admin.helpers import ADMIN_API, audit_actions
from tests.server.payments.helpers import login
from tests.server.sync.helpers import PAID, PENDING, DeviceFactory, enroll, rows

DEVELOPMENT = demo_id("category:development")
DATABASES = demo_id("category:databases")
TEACHING = demo_id("category:teaching")

pytestmark = pytest.mark.usefixtures("seeded")


def _tree(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, object]]:
    answer = client.get(f"{ADMIN_API}/categories", headers=headers)
    assert answer.status_code == 200, answer.text
    return {c["name"]: c for c in answer.json()["items"]}


def test_categories_are_added_renamed_moved_and_deleted_and_every_client_hears_of_it(
    client: TestClient,
    student: User,
    admin_headers: dict[str, str],
    device_for: DeviceFactory,
) -> None:
    device = device_for(student)
    device.pull_all()
    added = client.post(
        f"{ADMIN_API}/categories",
        json={"name": "  Data science ", "parent_id": str(DEVELOPMENT)},
        headers=admin_headers,
    )
    assert added.status_code == 201, added.text
    new = added.json()
    assert (new["name"], new["parent_id"]) == ("Data science", str(DEVELOPMENT))
    assert new["slug"].startswith("data-science")
    synced = rows(device.pull_all(), "categories")
    assert synced[new["id"]]["name"] == "Data science"

    renamed = client.patch(
        f"{ADMIN_API}/categories/{new['id']}",
        json={"name": "Data", "move_to_top": True},
        headers=admin_headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["parent_id"]) == ("Data", None)
    assert _tree(client, admin_headers)["Databases"]["course_count"] == 1

    deleted = client.delete(f"{ADMIN_API}/categories/{new['id']}", headers=admin_headers)
    assert deleted.status_code == 204
    tombstones = [t for page in device.pull_all() for t in page["tombstones"]]
    assert ("categories", new["id"]) in [(t["table"], t["row_id"]) for t in tombstones]
    assert [e["action"] for e in audit_actions(client, admin_headers, "category")] == [
        "category.delete",
        "category.change",
        "category.create",
    ]


def test_a_category_never_moves_under_itself_and_is_deleted_only_when_empty(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    cycle = client.patch(
        f"{ADMIN_API}/categories/{DEVELOPMENT}",
        json={"parent_id": str(DATABASES)},
        headers=admin_headers,
    )
    assert (cycle.status_code, error_code(cycle)) == (409, "category_cycle")
    itself = client.patch(
        f"{ADMIN_API}/categories/{DEVELOPMENT}",
        json={"parent_id": str(DEVELOPMENT)},
        headers=admin_headers,
    )
    assert itself.status_code == 409
    full = client.delete(f"{ADMIN_API}/categories/{DEVELOPMENT}", headers=admin_headers)
    assert (full.status_code, error_code(full)) == (409, "category_not_empty")
    assert "subcategories" in full.json()["error"]["message"]
    with_courses = client.delete(f"{ADMIN_API}/categories/{DATABASES}", headers=admin_headers)
    assert "course" in with_courses.json()["error"]["message"]
    orphan = client.post(
        f"{ADMIN_API}/categories",
        json={"name": "Lost", "parent_id": str(uuid.uuid4())},
        headers=admin_headers,
    )
    assert (orphan.status_code, error_code(orphan)) == (422, "no_parent")
    blank = client.post(f"{ADMIN_API}/categories", json={"name": "   "}, headers=admin_headers)
    assert blank.status_code == 422
    assert _tree(client, admin_headers)["Development"]["parent_id"] is None
    assert audit_actions(client, admin_headers, "category") == [], "refusals leave no entry"


def test_an_archived_course_leaves_the_catalog_but_stays_with_its_students(
    client: TestClient,
    session: Session,
    student: User,
    admin_headers: dict[str, str],
    device_for: DeviceFactory,
) -> None:
    enroll(session, student, PAID)
    no_reason = client.post(
        f"{ADMIN_API}/courses/{PAID}/archive", json={"reason": ""}, headers=admin_headers
    )
    assert no_reason.status_code == 422
    archived = client.post(
        f"{ADMIN_API}/courses/{PAID}/archive",
        json={"reason": "outdated since SQLite 3.45"},
        headers=admin_headers,
    )
    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "archived"
    session.expire_all()
    assert session.get(Course, PAID).status is CourseStatus.ARCHIVED  # type: ignore[union-attr]
    synced = rows(device_for(student).pull_all(), "courses")
    assert synced[str(PAID)]["status"] == "archived", "enrolled students keep it"
    newcomer = make_user(session, email="newcomer@example.com")
    buying = client.post(
        "/api/v1/checkout/sessions",
        json={"course_id": str(PAID)},
        headers=login(client, newcomer.email),
    )
    assert buying.status_code in (404, 409), "no new students for an archived course"

    pending = client.post(
        f"{ADMIN_API}/courses/{PENDING}/archive", json={"reason": "spam"}, headers=admin_headers
    )
    assert (pending.status_code, error_code(pending)) == (409, "wrong_state")
    restored = client.post(f"{ADMIN_API}/courses/{PAID}/restore", headers=admin_headers)
    assert restored.status_code == 200
    assert restored.json()["status"] == "approved"
    [archive, restore] = reversed(audit_actions(client, admin_headers, "course"))
    assert (archive["action"], archive["reason"]) == (
        "course.archive",
        "outdated since SQLite 3.45",
    )
    assert restore["action"] == "course.restore"


def test_the_audit_refuses_edits_and_deletions(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    client.post(f"{ADMIN_API}/categories", json={"name": "Audited"}, headers=admin_headers)
    for statement in (
        "UPDATE admin_audit SET summary = 'nothing happened'",
        "DELETE FROM admin_audit",
        "TRUNCATE admin_audit",
    ):
        savepoint = session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        savepoint.rollback()
    assert len(audit_actions(client, admin_headers, "category.create")) == 1


def test_the_audit_is_filtered_by_actor_and_paged(
    client: TestClient, admin: User, admin_headers: dict[str, str]
) -> None:
    for n in range(3):
        client.post(f"{ADMIN_API}/categories", json={"name": f"C{n}"}, headers=admin_headers)
    page = client.get(
        f"{ADMIN_API}/audit", params={"actor": str(admin.id), "limit": 2}, headers=admin_headers
    ).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    assert [e["summary"] for e in page["items"]] == ["Added category “C2”", "Added category “C1”"]
    other = client.get(
        f"{ADMIN_API}/audit", params={"actor": str(uuid.uuid4())}, headers=admin_headers
    )
    assert other.json() == {"items": [], "total": 0}
