"""The HTTP client for the LMSDesk API: the only module that imports httpx. It speaks in contract
models and raises ServerUnreachable or ApiRejected, never an httpx exception."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TypeVar
from urllib.parse import quote as quote_path
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel, RootModel, ValidationError

from lmsdesk.contracts import API_PREFIX
from lmsdesk.contracts.admin import AdminUserDetail, AdminUsersPage, AuditPage
from lmsdesk.contracts.analytics import CourseFunnel, CourseMetrics, PlatformMetrics
from lmsdesk.contracts.assignments import Gradebook, GradingInbox
from lmsdesk.contracts.auth import (
    LoginRequest,
    LogoutRequest,
    Me,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    ProfileUpdate,
    RecoveryCodes,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    TotpCode,
    TotpSetup,
    VerifyEmailRequest,
)
from lmsdesk.contracts.certificates import CertificateKey
from lmsdesk.contracts.commerce import CheckoutSession, EnrollmentView, JoinRef, OrderView
from lmsdesk.contracts.common import ErrorResponse, Health
from lmsdesk.contracts.media import MediaLink, UploadStart, UploadState
from lmsdesk.contracts.pricing import CheckoutBody, CouponBody, CouponView, Quote
from lmsdesk.contracts.schedule import CalendarLink
from lmsdesk.contracts.subscriptions import (
    Plan,
    PortalLink,
    SubscriptionBody,
    SubscriptionCheckout,
)
from lmsdesk.contracts.sync import PullRequest, PullResponse, PushRequest, PushResponse

_log = logging.getLogger(__name__)

Model = TypeVar("Model", bound=BaseModel)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class ApiFailure(Exception):
    """Base of every failure talking to the server."""


class ServerUnreachable(ApiFailure):
    """No answer (offline, DNS, refused, timed out) or a gateway/maintenance answer: retry later.
    `retry_after` is the server's own advice in seconds, when it was too busy to answer."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ApiRejected(ApiFailure):
    """The server answered and said no; `message` is written for the user."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message


@dataclass(frozen=True)
class MediaStream:
    """An open media response. `offset` is the byte its body starts at: the requested start
    when the server answered the range, 0 when it sent the whole file (it changed since)."""

    offset: int
    total_bytes: int
    chunks: Iterator[bytes]


def new_http_client() -> httpx.Client:
    """One per application: it pools connections and is safe to share between threads."""
    return httpx.Client(timeout=DEFAULT_TIMEOUT, headers={"User-Agent": "LMSDesk"})


class ApiClient:
    def __init__(self, base_url: str, http: httpx.Client) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http

    # ------------------------------------------------------------------ endpoints
    def health(self) -> Health:
        return self._parse(self._request("GET", "/health"), Health)

    def login(
        self, email: str, password: str, *, device_name: str, otp: str | None = None
    ) -> TokenPair:
        body = LoginRequest(email=email, password=password, device_name=device_name, otp=otp)
        return self._parse(self._request("POST", "/auth/login", json=body), TokenPair)

    # ------------------------------------------------------------------ accounts
    def register(self, email: str, password: str, full_name: str) -> Me:
        body = RegisterRequest(email=email, password=password, full_name=full_name)
        return self._parse(self._request("POST", "/auth/register", json=body), Me)

    def verify_email(self, code: str) -> None:
        self._request("POST", "/auth/verify-email", json=VerifyEmailRequest(token=code))

    def resend_verification(self, access_token: str) -> None:
        self._request("POST", "/me/verify-email/resend", token=access_token)

    def request_password_reset(self, email: str) -> None:
        self._request(
            "POST", "/auth/password-reset/request", json=PasswordResetRequest(email=email)
        )

    def confirm_password_reset(self, code: str, new_password: str) -> None:
        body = PasswordResetConfirm(token=code, new_password=new_password)
        self._request("POST", "/auth/password-reset/confirm", json=body)

    def update_profile(self, access_token: str, change: ProfileUpdate) -> Me:
        # Only what is sent changes: unset fields are left out, not sent as null.
        response = self._request(
            "PATCH",
            "/me",
            raw=change.model_dump_json(exclude_none=True).encode(),
            headers={"Content-Type": "application/json"},
            token=access_token,
        )
        return self._parse(response, Me)

    def set_avatar(self, access_token: str, picture: bytes, mime_type: str) -> Me:
        response = self._request(
            "PUT",
            "/me/avatar",
            raw=picture,
            headers={"Content-Type": mime_type},
            token=access_token,
        )
        return self._parse(response, Me)

    def remove_avatar(self, access_token: str) -> Me:
        return self._parse(self._request("DELETE", "/me/avatar", token=access_token), Me)

    def avatar(self, user_id: uuid.UUID) -> bytes | None:
        """Anyone's picture (public); None when they have none."""
        try:
            return self._request("GET", f"/users/{user_id}/avatar").content
        except ApiRejected as exc:
            if exc.status_code == 404:
                return None
            raise

    def change_password(self, access_token: str, current: str, new: str) -> None:
        body = PasswordChange(current_password=current, new_password=new)
        self._request("POST", "/me/password", json=body, token=access_token)

    def start_two_factor(self, access_token: str) -> TotpSetup:
        response = self._request("POST", "/me/mfa/totp", token=access_token)
        return self._parse(response, TotpSetup)

    def confirm_two_factor(self, access_token: str, code: str) -> RecoveryCodes:
        response = self._request(
            "POST", "/me/mfa/totp/confirm", json=TotpCode(code=code), token=access_token
        )
        return self._parse(response, RecoveryCodes)

    def disable_two_factor(self, access_token: str, code: str) -> None:
        self._request("DELETE", "/me/mfa/totp", json=TotpCode(code=code), token=access_token)

    # ------------------------------------------------------------------ the admin console
    def admin_users(
        self, access_token: str, *, q: str = "", role: str | None = None, offset: int = 0
    ) -> AdminUsersPage:
        query = {"q": q, "role": role or "", "offset": offset, "limit": 100}
        path = "/admin/users?" + urlencode({k: v for k, v in query.items() if v != ""})
        return self._parse(self._request("GET", path, token=access_token), AdminUsersPage)

    def admin_user(self, access_token: str, user_id: uuid.UUID) -> AdminUserDetail:
        response = self._request("GET", f"/admin/users/{user_id}", token=access_token)
        return self._parse(response, AdminUserDetail)

    def admin_audit(self, access_token: str, *, action: str = "", offset: int = 0) -> AuditPage:
        query = {"action": action, "offset": offset, "limit": 100}
        path = "/admin/audit?" + urlencode({k: v for k, v in query.items() if v != ""})
        return self._parse(self._request("GET", path, token=access_token), AuditPage)

    def refresh(self, refresh_token: str) -> TokenPair:
        body = RefreshRequest(refresh_token=refresh_token)
        return self._parse(self._request("POST", "/auth/refresh", json=body), TokenPair)

    def logout(self, refresh_token: str) -> None:
        self._request("POST", "/auth/logout", json=LogoutRequest(refresh_token=refresh_token))

    def me(self, access_token: str) -> Me:
        return self._parse(self._request("GET", "/me", token=access_token), Me)

    def push(self, access_token: str, body: PushRequest) -> PushResponse:
        response = self._request("POST", "/sync/push", json=body, token=access_token)
        return self._parse(response, PushResponse)

    def pull(self, access_token: str, body: PullRequest) -> PullResponse:
        response = self._request("POST", "/sync/pull", json=body, token=access_token)
        return self._parse(response, PullResponse)

    def create_checkout(
        self,
        access_token: str,
        course_ids: list[uuid.UUID],
        cohort_id: uuid.UUID | None = None,
        coupon_code: str | None = None,
    ) -> CheckoutSession:
        """One order of these courses (a cohort only with one course), priced by the server."""
        body = CheckoutBody(course_ids=course_ids, cohort_id=cohort_id, coupon_code=coupon_code)
        response = self._request("POST", "/checkout/sessions", json=body, token=access_token)
        return self._parse(response, CheckoutSession)

    def my_coupons(self, access_token: str) -> list[CouponView]:
        response = self._request("GET", "/authoring/coupons", token=access_token)
        return self._parse(response, _CouponList).root

    def create_coupon(self, access_token: str, body: CouponBody) -> CouponView:
        response = self._request("POST", "/authoring/coupons", json=body, token=access_token)
        return self._parse(response, CouponView)

    def subscribe(self, access_token: str, plan: Plan) -> SubscriptionCheckout:
        body = SubscriptionBody(plan=plan)
        response = self._request("POST", "/checkout/subscriptions", json=body, token=access_token)
        return self._parse(response, SubscriptionCheckout)

    def subscription_portal(self, access_token: str) -> PortalLink:
        response = self._request("POST", "/subscription/portal", token=access_token)
        return self._parse(response, PortalLink)

    def quote(self, access_token: str, code: str, course_ids: list[uuid.UUID]) -> Quote:
        query = urlencode([("course_ids", str(c)) for c in course_ids])
        path = f"/coupons/{quote_path(code, safe='')}/quote?{query}"
        return self._parse(self._request("GET", path, token=access_token), Quote)

    def order(self, access_token: str, order_id: uuid.UUID) -> OrderView:
        return self._parse(
            self._request("GET", f"/orders/{order_id}", token=access_token), OrderView
        )

    def orders(self, access_token: str) -> list[OrderView]:
        return self._parse(self._request("GET", "/orders", token=access_token), _OrderList).root

    def cancel_order(self, access_token: str, order_id: uuid.UUID) -> OrderView:
        response = self._request("POST", f"/orders/{order_id}/cancel", token=access_token)
        return self._parse(response, OrderView)

    def enroll_free(
        self, access_token: str, course_id: uuid.UUID, cohort_id: uuid.UUID | None = None
    ) -> EnrollmentView:
        body = JoinRef(course_id=course_id, cohort_id=cohort_id)
        response = self._request("POST", "/enrollments/free", json=body, token=access_token)
        return self._parse(response, EnrollmentView)

    def certificate_key(self) -> CertificateKey:
        return self._parse(self._request("GET", "/certificates/public-key"), CertificateKey)

    def grading_inbox(self, access_token: str, offset: int = 0) -> GradingInbox:
        path = f"/instructor/grading?limit=200&offset={offset}"
        return self._parse(self._request("GET", path, token=access_token), GradingInbox)

    def gradebook(self, access_token: str, course_id: uuid.UUID) -> Gradebook:
        path = f"/instructor/courses/{course_id}/gradebook"
        return self._parse(self._request("GET", path, token=access_token), Gradebook)

    def instructor_metrics(
        self, access_token: str, course_id: uuid.UUID | None, start: date, end: date
    ) -> CourseMetrics:
        path = f"/instructor/metrics?from={start}&to={end}"
        if course_id is not None:
            path += f"&course_id={course_id}"
        return self._parse(self._request("GET", path, token=access_token), CourseMetrics)

    def course_funnel(self, access_token: str, course_id: uuid.UUID) -> CourseFunnel:
        path = f"/instructor/courses/{course_id}/funnel"
        return self._parse(self._request("GET", path, token=access_token), CourseFunnel)

    def platform_metrics(self, access_token: str, start: date, end: date) -> PlatformMetrics:
        path = f"/admin/metrics?from={start}&to={end}"
        return self._parse(self._request("GET", path, token=access_token), PlatformMetrics)

    def order_receipt(self, access_token: str, order_id: uuid.UUID) -> bytes:
        path = f"/orders/{order_id}/receipt.pdf"
        return self._request("GET", path, token=access_token).content

    def gradebook_csv(self, access_token: str, course_id: uuid.UUID) -> bytes:
        path = f"/instructor/courses/{course_id}/gradebook?format=csv"
        return self._request("GET", path, token=access_token).content

    def calendar_link(self, access_token: str, cohort_id: uuid.UUID) -> str:
        response = self._request("GET", f"/cohorts/{cohort_id}/calendar-link", token=access_token)
        return self._parse(response, CalendarLink).url

    def media_link(self, access_token: str, asset_id: uuid.UUID) -> MediaLink:
        response = self._request("POST", f"/media/{asset_id}/link", token=access_token)
        return self._parse(response, MediaLink)

    def start_upload(self, access_token: str, body: UploadStart) -> UploadState:
        response = self._request("POST", "/media", json=body, token=access_token)
        return self._parse(response, UploadState)

    def upload_state(self, access_token: str, asset_id: uuid.UUID) -> UploadState:
        response = self._request("GET", f"/media/{asset_id}/upload", token=access_token)
        return self._parse(response, UploadState)

    def upload_chunk(
        self, access_token: str, asset_id: uuid.UUID, offset: int, data: bytes
    ) -> UploadState:
        response = self._request(
            "PUT",
            f"/media/{asset_id}/content",
            token=access_token,
            raw=data,
            headers={"Upload-Offset": str(offset), "Content-Type": "application/octet-stream"},
        )
        return self._parse(response, UploadState)

    @contextmanager
    def open_media(
        self, access_token: str, asset_id: uuid.UUID, *, start: int, etag: str, chunk_bytes: int
    ) -> Iterator[MediaStream]:
        """Stream an asset from byte `start`. If-Range with the expected checksum: a file that
        changed on the server comes whole, never spliced onto the old bytes."""
        headers = {"Authorization": f"Bearer {access_token}"}
        if start > 0:
            headers |= {"Range": f"bytes={start}-", "If-Range": f'"{etag}"'}
        url = f"{self.base_url}{API_PREFIX}/media/{asset_id}"
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                if response.is_error:
                    response.read()
                    raise self._rejection(response)
                offset = start if response.status_code == 206 else 0
                total = offset + int(response.headers.get("content-length", "0"))
                yield MediaStream(offset, total, response.iter_bytes(chunk_bytes))
        except httpx.TransportError as exc:
            _log.info("media %s: connection lost (%s)", asset_id, type(exc).__name__)
            raise ServerUnreachable(f"Lost the connection to {self.base_url}.") from exc

    # ------------------------------------------------------------------ plumbing
    def _request(
        self,
        method: str,
        path: str,
        *,
        json: BaseModel | None = None,
        token: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; answers only with a 2xx response, raises ApiFailure otherwise."""
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        content = raw
        if json is not None:
            # pydantic's own (Rust) encoder: a push carries a thousand mutations.
            content = json.model_dump_json().encode()
            headers["Content-Type"] = "application/json"
        url = f"{self.base_url}{API_PREFIX}{path}"
        try:
            try:
                response = self._http.request(method, url, content=content, headers=headers)
            except (httpx.RemoteProtocolError, httpx.ConnectError):
                # A kept-alive connection the network dropped meanwhile (a laptop back from
                # sleep or a tunnel) fails the first request on it without the server having
                # answered anything; once more, on a fresh connection. Repeating is safe: sync
                # goes by sequence and cursor, uploads by offset; at worst a checkout leaves an
                # unused pending order behind, which expires.
                response = self._http.request(method, url, content=content, headers=headers)
        except httpx.TransportError as exc:
            _log.info("%s %s: server unreachable (%s)", method, path, type(exc).__name__)
            raise ServerUnreachable(f"Cannot reach the server at {self.base_url}.") from exc
        except httpx.InvalidURL as exc:
            raise ApiRejected(
                0, "invalid_url", f"'{self.base_url}' is not a valid address."
            ) from exc
        if response.status_code in (502, 503, 504):
            if response.status_code == 502 and _is_error_body(response):
                # Our server itself answered: a service it depends on (the payment provider)
                # failed, and its message says what to do.
                raise self._rejection(response)
            raise ServerUnreachable(
                f"The server at {self.base_url} is not available right now.",
                retry_after=_retry_after(response),
            )
        if response.is_error:
            raise self._rejection(response)
        return response

    def _parse(self, response: httpx.Response, response_model: type[Model]) -> Model:
        try:
            return response_model.model_validate_json(response.content)
        except ValidationError as exc:
            raise ApiRejected(
                response.status_code,
                "bad_response",
                f"The server at {self.base_url} answered in a form this app does not understand.",
            ) from exc

    def _rejection(self, response: httpx.Response) -> ApiRejected:
        try:
            error = ErrorResponse.model_validate_json(response.content).error
            return ApiRejected(response.status_code, error.code, error.message)
        except ValidationError:
            return ApiRejected(
                response.status_code,
                "http_error",
                f"The server answered HTTP {response.status_code}. Is {self.base_url} an "
                "LMSDesk server?",
            )


class _CouponList(RootModel[list[CouponView]]):
    pass


class _OrderList(RootModel[list[OrderView]]):
    pass


#: A server asking to be left alone for longer than this is down, not busy: retry as usual.
_MAX_RETRY_AFTER = 600.0


def _retry_after(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds (the delay form; the date form is not used by our
    server and is ignored)."""
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return min(seconds, _MAX_RETRY_AFTER) if seconds >= 0 else None


def _is_error_body(response: httpx.Response) -> bool:
    try:
        ErrorResponse.model_validate_json(response.content)
    except ValidationError:
        return False
    return True
