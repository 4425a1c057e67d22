from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import Course, User
from lmsdesk_server.security.passwords import hash_password
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.community.helpers import Crowd, Person
from tests.server.sync.helpers import API, PAID, DeviceFactory, enroll


@pytest.fixture
def crowd(
    seeded: None,  # noqa: ARG001 - the demo course the crowd meets in
    session: Session,
    client: TestClient,
    device_for: DeviceFactory,
) -> Crowd:
    course = session.get(Course, PAID)
    assert course is not None
    teacher = session.get(User, course.instructor_id)
    admin = session.scalars(select(User).where(User.email == "admin@example.com")).one()
    for demo in (teacher, admin):
        assert demo is not None
        demo.password_hash = hash_password(DEFAULT_PASSWORD)
    student = make_user(session, full_name="Sam Student")
    classmate = make_user(session, full_name="Cleo Classmate")
    outsider = make_user(session, full_name="Otto Outsider")
    enroll(session, student, PAID)
    enroll(session, classmate, PAID)
    session.flush()

    def person(user: User) -> Person:
        login = client.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        return Person(client, token, user.id, device_for(user))

    assert teacher is not None
    return Crowd(
        student=person(student),
        classmate=person(classmate),
        outsider=person(outsider),
        instructor=person(teacher),
        admin=person(admin),
    )
