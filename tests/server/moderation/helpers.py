"""The moderation REST surface as an admin calls it, and a course submitted for review."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.server.authoring.helpers import author
from tests.server.sync.helpers import API, Device


@dataclass
class Reviewer:
    """The moderation REST surface, as an online admin (or a curious outsider) calls it."""

    device: Device

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        return self.device.client.request(
            method,
            f"{API}/moderation{path}",
            json=body,
            params=params or None,
            headers={"Authorization": f"Bearer {self.device.token}"},
        )

    def queue(self, **params: Any) -> httpx.Response:
        return self.call("GET", "/queue", **params)

    def decide(
        self, course: uuid.UUID, decision: str, version: int, feedback: str = "", **extra: Any
    ) -> httpx.Response:
        body = {"decision": decision, "course_version": version, "feedback": feedback, **extra}
        return self.call("POST", f"/courses/{course}/decision", body)

    def history(self, course: uuid.UUID) -> httpx.Response:
        return self.call("GET", f"/courses/{course}/history")


@dataclass
class Submitted:
    course: uuid.UUID
    section: uuid.UUID
    lesson: uuid.UUID
    author: Device


def submit_course(device: Device, title: str = "Offline maps for hikers") -> Submitted:
    """A course ready for review (title, a section with a lesson, a price), submitted."""
    rest = author(device)
    course = rest.create(title)
    section = rest.add_section(course)
    lesson = rest.add_lesson(section)
    assert rest.edit("course", course, "price_cents", 0, 2900).status_code == 200
    submitted = rest.call("POST", f"/courses/{course}/submit")
    assert submitted.status_code == 200, submitted.text
    return Submitted(course, section, lesson, device)
