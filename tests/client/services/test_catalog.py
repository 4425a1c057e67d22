"""The catalog from the local store: search, filters, sort, detail with curriculum and reviews,
wishlist and ratings recorded offline."""

from __future__ import annotations

import pytest

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import CourseLevel
from lmsdesk.local_db import outbox
from lmsdesk.services.catalog import CatalogQuery, CatalogRefused, CatalogService, Price, Sort
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk_server.demo.seed import demo_id
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")
PAID = demo_id("course:practical-sqlite")


@pytest.fixture
def catalog(student: SessionService) -> CatalogService:
    SyncService(student).sync()
    return CatalogService(student)


def _titles(catalog: CatalogService, **query: object) -> list[str]:
    return [c.title for c in catalog.search(CatalogQuery(**query))]  # type: ignore[arg-type]


def test_search_matches_every_word_in_title_subtitle_or_description(
    catalog: CatalogService,
) -> None:
    assert _titles(catalog, text="sqlite") == ["Practical SQLite"]
    assert _titles(catalog, text="WAL transactions") == ["Practical SQLite"]  # description
    assert _titles(catalog, text="progress safe") == ["Offline-First Apps: The Basics"]  # subtitle
    assert _titles(catalog, text="sqlite video") == []
    assert _titles(catalog) == [
        "Offline-First Apps: The Basics",
        "Practical SQLite",
        "Sync Engines in Practice",
    ]


def test_filters_and_sort(catalog: CatalogService) -> None:
    assert _titles(catalog, price=Price.FREE) == ["Offline-First Apps: The Basics"]
    assert _titles(catalog, price=Price.PAID) == ["Practical SQLite", "Sync Engines in Practice"]
    assert _titles(catalog, level=CourseLevel.INTERMEDIATE) == ["Practical SQLite"]
    assert _titles(catalog, language="fr") == []
    # By what they sell at now: 19.99, then 14.99 (a sale of a 29.99 course), then free.
    assert _titles(catalog, sort=Sort.PRICE_HIGH) == [
        "Practical SQLite",
        "Sync Engines in Practice",
        "Offline-First Apps: The Basics",
    ]
    facets = catalog.facets()
    assert facets.languages == ["en"]
    names = {name: cid for cid, name in facets.categories}
    assert {"Databases", "Desktop apps"} <= set(names)
    assert _titles(catalog, category_id=names["Databases"]) == ["Practical SQLite"]
    assert len(_titles(catalog, category_id=names["Development"])) == 3, "and its subcategories"


def test_detail_has_the_curriculum_with_previews(catalog: CatalogService) -> None:
    details = catalog.details(PAID)
    sections = [
        (title, [(x.title, x.is_preview) for x in lessons]) for title, lessons in details.curriculum
    ]
    assert sections[0][0] == "Getting started"
    assert sections[0][1][0] == ("Welcome (video)", True)
    # Check yourself: the quiz and the assignment.
    assert [len(lessons) for _, lessons in sections] == [2, 2]
    assert details.reviews == []


def test_wishlist_works_offline_and_syncs(
    catalog: CatalogService, student: SessionService, link: CuttableLink
) -> None:
    link.cut()
    catalog.set_wishlisted(PAID, True)
    assert [c.wishlisted for c in catalog.search(CatalogQuery(text="sqlite"))] == [True]
    assert student.store is not None
    with student.store.reading() as session:
        assert [q.name for q in outbox.pending(session)] == [m.ADD_TO_WISHLIST.name]
    link.restore()
    SyncService(student).sync()
    assert catalog.details(PAID).summary.wishlisted


def test_only_enrolled_students_rate_and_the_rating_shows(
    catalog: CatalogService, student: SessionService
) -> None:
    with pytest.raises(CatalogRefused, match="enrolled"):
        catalog.rate(FREE, 5, "Great", "Clear and short.")
    PurchaseService(student).enroll_free(FREE)
    SyncService(student).sync()
    catalog.rate(FREE, 4, "Clear", "Short and to the point.")
    details = catalog.details(FREE)
    # With the demo's own 5-star review of this course.
    assert details.summary.rating_text == "★ 4.5 (2 ratings)"
    assert details.my_rating is not None
    assert (details.my_rating.rating, details.my_rating.body) == (4, "Short and to the point.")
    SyncService(student).sync()  # the server accepts it and sends it back as its own
    assert catalog.details(FREE).summary.rating_count == 2
