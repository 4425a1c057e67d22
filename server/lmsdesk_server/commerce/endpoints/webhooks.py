"""POST /webhooks/stripe and /webhooks/paystack: the raw body goes to the verifier untouched
(never parsed first)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from lmsdesk.contracts.common import ErrorDetail, ErrorResponse
from lmsdesk_server.commerce.service.paystack_webhooks import PaystackWebhooks
from lmsdesk_server.commerce.service.webhooks import MAX_BODY_BYTES, PaymentWebhooks, WebhookAnswer
from lmsdesk_server.deps import ContextDep
from lmsdesk_server.observability import WEBHOOKS
from lmsdesk_server.payments.paystack_provider import PaystackProvider

router = APIRouter(tags=["webhooks"])


async def _body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            break  # the service refuses it; do not read an unbounded body into memory
    return bytes(body)


@router.post("/webhooks/stripe", include_in_schema=False)
async def stripe_webhook(request: Request, context: ContextDep) -> JSONResponse:
    body = await _body(request)
    webhooks = PaymentWebhooks(context.session_factory, context.payments, context.webhook_secret)
    # The service does blocking database and provider I/O: keep it off the event loop.
    answer = await run_in_threadpool(
        webhooks.receive, body, request.headers.get("stripe-signature")
    )
    return _answer(answer)


@router.post("/webhooks/paystack", include_in_schema=False)
async def paystack_webhook(request: Request, context: ContextDep) -> JSONResponse:
    body = await _body(request)
    provider = context.payments
    if not isinstance(provider, PaystackProvider):
        error = ErrorDetail(
            code="webhook_rejected", message="Paystack is not this server's payment provider."
        )
        return JSONResponse(ErrorResponse(error=error).model_dump(mode="json"), status_code=400)
    webhooks = PaystackWebhooks(context.session_factory, provider, provider.secret_key)
    answer = await run_in_threadpool(
        webhooks.receive, body, request.headers.get("x-paystack-signature")
    )
    return _answer(answer)


def _answer(answer: WebhookAnswer) -> JSONResponse:
    WEBHOOKS.labels(answer.outcome.value).inc()
    if answer.status_code >= 400:
        error = ErrorDetail(code=f"webhook_{answer.outcome.value}", message=answer.detail)
        return JSONResponse(
            ErrorResponse(error=error).model_dump(mode="json"), status_code=answer.status_code
        )
    return JSONResponse({"received": True, "outcome": answer.outcome.value})
