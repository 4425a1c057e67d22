"""The cart (synced, both doors) and sale prices (the instructor's, through both doors): the
rules hold whatever a client sends, and a bought course leaves the cart on every device."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk_server.db.models import Course, User
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.security.passwords import hash_password
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.payments.helpers import API, login
from tests.server.storefront.helpers import SALE, checkout, error, pay
from tests.server.sync.helpers import FREE, PAID, PENDING, DeviceFactory, enroll, rows

pytestmark = pytest.mark.usefixtures("seeded")


def _statuses(body: dict[str, object]) -> list[tuple[str, str]]:
    results = body["results"]
    assert isinstance(results, list)
    return [(r["status"], r.get("code") or "") for r in results]


def test_the_cart_syncs_to_every_device_and_empties_when_paid(
    client: TestClient, student: User, headers: dict[str, str], device_for: DeviceFactory
) -> None:
    laptop, desktop = device_for(student), device_for(student)
    laptop.push(
        laptop.mutation(m.ADD_TO_CART, course_id=str(PAID)),
        laptop.mutation(m.ADD_TO_CART, course_id=str(SALE)),
    )
    synced = rows(desktop.pull_all(), "cart_items")
    assert sorted(r["course_id"] for r in synced.values()) == sorted([str(PAID), str(SALE)])
    cart = client.get(f"{API}/cart", headers=headers).json()
    assert [i["course_id"] for i in cart["items"]] == [str(PAID), str(SALE)]
    assert (cart["quote"]["subtotal_cents"], cart["quote"]["total_cents"]) == (3498, 3498)
    assert cart["problem"] == ""

    started = checkout(client, headers, [PAID, SALE])
    pay(client, started.json()["session_id"])
    tombstones = [t for page in desktop.pull_all() for t in page["tombstones"]]
    assert sorted(t["row_id"] for t in tombstones) == sorted(
        [f"{student.id}:{PAID}", f"{student.id}:{SALE}"]
    )
    assert client.get(f"{API}/cart", headers=headers).json() == {
        "items": [],
        "quote": None,
        "problem": "",
    }


def test_the_cart_refuses_what_cannot_be_bought_and_changes_nothing(
    client: TestClient, session: Session, student: User, headers: dict[str, str]
) -> None:
    enroll(session, student, PAID)
    for course, expected in (
        (FREE, (409, "free_course")),
        (PENDING, (404, "course_not_found")),
    ):
        answer = client.put(f"{API}/cart/items/{course}", headers=headers)
        assert error(answer) == expected, answer.text
    # Bought already (an add queued offline arriving after the purchase): nothing happens.
    enrolled = client.put(f"{API}/cart/items/{PAID}", headers=headers)
    assert enrolled.status_code == 200, enrolled.text
    assert client.get(f"{API}/cart", headers=headers).json()["items"] == []
    added = client.put(f"{API}/cart/items/{SALE}", headers=headers)
    assert added.status_code == 200, added.text
    again = client.put(f"{API}/cart/items/{SALE}", headers=headers)
    assert again.status_code == 200  # merged: already there
    assert len(client.get(f"{API}/cart", headers=headers).json()["items"]) == 1
    gone = client.delete(f"{API}/cart/items/{SALE}", headers=headers)
    assert gone.status_code == 204
    assert client.delete(f"{API}/cart/items/{SALE}", headers=headers).status_code == 204
    teacher = make_user(session, roles=(Role.INSTRUCTOR,))
    own = client.put(f"{API}/cart/items/{SALE}", headers=login(client, teacher.email))
    assert error(own) == (403, "students_only")


def test_only_the_owner_puts_a_published_course_on_sale_and_it_reaches_the_catalog(
    client: TestClient, session: Session, student: User, device_for: DeviceFactory
) -> None:
    owner = _demo_instructor(client, session)
    watcher = device_for(student)
    watcher.pull_all()
    ends = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    sale = client.put(
        f"{API}/authoring/courses/{PAID}/sale",
        json={"sale_price_cents": 999, "ends_at": ends},
        headers=owner,
    )
    assert sale.status_code == 200, sale.text
    [course_row] = [r for r in rows(watcher.pull_all(), "courses").values() if r["id"] == str(PAID)]
    assert course_row["sale_price_cents"] == 999
    assert course_row["sale_ends_at"] is not None

    for body, expected in (
        ({"sale_price_cents": 1999, "ends_at": ends}, (422, "not_a_sale")),
        (
            {
                "sale_price_cents": 500,
                "ends_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            },
            (422, "bad_end"),
        ),
        (
            {
                "sale_price_cents": 500,
                "ends_at": (datetime.now(UTC) + timedelta(days=400)).isoformat(),
            },
            (422, "bad_end"),
        ),
    ):
        answer = client.put(f"{API}/authoring/courses/{PAID}/sale", json=body, headers=owner)
        assert error(answer) == expected, answer.text
    stranger = make_user(session, roles=(Role.INSTRUCTOR,))
    theirs = client.put(
        f"{API}/authoring/courses/{PAID}/sale",
        json={"sale_price_cents": 1, "ends_at": ends},
        headers=login(client, stranger.email),
    )
    assert error(theirs) == (403, "not_your_course")
    draft = client.put(
        f"{API}/authoring/courses/{demo_id('course:quizzes-that-teach')}/sale",
        json={"sale_price_cents": 1, "ends_at": ends},
        headers=owner,
    )
    assert error(draft) == (409, "not_published")
    course = session.get(Course, PAID)
    assert course is not None
    session.refresh(course)
    assert course.sale_price_cents == 999  # every refusal left the sale as it was
    ended = client.delete(f"{API}/authoring/courses/{PAID}/sale", headers=owner)
    assert ended.status_code == 200
    session.refresh(course)
    assert (course.sale_price_cents, course.sale_ends_at) == (None, None)


def test_coupons_are_made_by_their_issuers_with_unique_codes(
    client: TestClient, session: Session, admin_headers: dict[str, str]
) -> None:
    owner = _demo_instructor(client, session)
    made = client.post(
        f"{API}/authoring/coupons",
        json={
            "code": "sync-friends",
            "kind": "amount",
            "amount_off_cents": 700,
            "currency": "USD",
            "max_redemptions": 3,
        },
        headers=owner,
    )
    assert made.status_code == 201, made.text
    assert (made.json()["code"], made.json()["issuer"], made.json()["redeemed"]) == (
        "SYNC-FRIENDS",
        "instructor",
        0,
    )
    listed = client.get(f"{API}/authoring/coupons", headers=owner).json()
    assert [c["code"] for c in listed] == ["SYNC-FRIENDS", "SQLITE5"]
    taken = client.post(
        f"{API}/admin/coupons",
        json={"code": "Sync-Friends", "kind": "percent", "percent_off": 5},
        headers=admin_headers,
    )
    assert error(taken) == (409, "code_taken")
    stranger = make_user(session, roles=(Role.INSTRUCTOR,))
    theirs = client.post(
        f"{API}/authoring/coupons",
        json={"code": "STEAL", "kind": "percent", "percent_off": 50, "course_ids": [str(PAID)]},
        headers=login(client, stranger.email),
    )
    assert error(theirs) == (403, "not_your_course")
    for bad in (
        {"code": "X", "kind": "percent", "percent_off": 5},
        {"code": "HALF", "kind": "percent", "percent_off": 101},
        {"code": "MIXED", "kind": "percent", "percent_off": 5, "amount_off_cents": 5},
        {"code": "NOCUR", "kind": "amount", "amount_off_cents": 100},
        {
            "code": "NEVER",
            "kind": "percent",
            "percent_off": 5,
            "starts_at": "2030-01-02T00:00:00Z",
            "ends_at": "2030-01-01T00:00:00Z",
        },
    ):
        answer = client.post(f"{API}/admin/coupons", json=bad, headers=admin_headers)
        assert answer.status_code == 422, (bad, answer.text)
    codes = [c["code"] for c in client.get(f"{API}/admin/coupons", headers=admin_headers).json()]
    assert sorted(codes) == ["SQLITE5", "SYNC-FRIENDS", "WELCOME20"]


def _demo_instructor(client: TestClient, session: Session) -> dict[str, str]:
    """Signed in as the demo courses' instructor (the test password set for them)."""
    teacher = session.scalars(select(User).where(User.email == "instructor@example.com")).one()
    teacher.password_hash = hash_password(DEFAULT_PASSWORD)
    session.flush()
    return login(client, teacher.email)
