"""Reports and the admins' decisions: the item in context, hide or dismiss, the audit record,
and a hidden item leaving every device."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import AdminAction
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import PAID, rows


def _open_reports(crowd: Crowd, target: str) -> list[dict[str, Any]]:
    """The open reports of one item (the demo's reported reply waits in the queue too)."""
    queue = crowd.admin.ok("GET", "/moderation/reports")["items"]
    return [r for r in queue if r["target_id"] == target]


def test_a_reported_answer_is_hidden_everywhere_with_an_audit_record(
    crowd: Crowd, session: Session
) -> None:
    question = crowd.student.ask(PAID, title="Where is the dataset?")
    rude = crowd.classmate.answer(question["id"], "Figure it out yourself, genius.")
    crowd.student.ok("POST", f"/answers/{rude['id']}/accept")
    device = crowd.instructor.device
    assert rude["id"] in rows(device.pull_all(), "community_answers")

    body = {"kind": "answer", "id": rude["id"], "reason": "Insulting"}
    filed = crowd.student.ok("POST", "/reports", body, status=201)
    again = crowd.student.ok("POST", "/reports", body, status=201)
    assert again["id"] == filed["id"]  # once per person
    assert crowd.classmate.call("POST", "/reports", {**body, "reason": "Mine"}).status_code == 409
    assert crowd.outsider.call("POST", "/reports", body).status_code == 403

    queue = _open_reports(crowd, rude["id"])
    assert [(r["context_title"], r["excerpt"], r["author_name"]) for r in queue] == [
        ("Answer to: Where is the dataset?", "Figure it out yourself, genius.", "Cleo C.")
    ]
    assert (
        crowd.student.call("POST", f"/moderation/posts/answer/{rude['id']}/hide", {}).status_code
        == 403
    )
    crowd.admin.ok("POST", f"/moderation/posts/answer/{rude['id']}/hide", {"note": "Insult"})

    assert _open_reports(crowd, rude["id"]) == []
    decided = crowd.admin.ok("GET", "/moderation/reports?status=hidden")["items"]
    decided = [r for r in decided if r["target_id"] == rude["id"]]
    assert decided[0]["status"] == "hidden"
    audit = session.scalars(select(AdminAction).where(AdminAction.action == "community.hide")).all()
    assert [a.reason for a in audit] == ["Insult"]
    # The instructor's laptop drops it; the question is open again with no answers.
    pages = device.pull_all()
    assert rude["id"] in [t["row_id"] for p in pages for t in p["tombstones"]]
    after = rows(pages, "community_questions")[question["id"]]
    assert (after["status"], after["answer_count"], after["accepted_answer_id"]) == (
        "open",
        0,
        None,
    )
    assert crowd.student.ok("GET", f"/questions/{question['id']}")["answers"] == []


def test_dismissing_keeps_the_item_and_closes_its_reports(crowd: Crowd) -> None:
    thread = crowd.classmate.thread(PAID, title="Honest opinion")
    body = {"kind": "thread", "id": thread["id"], "reason": "I disagree"}
    crowd.student.ok("POST", "/reports", body, status=201)
    crowd.admin.ok("POST", f"/moderation/posts/thread/{thread['id']}/dismiss", {})
    assert _open_reports(crowd, thread["id"]) == []
    assert (
        crowd.student.ok("GET", f"/threads/{thread['id']}")["thread"]["title"] == "Honest opinion"
    )
    assert (
        crowd.admin.call("POST", f"/moderation/posts/thread/{thread['id']}/dismiss", {}).status_code
        == 200
    )


def test_a_hidden_review_leaves_the_catalog_and_helpful_votes_count_once(crowd: Crowd) -> None:
    review = crowd.classmate.ok(
        "PUT", f"/courses/{PAID}/rating", {"rating": 1, "body": "Buy my course instead"}
    )
    path = f"/reviews/{review['id']}/helpful"
    assert crowd.student.ok("PUT", path, {"up": True})["helpful_count"] == 1
    assert crowd.classmate.call("PUT", path, {"up": True}).status_code == 409
    crowd.outsider.ok(
        "POST", "/reports", {"kind": "review", "id": review["id"], "reason": "Advert"}, status=201
    )
    reader = crowd.outsider.device
    assert review["id"] in rows(reader.pull_all(), "course_ratings")
    crowd.admin.ok("POST", f"/moderation/posts/review/{review['id']}/hide", {})
    assert review["id"] in [t["row_id"] for p in reader.pull_all() for t in p["tombstones"]]
