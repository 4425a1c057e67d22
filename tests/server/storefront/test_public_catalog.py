"""The public catalog: anyone searches the approved courses (full text, ranked), filters, sorts
and pages them, reads one course's details (preview bodies only) and its public page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import Course, Lesson
from lmsdesk_server.demo.seed import demo_id
from tests.server.storefront.helpers import SALE
from tests.server.sync.helpers import API, DRAFT, FREE, FREE_TEXT, FREE_VIDEO, PAID, PENDING

pytestmark = pytest.mark.usefixtures("seeded")
ARCHIVED = demo_id("course:python-2-to-3")


def _search(client: TestClient, query: str = "", status: int = 200) -> Any:
    answer = client.get(f"{API}/catalog/courses{query}")
    assert answer.status_code == status, answer.text
    return answer.json()


def _titles(page: Any) -> list[str]:
    return [c["title"] for c in page["courses"]]


def test_anyone_sees_only_approved_courses(client: TestClient) -> None:
    page = _search(client)
    ids = {c["id"] for c in page["courses"]}
    assert {str(FREE), str(PAID)} <= ids
    assert not ids & {str(DRAFT), str(PENDING), str(ARCHIVED)}
    assert page["total"] == len(ids)
    first = next(c for c in page["courses"] if c["id"] == str(PAID))
    assert first["app_url"] == f"lmsdesk://course/{PAID}"
    assert first["page_url"].endswith(f"/courses/{PAID}")
    assert first["lesson_count"] >= 3
    assert first["instructor_name"]


def test_words_are_searched_with_stemming_and_ranked(client: TestClient) -> None:
    assert _titles(_search(client, "?q=databases"))[0] == "Practical SQLite"  # "database"
    syncing = _search(client, "?q=syncing")  # "sync", stemmed, in the free course's subtitle
    assert str(FREE) in {c["id"] for c in syncing["courses"]}
    assert _search(client, "?q=zeppelin")["total"] == 0
    # Punctuation and operators from a search box are words, not syntax errors.
    assert _search(client, "?q=" + "%22sqlite%22%20-foo%20or%20%27")["total"] >= 0


def test_filters_sort_and_pages(client: TestClient) -> None:
    free = _search(client, "?price=free")["courses"]
    assert free
    assert all(c["price_cents"] == 0 for c in free)
    assert all(c["price_cents"] > 0 for c in _search(client, "?price=paid")["courses"])
    assert all(
        c["level"] == "intermediate" for c in _search(client, "?level=intermediate")["courses"]
    )
    assert _titles(_search(client, "?category=databases")) == ["Practical SQLite"]
    by_price = [
        c["sale_price_cents"] if c["sale_price_cents"] is not None else c["price_cents"]
        for c in _search(client, "?sort=price")["courses"]
    ]
    assert by_price == sorted(by_price)  # what each sells at now: the sale (14.99) before 19.99
    assert by_price == [0, 1499, 1999]
    everything = _search(client)
    one = _search(client, "?limit=1&offset=1")
    assert (one["total"], len(one["courses"])) == (everything["total"], 1)
    past = _search(client, "?offset=50")
    assert (past["total"], past["courses"]) == (everything["total"], [])


def test_bad_queries_are_refused_clearly(client: TestClient) -> None:
    for query, code in (
        ("?sort=relevance", "nothing_to_rank"),
        ("?level=expert", None),
        ("?limit=0", None),
        ("?limit=101", None),
        ("?price=cheap", None),
    ):
        body = _search(client, query, status=422)
        if code:
            assert body["error"]["code"] == code


def _lessons(client: TestClient) -> dict[str, Any]:
    detail = client.get(f"{API}/catalog/courses/{FREE}").json()
    return {x["id"]: x for s in detail["sections"] for x in s["lessons"]}


def test_details_show_the_curriculum_and_only_preview_bodies(
    client: TestClient, session: Session
) -> None:
    lessons = _lessons(client)
    assert lessons[str(FREE_VIDEO)]["is_preview"] is True
    assert lessons[str(FREE_TEXT)]["content"] == ""  # not a preview: no body
    text = session.get(Lesson, FREE_TEXT)
    assert text is not None
    text.is_preview = True
    session.flush()
    assert "sync" in _lessons(client)[str(FREE_TEXT)]["content"].lower()  # a preview: public
    detail = client.get(f"{API}/catalog/courses/{FREE}").json()
    assert detail["instructor"]["name"]
    assert detail["course"]["title"] == "Offline-First Apps: The Basics"
    for hidden in (DRAFT, PENDING, ARCHIVED):
        answer = client.get(f"{API}/catalog/courses/{hidden}")
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "course_not_found"


def test_the_public_page_reads_well_and_escapes_everything(
    client: TestClient, session: Session
) -> None:
    course = session.get(Course, PAID)
    assert course is not None
    course.subtitle = "<script>alert(1)</script> & more"
    session.flush()
    answer = client.get(f"/courses/{PAID}")
    assert answer.status_code == 200
    html = answer.text
    assert "Practical SQLite" in html
    assert "19.99 USD" in html
    assert f"href='lmsdesk://course/{PAID}?action=buy'" in html
    assert f"href='lmsdesk://course/{PAID}'" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "Curriculum" in html
    for missing in (f"/courses/{DRAFT}", "/courses/not-a-uuid"):
        page = client.get(missing)
        assert page.status_code == 404
        assert "Course not found" in page.text


def test_a_sale_shows_in_the_public_catalog_and_page(client: TestClient) -> None:
    found = client.get(f"{API}/catalog/courses/{SALE}").json()["course"]
    assert (found["price_cents"], found["sale_price_cents"]) == (2999, 1499)
    assert found["sale_ends_at"] is not None
    page = client.get(f"/courses/{SALE}").text
    assert "<s>29.99 USD</s> 14.99 USD" in page
    assert "on sale until" in page
