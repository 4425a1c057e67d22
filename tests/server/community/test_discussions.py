"""Discussions, authors' edits and deletes, and two devices editing one post."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk_server.db.models import CommunityQuestion
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import PAID, rows


def test_threads_with_threaded_replies_and_a_pinned_thread_first(crowd: Crowd) -> None:
    older = crowd.student.thread(PAID, title="Older thread")
    crowd.classmate.thread(PAID, title="Newer thread")
    first = crowd.classmate.reply(older["id"], "First reply")
    crowd.instructor.reply(older["id"], "A reply to the reply", parent_post_id=first["id"])
    crowd.instructor.ok("POST", f"/threads/{older['id']}/pin", {"pinned": True})
    # Replying moved "Older thread" to the top anyway; pin a new one to see pins lead.
    announcement = crowd.instructor.thread(PAID, title="Course announcements")
    crowd.instructor.ok("POST", f"/threads/{announcement['id']}/pin", {"pinned": True})
    crowd.student.reply(older["id"], "Bump")

    listed = crowd.student.ok("GET", f"/courses/{PAID}/threads")["items"]
    assert [(t["title"], t["pinned"]) for t in listed] == [
        ("Older thread", True),
        ("Course announcements", True),
        ("Newer thread", False),
    ]
    detail = crowd.student.ok("GET", f"/threads/{older['id']}")
    assert detail["thread"]["post_count"] == 3
    assert [p["parent_post_id"] for p in detail["posts"]] == [None, first["id"], None]
    # Students do not pin; a reply must hang on a post of the same thread.
    assert crowd.student.call("POST", f"/threads/{older['id']}/pin", {}).status_code == 403
    stray = crowd.student.call(
        "POST",
        f"/threads/{announcement['id']}/posts",
        {"body": "x", "parent_post_id": first["id"]},
    )
    assert stray.status_code == 422


def test_authors_edit_and_delete_their_own_posts_within_the_window(
    crowd: Crowd, session: Session
) -> None:
    question = crowd.student.ask(PAID)
    path = f"/community/question/{question['id']}"
    edited = crowd.student.ok(
        "PATCH", path, {"title": "Better title", "body": "Clearer", "base_revision": 1}
    )
    assert (edited["title"], edited["revision"]) == ("Better title", 2)
    assert edited["edited_at"] is not None
    assert (
        crowd.classmate.call("PATCH", path, {"body": "Mine now", "base_revision": 2}).status_code
        == 403
    )

    old = crowd.student.ask(PAID, title="Old question")
    row = session.get(CommunityQuestion, uuid.UUID(old["id"]))
    assert row is not None
    row.created_at = datetime.now(UTC) - timedelta(days=2)
    session.flush()
    late = crowd.student.call("DELETE", f"/community/question/{old['id']}")
    assert late.status_code == 409
    assert "24 hours" in late.json()["error"]["message"]

    # A deleted question leaves the devices that had it.
    device = crowd.classmate.device
    assert question["id"] in rows(device.pull_all(), "community_questions")
    assert crowd.student.call("DELETE", path).status_code == 204
    pages = device.pull_all()
    gone = [t["row_id"] for p in pages for t in p["tombstones"]]
    assert question["id"] in gone
    listed = [q["id"] for q in crowd.classmate.ok("GET", f"/courses/{PAID}/questions")["items"]]
    assert question["id"] not in listed
    assert old["id"] in listed


def test_two_devices_editing_one_post_keep_both_versions(crowd: Crowd) -> None:
    answer_to = crowd.classmate.ask(PAID)
    answer = crowd.student.answer(answer_to["id"], "First words")
    laptop, desktop = (
        crowd.student.device,
        crowd.student.device.__class__(crowd.student.client, crowd.student.token),
    )
    one = laptop.push(
        laptop.mutation(
            m.EDIT_POST, kind="answer", id=answer["id"], body="Laptop words", base_revision=1
        )
    )
    assert one["results"][0]["status"] == "applied"
    two = desktop.push(
        desktop.mutation(
            m.EDIT_POST, kind="answer", id=answer["id"], body="Desktop words", base_revision=1
        )
    )
    result = two["results"][0]
    assert result["status"] == "conflict", result
    conflict = result["row"]
    assert conflict["body"] == "Desktop words"
    # Both versions are visible: the post has the first, the author's devices the second.
    detail = crowd.classmate.ok("GET", f"/questions/{answer_to['id']}")
    assert detail["answers"][0]["body"] == "Laptop words"
    assert conflict["id"] in rows(laptop.pull_all(), "community_edit_conflicts")
    assert conflict["id"] not in rows(crowd.classmate.device.pull_all(), "community_edit_conflicts")

    chosen = laptop.push(
        laptop.mutation(m.RESOLVE_EDIT_CONFLICT, conflict_id=conflict["id"], use_other=True)
    )
    assert chosen["results"][0]["status"] == "applied"
    detail = crowd.classmate.ok("GET", f"/questions/{answer_to['id']}")
    assert detail["answers"][0]["body"] == "Desktop words"
    assert detail["answers"][0]["revision"] == 3


def test_read_marks_only_grow_and_reach_the_other_device(crowd: Crowd) -> None:
    path = f"/courses/{PAID}/community/seen"
    later, earlier = "2026-11-20T10:00:00+00:00", "2026-11-19T10:00:00+00:00"
    assert crowd.student.ok("PUT", path, {"seen_through": later})["seen_through"].startswith(
        "2026-11-20"
    )
    assert crowd.student.ok("PUT", path, {"seen_through": earlier})["seen_through"].startswith(
        "2026-11-20"
    )
    far_future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    clamped = crowd.student.ok("PUT", path, {"seen_through": far_future})["seen_through"]
    assert datetime.fromisoformat(clamped) < datetime.now(UTC) + timedelta(minutes=10)
    marks = rows(crowd.student.device.pull_all(), "community_seen")
    assert len(marks) == 1
    assert crowd.outsider.call("PUT", path, {"seen_through": later}).status_code == 403
