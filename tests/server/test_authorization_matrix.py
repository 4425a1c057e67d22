# ruff: noqa: ARG005  (the table's calls take the world whether they use it or not)
"""The authorization matrix (DESIGN.md section 7): every endpoint of the OpenAPI document, called
by every role against resources that belong to someone: a student's order, progress and quiz,
an instructor's draft course, its content and files, and a course waiting for review.

Each call runs in a savepoint rolled back afterwards, so every role meets the same state. A
call is "allowed" when it gets past the rules (any answer but 401, 403 and 404), and the set
of roles allowed is compared with the table below; no call may answer 5xx. An endpoint the
table does not list fails the test: a new endpoint needs its row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.assignments import SubmitAssignmentArgs
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.community import AnswerArgs, AskArgs, StartThreadArgs
from lmsdesk.contracts.ids import quiz_id
from lmsdesk.contracts.sync import SetRatingArgs, SubmitQuizAttemptArgs
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import Certificate, Cohort, Enrollment, User
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp, user_partition
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.schedule.service.calendar import CalendarLinks, calendar_key
from lmsdesk_server.security.passwords import hash_password
from lmsdesk_server.sync.service import door
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.authoring.helpers import author
from tests.server.grading.helpers import ASSIGNMENT as PAID_ASSIGNMENT
from tests.server.sync.helpers import (
    API,
    FREE,
    PAID,
    PAID_QUIZ,
    PAID_TEXT,
    PENDING,
    DeviceFactory,
    enroll,
    rows,
)
from tests.support.images import png
from tests.support.media import fake_mp4
from tests.support.server_keys import TEST_JWT_SECRET

pytestmark = pytest.mark.usefixtures("seeded")
ACTORS = ("anonymous", "student", "other_student", "instructor", "other_instructor", "admin")
ALL = frozenset(ACTORS)
SIGNED_IN = ALL - {"anonymous"}
NOBODY: frozenset[str] = frozenset()


def only(*actors: str) -> frozenset[str]:
    return frozenset(actors)


STUDENTS = only("student", "other_student")
LEARNERS = only("student", "admin")


@dataclass(frozen=True)
class World:
    """The resources the calls aim at, and who owns them."""

    course: uuid.UUID  # the instructor's draft
    section: uuid.UUID
    lesson: uuid.UUID
    quiz_lesson: uuid.UUID
    question: uuid.UUID
    link: uuid.UUID
    asset: uuid.UUID  # a video the instructor uploaded, not attached anywhere
    order: uuid.UUID  # the student's
    refresh_token: str  # the student's
    student_email: str
    student: uuid.UUID
    instructor: uuid.UUID  # with a picture
    # The paid course's community: the student's question, a classmate's answer, thread,
    # reply and review.
    qa_question: uuid.UUID
    qa_answer: uuid.UUID
    thread: uuid.UUID
    review: uuid.UUID
    # The student's work in the paid course: an assignment submission and a quiz attempt.
    submission: uuid.UUID
    attempt: uuid.UUID
    # The paid course's running cohort (the student is in it), the student's calendar link
    # (path and query) and a certificate of theirs.
    cohort: uuid.UUID
    calendar: str
    certificate: uuid.UUID


Call = Callable[[World], tuple[str, Any]]  # (path below /api/v1, JSON body)


def _attempt(_w: World) -> tuple[str, Any]:
    now = datetime.now(UTC).isoformat()
    return f"/quizzes/{PAID_QUIZ}/attempts", {
        "attempt_id": str(uuid.uuid4()),
        "started_at": now,
        "submitted_at": now,
        "answers": {},
    }


def _upload_start(_w: World) -> tuple[str, Any]:
    data = fake_mp4(64)
    return "/media", {
        "asset_id": str(uuid.uuid4()),
        "filename": "a.mp4",
        "mime_type": "video/mp4",
        "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


# (method, path template) -> (the call, the roles it is allowed for). Public endpoints (no
# bearer token needed) are allowed for everyone, anonymous included.
MATRIX: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("GET", "/health"): (lambda w: ("/health", None), ALL),
    ("GET", "/health/ready"): (lambda w: ("/health/ready", None), ALL),
    ("GET", "/certificates/public-key"): (lambda w: ("/certificates/public-key", None), ALL),
    ("POST", "/auth/register"): (
        lambda w: (
            "/auth/register",
            {
                "email": f"new-{uuid.uuid4().hex[:6]}@example.com",
                "password": "a long passphrase",
                "full_name": "New Person",
            },
        ),
        ALL,
    ),
    ("POST", "/auth/login"): (
        lambda w: ("/auth/login", {"email": w.student_email, "password": DEFAULT_PASSWORD}),
        ALL,
    ),
    ("POST", "/auth/refresh"): (
        lambda w: ("/auth/refresh", {"refresh_token": w.refresh_token}),
        ALL,
    ),
    ("POST", "/auth/logout"): (lambda w: ("/auth/logout", {"refresh_token": w.refresh_token}), ALL),
    ("GET", "/me"): (lambda w: ("/me", None), SIGNED_IN),
    # Mailed codes: anyone may try one (a wrong code is a 400, throttled); asking for a reset
    # answers 202 whatever the address.
    ("POST", "/auth/verify-email"): (
        lambda w: ("/auth/verify-email", {"token": "AAAA-BBBB-CCCC"}),
        ALL,
    ),
    ("POST", "/auth/password-reset/request"): (
        lambda w: ("/auth/password-reset/request", {"email": w.student_email}),
        ALL,
    ),
    ("POST", "/auth/password-reset/confirm"): (
        lambda w: (
            "/auth/password-reset/confirm",
            {"token": "AAAA-BBBB-CCCC", "new_password": "a long new passphrase"},
        ),
        ALL,
    ),
    # One's own profile, password and second factor: every signed-in person, for themselves.
    ("POST", "/me/verify-email/resend"): (lambda w: ("/me/verify-email/resend", None), SIGNED_IN),
    ("PATCH", "/me"): (lambda w: ("/me", {"headline": "Here to learn"}), SIGNED_IN),
    ("POST", "/me/password"): (
        lambda w: (
            "/me/password",
            {"current_password": DEFAULT_PASSWORD, "new_password": "a long new passphrase"},
        ),
        SIGNED_IN,
    ),
    ("POST", "/me/mfa/totp"): (lambda w: ("/me/mfa/totp", None), SIGNED_IN),
    ("POST", "/me/mfa/totp/confirm"): (
        lambda w: ("/me/mfa/totp/confirm", {"code": "123456"}),
        SIGNED_IN,
    ),
    ("DELETE", "/me/mfa/totp"): (lambda w: ("/me/mfa/totp", {"code": "123456"}), SIGNED_IN),
    # One's own picture; anyone's picture is public (the instructor has one).
    ("PUT", "/me/avatar"): (lambda w: ("/me/avatar", png(64, 64)), SIGNED_IN),
    ("DELETE", "/me/avatar"): (lambda w: ("/me/avatar", None), SIGNED_IN),
    ("GET", "/users/{user_id}/avatar"): (lambda w: (f"/users/{w.instructor}/avatar", None), ALL),
    ("POST", "/sync/push"): (
        lambda w: (
            "/sync/push",
            {"device_id": str(uuid.uuid4()), "epoch": 1, "protocol": 1, "mutations": []},
        ),
        SIGNED_IN,
    ),
    ("POST", "/sync/pull"): (
        lambda w: (
            "/sync/pull",
            {"device_id": str(uuid.uuid4()), "protocol": 1, "cursor": None, "limit": 10},
        ),
        SIGNED_IN,
    ),
    # Progress and quizzes: the enrolled student, and admins (who may take any published
    # course); everyone else is refused by the rule.
    ("PUT", "/progress/{lesson_id}/position"): (
        lambda w: (f"/progress/{PAID_TEXT}/position", {"position_seconds": 5}),
        LEARNERS,
    ),
    ("POST", "/progress/{lesson_id}/complete"): (
        lambda w: (f"/progress/{PAID_TEXT}/complete", {}),
        LEARNERS,
    ),
    ("POST", "/progress/{lesson_id}/time"): (
        lambda w: (f"/progress/{PAID_TEXT}/time", {"seconds": 5}),
        LEARNERS,
    ),
    ("POST", "/progress/{lesson_id}/reset"): (
        lambda w: (f"/progress/{PAID_TEXT}/reset", {}),
        LEARNERS,
    ),
    ("POST", "/quizzes/{quiz_id}/attempts"): (_attempt, LEARNERS),
    ("PUT", "/wishlist/{course_id}"): (lambda w: (f"/wishlist/{PAID}", None), SIGNED_IN),
    ("DELETE", "/wishlist/{course_id}"): (lambda w: (f"/wishlist/{PAID}", None), SIGNED_IN),
    ("PUT", "/courses/{course_id}/rating"): (
        lambda w: (f"/courses/{PAID}/rating", {"rating": 5}),
        only("student"),
    ),
    # Orders: students buy (the owner has the course already and is told so); everyone has
    # their own list; one order only for its student.
    ("POST", "/checkout/sessions"): (
        lambda w: ("/checkout/sessions", {"course_id": str(PAID)}),
        STUDENTS,
    ),
    ("GET", "/orders"): (lambda w: ("/orders", None), SIGNED_IN),
    ("GET", "/orders/{order_id}"): (lambda w: (f"/orders/{w.order}", None), only("student")),
    ("POST", "/orders/{order_id}/cancel"): (
        lambda w: (f"/orders/{w.order}/cancel", None),
        only("student"),
    ),
    ("POST", "/enrollments/free"): (  # students are told it is not free; others may not enroll
        lambda w: ("/enrollments/free", {"course_id": str(PAID)}),
        STUDENTS,
    ),
    ("GET", "/enrollments"): (lambda w: ("/enrollments", None), SIGNED_IN),
    # Media: an unattached upload is its owner's (and admins') alone.
    ("GET", "/media/{asset_id}"): (
        lambda w: (f"/media/{w.asset}", None),
        only("instructor", "admin"),
    ),
    ("POST", "/media/{asset_id}/link"): (
        lambda w: (f"/media/{w.asset}/link", None),
        only("instructor", "admin"),
    ),
    ("POST", "/media"): (_upload_start, only("instructor", "other_instructor")),
    ("GET", "/media/{asset_id}/upload"): (
        lambda w: (f"/media/{w.asset}/upload", None),
        only("instructor"),
    ),
    ("PUT", "/media/{asset_id}/content"): (
        lambda w: (f"/media/{w.asset}/content", b"0" * 8),
        only("instructor"),
    ),
}
AUTHORING: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("POST", "/authoring/courses"): (
        lambda w: ("/authoring/courses", {"course_id": str(uuid.uuid4()), "title": "Mine"}),
        only("instructor", "other_instructor"),
    ),
    ("POST", "/authoring/sections"): (
        lambda w: (
            "/authoring/sections",
            {
                "course_id": str(w.course),
                "section_id": str(uuid.uuid4()),
                "title": "S",
                "position": "a5",
            },
        ),
        only("instructor"),
    ),
    ("POST", "/authoring/lessons"): (
        lambda w: (
            "/authoring/lessons",
            {
                "section_id": str(w.section),
                "lesson_id": str(uuid.uuid4()),
                "title": "L",
                "lesson_type": "text",
                "position": "a5",
            },
        ),
        only("instructor"),
    ),
    ("POST", "/authoring/questions"): (
        lambda w: (
            "/authoring/questions",
            {
                "quiz_id": str(_quiz(w)),
                "question_id": str(uuid.uuid4()),
                "question_type": "true_false",
            },
        ),
        only("instructor"),
    ),
    ("DELETE", "/authoring/questions/{question_id}"): (
        lambda w: (f"/authoring/questions/{w.question}", None),
        only("instructor"),
    ),
    ("PATCH", "/authoring/fields"): (
        lambda w: (
            "/authoring/fields",
            {
                "entity": "course",
                "entity_id": str(w.course),
                "field": "subtitle",
                "base": "",
                "value": "Changed",
            },
        ),
        only("instructor"),
    ),
    ("POST", "/authoring/sections/move"): (
        lambda w: ("/authoring/sections/move", {"section_id": str(w.section), "position": "a7"}),
        only("instructor"),
    ),
    ("POST", "/authoring/lessons/move"): (
        lambda w: (
            "/authoring/lessons/move",
            {"lesson_id": str(w.lesson), "section_id": str(w.section), "position": "a7"},
        ),
        only("instructor"),
    ),
    ("DELETE", "/authoring/courses/{course_id}"): (
        lambda w: (f"/authoring/courses/{w.course}", None),
        only("instructor"),
    ),
    ("DELETE", "/authoring/sections/{section_id}"): (
        lambda w: (f"/authoring/sections/{w.section}", None),
        only("instructor"),
    ),
    ("DELETE", "/authoring/lessons/{lesson_id}"): (
        lambda w: (f"/authoring/lessons/{w.lesson}", None),
        only("instructor"),
    ),
    ("POST", "/authoring/resources"): (
        lambda w: (
            "/authoring/resources",
            {
                "lesson_id": str(w.lesson),
                "resource_id": str(uuid.uuid4()),
                "title": "Docs",
                "url": "https://example.com",
            },
        ),
        only("instructor"),
    ),
    ("DELETE", "/authoring/resources/{resource_id}"): (
        lambda w: (f"/authoring/resources/{w.link}", None),
        only("instructor"),
    ),
    ("PUT", "/authoring/courses/tags"): (
        lambda w: ("/authoring/courses/tags", {"course_id": str(w.course), "tags": ["maps"]}),
        only("instructor"),
    ),
    ("PUT", "/authoring/lessons/media"): (
        lambda w: (
            "/authoring/lessons/media",
            {"lesson_id": str(w.lesson), "kind": "video", "asset_id": None},
        ),
        only("instructor"),
    ),
    ("POST", "/authoring/conflicts/{conflict_id}/resolve"): (
        lambda w: (f"/authoring/conflicts/{uuid.uuid4()}/resolve", {"keep": "mine"}),
        NOBODY,
    ),
    ("POST", "/authoring/files"): (
        lambda w: (
            "/authoring/files",
            {
                "lesson_id": str(w.lesson),
                "resource_id": str(uuid.uuid4()),
                "title": "File",
                "asset_id": str(w.asset),
            },
        ),
        NOBODY,
    ),  # a video is not a lesson file: refused for all
    ("PUT", "/authoring/courses/{course_id}/thumbnail"): (
        lambda w: (f"/authoring/courses/{w.course}/thumbnail", {"asset_id": None}),
        only("instructor"),
    ),
    ("POST", "/authoring/courses/{course_id}/revisions"): (
        lambda w: (f"/authoring/courses/{PAID}/revisions", {"revision_id": str(uuid.uuid4())}),
        NOBODY,
    ),  # the demo's published course belongs to the demo instructor
    ("POST", "/authoring/courses/{course_id}/submit"): (
        lambda w: (f"/authoring/courses/{w.course}/submit", None),
        only("instructor"),
    ),
    # Moderation: admins; the history also for the course's instructor.
    ("GET", "/moderation/queue"): (lambda w: ("/moderation/queue", None), only("admin")),
    ("POST", "/moderation/courses/{course_id}/decision"): (
        lambda w: (
            f"/moderation/courses/{PENDING}/decision",
            {"decision": "rejected", "feedback": "No.", "course_version": 1},
        ),
        only("admin"),
    ),
    ("GET", "/moderation/courses/{course_id}/history"): (
        lambda w: (f"/moderation/courses/{w.course}/history", None),
        only("instructor", "admin"),
    ),
}
MATRIX |= AUTHORING
_TEACHING = demo_id("category:teaching")
# The admin console: admins alone, whatever the rule then says (a grant of a course the student
# holds, a refund of a pending order and a restore of a published course are refused with 409,
# past the door).
ADMIN: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("GET", "/admin/users"): (lambda w: ("/admin/users?q=owner", None), only("admin")),
    ("GET", "/admin/users/{user_id}"): (
        lambda w: (f"/admin/users/{w.student}", None),
        only("admin"),
    ),
    ("PATCH", "/admin/users/{user_id}"): (
        lambda w: (f"/admin/users/{w.student}", {"roles": ["student", "instructor"]}),
        only("admin"),
    ),
    ("POST", "/admin/enrollments"): (
        lambda w: (
            "/admin/enrollments",
            {"user_id": str(w.student), "course_id": str(PAID), "reason": "scholarship"},
        ),
        only("admin"),
    ),
    ("POST", "/admin/orders/{order_id}/refund"): (
        lambda w: (f"/admin/orders/{w.order}/refund", {"reason": "asked for it"}),
        only("admin"),
    ),
    ("GET", "/admin/categories"): (lambda w: ("/admin/categories", None), only("admin")),
    ("POST", "/admin/categories"): (
        lambda w: ("/admin/categories", {"name": "Hobbies"}),
        only("admin"),
    ),
    ("PATCH", "/admin/categories/{category_id}"): (
        lambda w: (f"/admin/categories/{_TEACHING}", {"name": "Teaching well"}),
        only("admin"),
    ),
    ("DELETE", "/admin/categories/{category_id}"): (
        lambda w: (f"/admin/categories/{_TEACHING}", None),
        only("admin"),
    ),
    ("POST", "/admin/courses/{course_id}/archive"): (
        lambda w: (f"/admin/courses/{PAID}/archive", {"reason": "outdated"}),
        only("admin"),
    ),
    ("POST", "/admin/courses/{course_id}/restore"): (
        lambda w: (f"/admin/courses/{PAID}/restore", None),
        only("admin"),
    ),
    ("GET", "/admin/audit"): (lambda w: ("/admin/audit?action=user", None), only("admin")),
}
MATRIX |= ADMIN

# The paid course's community: the student studies it; its instructor is none of the actors
# (the matrix's instructor owns a draft), so instructors are outsiders here.
_TEXT = {"title": "A question", "body": "Some words"}
COMMUNITY: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("GET", "/courses/{course_id}/questions"): (
        lambda w: (f"/courses/{PAID}/questions?q=words", None),
        LEARNERS,
    ),
    ("POST", "/courses/{course_id}/questions"): (
        lambda w: (f"/courses/{PAID}/questions", _TEXT),
        only("student"),
    ),
    ("GET", "/questions/{question_id}"): (
        lambda w: (f"/questions/{w.qa_question}", None),
        LEARNERS,
    ),
    ("POST", "/questions/{question_id}/answers"): (
        lambda w: (f"/questions/{w.qa_question}/answers", {"body": "An answer"}),
        only("student"),
    ),
    ("POST", "/answers/{answer_id}/accept"): (
        lambda w: (f"/answers/{w.qa_answer}/accept", None),
        only("student"),  # the asker
    ),
    ("PUT", "/questions/{question_id}/vote"): (
        lambda w: (f"/questions/{w.qa_question}/vote", {"up": True}),
        only("student"),  # their own: 409, past the rules of who
    ),
    ("PUT", "/answers/{answer_id}/vote"): (
        lambda w: (f"/answers/{w.qa_answer}/vote", {"up": True}),
        only("student"),
    ),
    ("PUT", "/reviews/{review_id}/helpful"): (
        lambda w: (f"/reviews/{w.review}/helpful", {"up": True}),
        only("student"),
    ),
    ("GET", "/community/unanswered"): (
        lambda w: ("/community/unanswered", None),
        only("instructor", "other_instructor"),
    ),
    ("PUT", "/courses/{course_id}/community/seen"): (
        lambda w: (f"/courses/{PAID}/community/seen", {"seen_through": "2026-11-20T10:00:00Z"}),
        LEARNERS,
    ),
    ("GET", "/courses/{course_id}/threads"): (
        lambda w: (f"/courses/{PAID}/threads", None),
        LEARNERS,
    ),
    ("POST", "/courses/{course_id}/threads"): (
        lambda w: (f"/courses/{PAID}/threads", _TEXT),
        only("student"),
    ),
    ("GET", "/threads/{thread_id}"): (lambda w: (f"/threads/{w.thread}", None), LEARNERS),
    ("POST", "/threads/{thread_id}/posts"): (
        lambda w: (f"/threads/{w.thread}/posts", {"body": "A reply"}),
        only("student"),
    ),
    ("POST", "/threads/{thread_id}/pin"): (
        lambda w: (f"/threads/{w.thread}/pin", {"pinned": True}),
        only("admin"),  # and the course's instructor
    ),
    ("PATCH", "/community/{kind}/{post_id}"): (
        lambda w: (
            f"/community/question/{w.qa_question}",
            {"body": "Edited", "base_revision": 1},
        ),
        only("student"),
    ),
    ("DELETE", "/community/{kind}/{post_id}"): (
        lambda w: (f"/community/question/{w.qa_question}", None),
        only("student"),
    ),
    ("POST", "/reports"): (
        lambda w: ("/reports", {"kind": "review", "id": str(w.review), "reason": "Spam link"}),
        SIGNED_IN,  # reviews are public
    ),
    ("GET", "/moderation/reports"): (lambda w: ("/moderation/reports", None), only("admin")),
    ("POST", "/moderation/posts/{kind}/{post_id}/hide"): (
        lambda w: (f"/moderation/posts/answer/{w.qa_answer}/hide", {"note": "rude"}),
        only("admin"),
    ),
    ("POST", "/moderation/posts/{kind}/{post_id}/dismiss"): (
        lambda w: (f"/moderation/posts/review/{w.review}/dismiss", {}),
        only("admin"),
    ),
}
MATRIX |= COMMUNITY

# Assignments and grading. The paid course's instructor (who grades it) is none of the actors,
# so nobody here may grade the student's work; the matrix's instructor owns the draft course.
ASSIGNMENTS: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("POST", "/assignments/{lesson_id}/submissions"): (
        lambda w: (f"/assignments/{PAID_ASSIGNMENT}/submissions", {"text": "My work"}),
        only("student"),
    ),
    ("GET", "/assignments/{lesson_id}/submissions"): (
        lambda w: (f"/assignments/{PAID_ASSIGNMENT}/submissions", None),
        only("student"),  # their own; the course's instructor reads all
    ),
    ("POST", "/submissions/{submission_id}/grade"): (
        lambda w: (f"/submissions/{w.submission}/grade", {"score": 10}),
        frozenset(),
    ),
    ("POST", "/attempts/{attempt_id}/grade"): (
        lambda w: (f"/attempts/{w.attempt}/grade", {"scores": {}}),
        frozenset(),
    ),
    ("GET", "/instructor/grading"): (
        lambda w: ("/instructor/grading?status=ungraded", None),
        only("instructor", "other_instructor"),
    ),
    ("GET", "/instructor/courses/{course_id}/gradebook"): (
        lambda w: (f"/instructor/courses/{w.course}/gradebook?format=csv", None),
        only("instructor"),
    ),
}
MATRIX |= ASSIGNMENTS

# Cohorts, prerequisites and programs. The paid course (and its cohort) is the demo
# instructor's, none of the actors: nobody here may change that schedule. The matrix's
# instructor owns the draft: a cohort on it passes the rules and is refused as unpublished.
SCHEDULE: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("POST", "/authoring/courses/{course_id}/cohorts"): (
        lambda w: (
            f"/authoring/courses/{w.course}/cohorts",
            {"title": "C", "starts_at": "2030-01-07T09:00:00Z", "timezone": "Europe/Berlin"},
        ),
        only("instructor"),
    ),
    ("PATCH", "/authoring/cohorts/{cohort_id}"): (
        lambda w: (f"/authoring/cohorts/{w.cohort}", {"title": "Renamed"}),
        NOBODY,
    ),
    ("GET", "/authoring/cohorts/{cohort_id}"): (
        lambda w: (f"/authoring/cohorts/{w.cohort}", None),
        only("student", "admin"),  # its students and the course's instructor; admins
    ),
    ("PUT", "/authoring/cohorts/{cohort_id}/weeks/{number}"): (
        lambda w: (f"/authoring/cohorts/{w.cohort}/weeks/1", {"section_ids": []}),
        NOBODY,
    ),
    ("GET", "/catalog/courses/{course_id}/cohorts"): (
        lambda w: (f"/catalog/courses/{PAID}/cohorts", None),
        ALL,
    ),
    ("GET", "/cohorts/{cohort_id}/calendar-link"): (
        lambda w: (f"/cohorts/{w.cohort}/calendar-link", None),
        only("student"),
    ),
    ("GET", "/cohorts/{cohort_id}/calendar.ics"): (
        # The signed link is the capability (a calendar app sends no sign-in): whoever holds
        # the student's link reads it; a forged or stale one is 404 (test_calendar.py).
        lambda w: (w.calendar, None),
        ALL,
    ),
    ("PUT", "/authoring/lessons/{lesson_id}/prerequisites"): (
        lambda w: (f"/authoring/lessons/{w.lesson}/prerequisites", {"lesson_ids": []}),
        only("instructor"),
    ),
    ("POST", "/admin/programs"): (
        lambda w: ("/admin/programs", {"title": "P", "course_ids": [str(FREE), str(PAID)]}),
        only("admin"),
    ),
    ("GET", "/programs"): (lambda w: ("/programs", None), ALL),
    ("GET", "/certificates/{certificate_id}"): (
        lambda w: (f"/certificates/{w.certificate}", None),
        ALL,
    ),
    ("GET", "/lessons/{lesson_id}"): (lambda w: (f"/lessons/{PAID_TEXT}", None), LEARNERS),
}
MATRIX |= SCHEDULE

# Analytics: an instructor reads their own courses only (the matrix's instructor owns the
# draft); the platform overview is the admins'.
ANALYTICS: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("GET", "/instructor/metrics"): (
        lambda w: (f"/instructor/metrics?course_id={w.course}", None),
        only("instructor"),
    ),
    ("GET", "/instructor/courses/{course_id}/funnel"): (
        lambda w: (f"/instructor/courses/{w.course}/funnel", None),
        only("instructor"),
    ),
    ("GET", "/admin/metrics"): (lambda w: ("/admin/metrics?format=csv", None), only("admin")),
}
MATRIX |= ANALYTICS

# The public catalog: anyone, signed in or not.
STOREFRONT: dict[tuple[str, str], tuple[Call, frozenset[str]]] = {
    ("GET", "/catalog/courses"): (lambda w: ("/catalog/courses?q=sqlite&sort=price", None), ALL),
    ("GET", "/catalog/courses/{course_id}"): (
        lambda w: (f"/catalog/courses/{PAID}", None),
        ALL,
    ),
    # The buyer's receipt (someone else's order is 404, as if it did not exist).
    ("GET", "/orders/{order_id}/receipt.pdf"): (
        lambda w: (f"/orders/{w.order}/receipt.pdf", None),
        only("student"),
    ),
    # The cart and quotes: only a student buys (an instructor's or admin's cart stays empty).
    ("GET", "/cart"): (lambda w: ("/cart", None), SIGNED_IN),
    ("PUT", "/cart/items/{course_id}"): (lambda w: (f"/cart/items/{PAID}", None), STUDENTS),
    ("DELETE", "/cart/items/{course_id}"): (lambda w: (f"/cart/items/{PAID}", None), SIGNED_IN),
    ("GET", "/coupons/{code}/quote"): (
        lambda w: (f"/coupons/NOSUCHCODE/quote?course_ids={PAID}", None),
        NOBODY,  # no such coupon: 404 for students, 403 for everyone else
    ),
    # Coupons: an instructor's for their own courses; an admin's for any.
    ("POST", "/authoring/coupons"): (
        lambda w: (
            "/authoring/coupons",
            {"code": "OWN10", "kind": "percent", "percent_off": 10, "course_ids": [str(w.course)]},
        ),
        only("instructor"),
    ),
    ("GET", "/authoring/coupons"): (
        lambda w: ("/authoring/coupons", None),
        only("instructor", "other_instructor"),
    ),
    ("POST", "/admin/coupons"): (
        lambda w: ("/admin/coupons", {"code": "ANY10", "kind": "percent", "percent_off": 10}),
        only("admin"),
    ),
    ("GET", "/admin/coupons"): (lambda w: ("/admin/coupons", None), only("admin")),
    # A sale: the owning instructor or an admin (the draft is not published: 409, past the rules).
    ("PUT", "/authoring/courses/{course_id}/sale"): (
        lambda w: (
            f"/authoring/courses/{w.course}/sale",
            {"sale_price_cents": 100, "ends_at": "2099-01-01T00:00:00Z"},
        ),
        only("instructor", "admin"),
    ),
    ("DELETE", "/authoring/courses/{course_id}/sale"): (
        lambda w: (f"/authoring/courses/{w.course}/sale", None),
        only("instructor", "admin"),
    ),
    # The all-access plan: students subscribe; nobody here has a plan to manage (404).
    ("POST", "/checkout/subscriptions"): (
        lambda w: ("/checkout/subscriptions", {"plan": "monthly"}),
        STUDENTS,
    ),
    ("GET", "/subscription"): (lambda w: ("/subscription", None), SIGNED_IN),
    ("POST", "/subscription/portal"): (lambda w: ("/subscription/portal", None), NOBODY),
}
MATRIX |= STOREFRONT


def _quiz(w: World) -> uuid.UUID:
    return quiz_id(w.quiz_lesson)


@pytest.fixture
def users(session: Session) -> dict[str, User]:
    demo = session.scalars(select(User).where(User.email == "admin@example.com")).one()
    demo.password_hash = hash_password(DEFAULT_PASSWORD)
    session.flush()
    return {
        "student": make_user(session, roles=(Role.STUDENT,), full_name="Owner Student"),
        "other_student": make_user(session, roles=(Role.STUDENT,)),
        "instructor": make_user(session, roles=(Role.INSTRUCTOR,), full_name="Owner Teacher"),
        "other_instructor": make_user(session, roles=(Role.INSTRUCTOR,)),
        "admin": demo,
    }


@pytest.fixture
def world(
    session: Session, client: TestClient, users: dict[str, User], device_for: DeviceFactory
) -> World:
    credentials = {"email": users["student"].email, "password": DEFAULT_PASSWORD}
    login = client.post(f"{API}/auth/login", json=credentials).json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    order = client.post(f"{API}/checkout/sessions", json={"course_id": str(PAID)}, headers=headers)
    assert order.status_code == 201, order.text
    enroll(session, users["student"], PAID)  # (their order stays pending: it can be cancelled)
    rest = author(device_for(users["instructor"]))
    course = rest.create("Owned draft")
    section = rest.add_section(course)
    lesson = rest.add_lesson(section)
    quiz_lesson = rest.add_lesson(section, "quiz", position="a1")
    question = uuid.uuid4()
    assert rest.call(
        "POST",
        "/questions",
        {
            "quiz_id": str(quiz_id(quiz_lesson)),
            "question_id": str(question),
            "question_type": "true_false",
        },
    ).is_success
    link = uuid.uuid4()
    assert rest.call(
        "POST",
        "/resources",
        {
            "lesson_id": str(lesson),
            "resource_id": str(link),
            "title": "Docs",
            "url": "https://example.com",
        },
    ).is_success
    data = fake_mp4(64)
    asset = uuid.uuid4()
    owner = {"Authorization": f"Bearer {rest.token}"}
    started = client.post(
        f"{API}/media",
        headers=owner,
        json={
            "asset_id": str(asset),
            "filename": "a.mp4",
            "mime_type": "video/mp4",
            "size_bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    assert started.status_code == 201, started.text
    sent = client.put(
        f"{API}/media/{asset}/content", content=data, headers={**owner, "Upload-Offset": "0"}
    )
    assert sent.json()["status"] == "ready", sent.text
    picture = client.put(
        f"{API}/me/avatar", content=png(64, 64), headers={**owner, "Content-Type": "image/png"}
    )
    assert picture.status_code == 200, picture.text
    classmate = make_user(session, full_name="Cleo Classmate")
    enroll(session, classmate, PAID)
    asker = Actor(users["student"].id, users["student"].email, frozenset({Role.STUDENT}))
    peer = Actor(classmate.id, classmate.email, frozenset({Role.STUDENT}))
    qa_question, qa_answer, thread = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    door.run(session, asker, m.ASK, AskArgs(question_id=qa_question, course_id=PAID, **_TEXT))
    door.run(
        session,
        peer,
        m.ANSWER,
        AnswerArgs(answer_id=qa_answer, question_id=qa_question, body="Yes"),
    )
    door.run(
        session, peer, m.START_THREAD, StartThreadArgs(thread_id=thread, course_id=PAID, **_TEXT)
    )
    review = door.run(
        session, peer, m.SET_RATING, SetRatingArgs(course_id=PAID, rating=4, body="Good")
    )
    assert review is not None
    submission, attempt = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    door.run(
        session,
        asker,
        m.SUBMIT_ASSIGNMENT,
        SubmitAssignmentArgs(
            submission_id=submission, lesson_id=PAID_ASSIGNMENT, text="Work", submitted_at=now
        ),
    )
    door.run(
        session,
        asker,
        m.SUBMIT_ATTEMPT,
        SubmitQuizAttemptArgs(
            attempt_id=attempt, quiz_id=PAID_QUIZ, started_at=now, submitted_at=now, answers={}
        ),
    )
    cohort = Cohort(
        course_id=PAID,
        title="Running cohort",
        starts_at=now - timedelta(days=1),  # started, no weeks: the whole course is open
        timezone="Europe/Berlin",
        capacity=50,
    )
    stamp(session, cohort, CATALOG_PARTITION)
    session.add(cohort)
    session.flush()
    enrollment = session.scalars(
        select(Enrollment).where(
            Enrollment.student_id == users["student"].id, Enrollment.course_id == PAID
        )
    ).one()
    enrollment.cohort_id = cohort.id
    certificate = Certificate(
        student_id=users["student"].id,
        course_id=FREE,
        certificate_number="LMS-TEST-1",
        signature="not-a-signature",
    )
    stamp(session, certificate, user_partition(users["student"].id))
    session.add(certificate)
    session.flush()
    calendar = urlsplit(
        CalendarLinks(calendar_key(TEST_JWT_SECRET)).url("", cohort.id, users["student"].id)
    )
    return World(
        cohort=cohort.id,
        calendar=f"{calendar.path.removeprefix(API)}?{calendar.query}",
        certificate=certificate.id,
        submission=submission,
        attempt=attempt,
        qa_question=qa_question,
        qa_answer=qa_answer,
        thread=thread,
        review=uuid.UUID(str(review["id"])),
        course=course,
        section=section,
        lesson=lesson,
        quiz_lesson=quiz_lesson,
        question=question,
        link=link,
        asset=asset,
        order=uuid.UUID(order.json()["order_id"]),
        refresh_token=login["refresh_token"],
        student_email=users["student"].email,
        student=users["student"].id,
        instructor=users["instructor"].id,
    )


def test_every_endpoint_lets_exactly_its_roles_through(
    client: TestClient, connection: Connection, users: dict[str, User], world: World
) -> None:
    tokens: dict[str, str | None] = {"anonymous": None}
    for actor, user in users.items():
        answer = client.post(
            f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        tokens[actor] = answer.json()["access_token"]
    documented = {
        (method.upper(), path.removeprefix(API))
        for path, operations in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in operations
    }
    assert documented - set(MATRIX) == set(), "endpoints without a row in the matrix"
    assert set(MATRIX) - documented == set(), "rows for endpoints that no longer exist"

    wrong: list[str] = []
    for (method, template), (call, allowed) in sorted(MATRIX.items()):
        path, body = call(world)
        through: set[str] = set()
        for actor in ACTORS:
            headers = {"Authorization": f"Bearer {tokens[actor]}"} if tokens[actor] else {}
            raw = body if isinstance(body, bytes) else None
            if raw is not None:
                headers["Upload-Offset"] = "0"
            savepoint = connection.begin_nested()
            try:
                answer = client.request(
                    method,
                    f"{API}{path}",
                    headers=headers,
                    content=raw,
                    json=None if raw is not None else body,
                )
            finally:
                savepoint.rollback()
            assert answer.status_code < 500, f"{method} {path} as {actor}: {answer.text}"
            if answer.status_code not in (401, 403, 404):
                through.add(actor)
        if through != allowed:
            wrong.append(f"{method} {template}: {sorted(through)}, expected {sorted(allowed)}")
    assert wrong == [], "\n".join(wrong)


def test_a_pull_shows_nobody_what_is_not_theirs(
    users: dict[str, User], world: World, device_for: DeviceFactory
) -> None:
    """What each role receives by sync: never another's draft, order, progress, or the lesson
    text of a course they have not bought."""
    owner = device_for(users["student"])
    done = owner.push(
        owner.mutation(
            m.COMPLETE_LESSON, lesson_id=PAID_TEXT, completed_at="2026-11-20T10:00:00+00:00"
        )
    )
    assert done["results"][0]["status"] == "applied"
    seen: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for actor, user in users.items():
        pages = device_for(user).pull_all()
        seen[actor] = {
            table: rows(pages, table)
            for table in (
                "courses",
                "lessons",
                "orders",
                "lesson_progress",
                "media_assets",
                "enrollments",
                "moderation_reviews",
                "community_questions",
                "community_reports",
            )
        }
    draft_seen = {actor for actor, tables in seen.items() if str(world.course) in tables["courses"]}
    assert draft_seen == {"instructor"}  # not even admins: it is not submitted
    asset_seen = {a for a, tables in seen.items() if str(world.asset) in tables["media_assets"]}
    assert asset_seen == {"instructor"}  # an upload attached to nothing: its owner's alone
    order_seen = {actor for actor, tables in seen.items() if str(world.order) in tables["orders"]}
    assert order_seen == {"student"}
    progress_seen = {actor for actor, tables in seen.items() if tables["lesson_progress"]}
    assert progress_seen == {"student"}
    enrolled_seen = {actor for actor, tables in seen.items() if tables["enrollments"]}
    assert enrolled_seen == {"student"}
    # A course's community: its students (and instructor), nobody else; the reports: admins.
    asked = {
        actor
        for actor, tables in seen.items()
        if str(world.qa_question) in tables["community_questions"]
    }
    assert asked == {"student"}
    reporter = device_for(users["other_student"])
    filed = reporter.push(
        reporter.mutation(
            m.REPORT, report_id=uuid.uuid4(), kind="review", target_id=world.review, reason="Spam"
        )
    )
    assert filed["results"][0]["status"] == "applied", filed
    queue = {
        actor
        for actor, user in users.items()
        if rows(device_for(user).pull_all(), "community_reports")
    }
    assert queue == {"admin"}
    text = {actor: tables["lessons"][str(PAID_TEXT)]["content"] for actor, tables in seen.items()}
    assert {actor for actor, body in text.items() if body} == {"student", "admin"}
