"""An instructor's REST door and a draft built through it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from lmsdesk.contracts import mutations as m
from tests.server.sync.helpers import API, Device


@dataclass
class Author:
    """The REST twins, as an online editor would call them."""

    client: TestClient
    token: str

    def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.client.request(
            method,
            f"{API}/authoring{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def create(self, title: str = "Testing offline apps") -> uuid.UUID:
        course_id = uuid.uuid4()
        response = self.call("POST", "/courses", {"course_id": str(course_id), "title": title})
        assert response.status_code == 201, response.text
        return course_id

    def add_section(self, course_id: uuid.UUID, position: str = "a0") -> uuid.UUID:
        section_id = uuid.uuid4()
        response = self.call(
            "POST",
            "/sections",
            {
                "course_id": str(course_id),
                "section_id": str(section_id),
                "title": "Basics",
                "position": position,
            },
        )
        assert response.status_code == 201, response.text
        return section_id

    def add_lesson(
        self, section_id: uuid.UUID, lesson_type: str = "text", position: str = "a0"
    ) -> uuid.UUID:
        lesson_id = uuid.uuid4()
        response = self.call(
            "POST",
            "/lessons",
            {
                "section_id": str(section_id),
                "lesson_id": str(lesson_id),
                "title": "Why offline",
                "lesson_type": lesson_type,
                "position": position,
                "content": "# Hello",
            },
        )
        assert response.status_code == 201, response.text
        return lesson_id

    def edit(self, entity: str, entity_id: uuid.UUID, field: str, base: Any, value: Any) -> Any:
        return self.call(
            "PATCH",
            "/fields",
            {
                "entity": entity,
                "entity_id": str(entity_id),
                "field": field,
                "base": base,
                "value": value,
            },
        )


def author(device: Device) -> Author:
    return Author(device.client, device.token)


def edit(
    device: Device, entity_id: uuid.UUID, field: str, base: Any, value: Any, entity: str = "course"
) -> dict[str, Any]:
    return device.mutation(
        m.EDIT_FIELD, entity=entity, entity_id=entity_id, field=field, base=base, value=value
    )
