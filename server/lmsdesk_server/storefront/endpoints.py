"""The public catalog over REST, for anyone (DESIGN.md section 11.5), and the public course page
(HTML, outside the API prefix) with "Buy" and "Open in LMSDesk"."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.enums import CourseLevel
from lmsdesk.contracts.storefront import (
    MAX_PAGE,
    CatalogSort,
    PriceFilter,
    PublicCourseDetail,
    PublicCoursePage,
)
from lmsdesk_server.deps import ContextDep, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.storefront.pages import course_page, missing_page
from lmsdesk_server.storefront.repository import CatalogQuery, StorefrontRepository
from lmsdesk_server.storefront.service import catalog

router = APIRouter(tags=["storefront"])
pages = APIRouter(include_in_schema=False)
_errors: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (404, 422)}


@router.get("/catalog/courses", responses=_errors)
def search_catalog(
    session: SessionDep,
    context: ContextDep,
    q: Annotated[str | None, Query(max_length=200, description="Words to search for")] = None,
    category: Annotated[str | None, Query(max_length=120, description="A category's slug")] = None,
    level: CourseLevel | None = None,
    language: Annotated[str | None, Query(max_length=16)] = None,
    price: PriceFilter | None = None,
    sort: CatalogSort | None = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
) -> PublicCoursePage:
    """Approved courses, searched (full text, ranked), filtered, sorted and paged."""
    words = q.strip() if q else None
    query = CatalogQuery(
        q=words or None,
        category=category,
        level=level,
        language=language,
        price=price,
        sort=sort,
        offset=offset,
        limit=limit,
    )
    if query.sort is CatalogSort.RELEVANCE and not query.q:
        raise ApiError(422, "nothing_to_rank", "Sorting by relevance needs search words (q).")
    return catalog.search(StorefrontRepository(session), query, context.settings.public_url)


@router.get("/catalog/courses/{course_id}", responses=_errors)
def course_detail(
    course_id: uuid.UUID, session: SessionDep, context: ContextDep
) -> PublicCourseDetail:
    """A course's details and curriculum; lesson bodies only for preview lessons."""
    return catalog.detail(StorefrontRepository(session), course_id, context.settings.public_url)


@pages.get("/courses/{course_id}", response_class=HTMLResponse)
def public_page(course_id: str, session: SessionDep, context: ContextDep) -> HTMLResponse:
    try:
        wanted = uuid.UUID(course_id)
        found = catalog.detail(StorefrontRepository(session), wanted, context.settings.public_url)
    except (ValueError, ApiError):
        return missing_page()
    return course_page(found)
