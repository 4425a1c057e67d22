"""The public catalog over REST, for anyone (DESIGN.md section 11.5), and the public course page
(HTML, outside the API prefix) with "Buy" and "Open in LMSDesk"."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from fastapi.responses import HTMLResponse

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import ErrorResponse
from lmsdesk.contracts.enums import CourseLevel
from lmsdesk.contracts.pricing import (
    MAX_ITEMS,
    CartArgs,
    CartView,
    CouponBody,
    CouponIssuer,
    CouponView,
    Quote,
    SaleBody,
    SetSaleArgs,
)
from lmsdesk.contracts.storefront import (
    MAX_PAGE,
    CatalogSort,
    PriceFilter,
    PublicCourseDetail,
    PublicCoursePage,
)
from lmsdesk.contracts.subscriptions import (
    PortalLink,
    SubscriptionBody,
    SubscriptionCheckout,
    SubscriptionView,
    has_access,
)
from lmsdesk_server.deps import ContextDep, CurrentActor, SessionDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.storefront.pages import course_page, missing_page
from lmsdesk_server.storefront.repository.catalog import CatalogQuery, StorefrontRepository
from lmsdesk_server.storefront.service import cart, catalog, coupons, pricing, subscriptions
from lmsdesk_server.sync.service import door as mutation_door

router = APIRouter(tags=["storefront"])
Row = dict[str, Any]
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


# ---------------------------------------------------------------- the cart, quotes, coupons

_signed_in_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
CourseIdList = Annotated[
    list[uuid.UUID], Query(min_length=1, max_length=MAX_ITEMS, description="The courses to price")
]


@router.get("/cart", responses=_signed_in_errors)
def get_cart(actor: CurrentActor, session: SessionDep) -> CartView:
    """The cart, priced now without a coupon (sale prices included)."""
    return cart.view(session, actor, datetime.now(UTC))


@router.put("/cart/items/{course_id}", responses=_signed_in_errors)
def add_to_cart(course_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.ADD_TO_CART, CartArgs(course_id=course_id))


@router.delete("/cart/items/{course_id}", status_code=204, responses=_signed_in_errors)
def remove_from_cart(course_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Response:
    mutation_door.run(session, actor, m.REMOVE_FROM_CART, CartArgs(course_id=course_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/coupons/{code}/quote", responses=_signed_in_errors)
def quote_coupon(
    code: Annotated[str, Path(max_length=60)],
    course_ids: CourseIdList,
    actor: CurrentActor,
    session: SessionDep,
) -> Quote:
    """What a checkout of these courses with this coupon would charge now."""
    return pricing.quote_for(session, actor, code, course_ids, datetime.now(UTC))


@router.post("/authoring/coupons", status_code=201, responses=_signed_in_errors)
def create_course_coupon(body: CouponBody, actor: CurrentActor, session: SessionDep) -> CouponView:
    """A coupon for the instructor's own courses (all of them when none are named)."""
    return coupons.create(session, actor, body, CouponIssuer.INSTRUCTOR)


@router.get("/authoring/coupons", responses=_signed_in_errors)
def list_course_coupons(actor: CurrentActor, session: SessionDep) -> list[CouponView]:
    return coupons.listed(session, actor, CouponIssuer.INSTRUCTOR)


@router.post("/admin/coupons", status_code=201, responses=_signed_in_errors)
def create_admin_coupon(body: CouponBody, actor: CurrentActor, session: SessionDep) -> CouponView:
    """A coupon for any course (every course when none are named)."""
    return coupons.create(session, actor, body, CouponIssuer.ADMIN)


@router.get("/admin/coupons", responses=_signed_in_errors)
def list_admin_coupons(actor: CurrentActor, session: SessionDep) -> list[CouponView]:
    return coupons.listed(session, actor, CouponIssuer.ADMIN)


@router.put("/authoring/courses/{course_id}/sale", responses=_signed_in_errors)
def put_on_sale(
    course_id: uuid.UUID, body: SaleBody, actor: CurrentActor, session: SessionDep
) -> Row | None:
    args = SetSaleArgs(
        course_id=course_id, sale_price_cents=body.sale_price_cents, ends_at=body.ends_at
    )
    return mutation_door.run(session, actor, m.SET_SALE, args)


@router.delete("/authoring/courses/{course_id}/sale", responses=_signed_in_errors)
def end_sale(course_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Row | None:
    return mutation_door.run(session, actor, m.SET_SALE, SetSaleArgs(course_id=course_id))


# ---------------------------------------------------------------- the all-access plan


@router.post("/checkout/subscriptions", status_code=201, responses=_signed_in_errors)
def subscribe(
    body: SubscriptionBody, actor: CurrentActor, context: ContextDep
) -> SubscriptionCheckout:
    """The all-access plan's checkout (Stripe Billing, `mode=subscription`)."""
    return subscriptions.start(
        context.session_factory, context.payments, actor, body.plan, context.settings.public_url
    )


@router.get("/subscription", responses=_signed_in_errors)
def my_subscription(actor: CurrentActor, session: SessionDep) -> SubscriptionView | None:
    """The student's plan (null when they never had one)."""
    row = subscriptions.current(session, actor.id)
    if row is None:
        return None
    return SubscriptionView(
        id=row.id,
        plan=row.plan,
        status=row.status,
        current_period_end=row.current_period_end,
        cancel_at_period_end=row.cancel_at_period_end,
        grace_until=row.grace_until,
        has_access=has_access(row.status, row.grace_until, datetime.now(UTC)),
    )


@router.post("/subscription/portal", responses=_signed_in_errors)
def manage_subscription(
    actor: CurrentActor, session: SessionDep, context: ContextDep
) -> PortalLink:
    """The provider's customer portal, where the plan is changed or cancelled."""
    return PortalLink(
        url=subscriptions.portal(session, context.payments, actor, context.settings.public_url)
    )
