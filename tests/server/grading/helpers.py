"""The paid demo course's graded work, and a person handing in and grading it."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from lmsdesk_server.demo.seed import demo_id
from tests.server.community.helpers import Person

ASSIGNMENT = demo_id("practical-sqlite:assignment")
ESSAY = demo_id("practical-sqlite:essay")
QUIZ_LESSON = demo_id("practical-sqlite:quiz")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def hand_in(person: Person, lesson: uuid.UUID = ASSIGNMENT, **body: Any) -> Any:
    return person.call("POST", f"/assignments/{lesson}/submissions", body or {"text": "My work"})


def grade(person: Person, submission: str, **body: Any) -> Any:
    return person.call("POST", f"/submissions/{submission}/grade", body)


def upload_pdf(person: Person, data: bytes = PDF, *, finish: bool = True) -> str:
    asset = str(uuid.uuid4())
    person.ok(
        "POST",
        "/media",
        {
            "asset_id": asset,
            "filename": "schema.pdf",
            "mime_type": "application/pdf",
            "size_bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
        status=201,
    )
    if finish:
        sent = person.client.put(
            f"/api/v1/media/{asset}/content",
            content=data,
            headers={"Authorization": f"Bearer {person.token}", "Upload-Offset": "0"},
        )
        assert sent.status_code == 200, sent.text
    return asset
