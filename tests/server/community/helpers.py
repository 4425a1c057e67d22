"""People around one published course (the demo's paid course): two enrolled students, an
outsider, its instructor and an admin, each with a REST caller and a sync device."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.server.sync.helpers import API, Device


@dataclass
class Person:
    client: TestClient
    token: str
    id: uuid.UUID
    device: Device

    def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.client.request(
            method,
            f"{API}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        answer = self.call(method, path, body)
        assert answer.status_code == status, answer.text
        return answer.json() if answer.content else None

    def ask(self, course: uuid.UUID, title: str = "How do indexes work?", **extra: Any) -> Any:
        body = {"title": title, "body": "I am stuck on the B-tree part.", **extra}
        return self.ok("POST", f"/courses/{course}/questions", body, status=201)

    def answer(self, question: str, body: str = "Think of a sorted phone book.") -> Any:
        return self.ok("POST", f"/questions/{question}/answers", {"body": body}, status=201)

    def thread(self, course: uuid.UUID, title: str = "Study group", **extra: Any) -> Any:
        body = {"title": title, "body": "Who wants to meet weekly?", **extra}
        return self.ok("POST", f"/courses/{course}/threads", body, status=201)

    def reply(self, thread: str, body: str = "Count me in", **extra: Any) -> Any:
        return self.ok("POST", f"/threads/{thread}/posts", {"body": body, **extra}, status=201)


@dataclass
class Crowd:
    student: Person
    classmate: Person
    outsider: Person
    instructor: Person
    admin: Person

    def everyone(self) -> dict[str, Person]:
        return {
            "student": self.student,
            "classmate": self.classmate,
            "outsider": self.outsider,
            "instructor": self.instructor,
            "admin": self.admin,
        }
