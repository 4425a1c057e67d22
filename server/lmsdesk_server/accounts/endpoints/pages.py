"""The page the verification mail links to. Opening the link changes nothing (mail scanners
open links); the button on the page confirms the address."""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from lmsdesk_server.accounts.endpoints.recovery import CodesDep
from lmsdesk_server.errors import ApiError
from lmsdesk_server.html_pages import page

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Query(min_length=4, max_length=64)]


@router.get("/account/verify-email", response_class=HTMLResponse)
def verify_email_page(token: Token) -> HTMLResponse:
    return page(
        "Confirm your email",
        "<h1>Confirm your email address</h1>"
        "<p>Press the button to confirm that this address is yours.</p>"
        "<form method='post' action='/account/verify-email'>"
        f"<input type='hidden' name='token' value='{escape(token, quote=True)}'>"
        "<button class='pay' id='confirm' type='submit'>Confirm my address</button></form>",
    )


async def _form_token(request: Request) -> str:
    """The token field of the page's form (a tiny urlencoded body; no multipart parser)."""
    body = (await request.body())[:1024].decode("ascii", errors="replace")
    values = parse_qs(body).get("token", [""])
    return values[0][:64]


@router.post("/account/verify-email", response_class=HTMLResponse)
def verify_email_form(
    token: Annotated[str, Depends(_form_token)], request: Request, codes: CodesDep
) -> HTMLResponse:
    address = request.client.host if request.client else "unknown"
    try:
        codes.verify_email(token, client_address=address)
    except ApiError as exc:
        return page(
            "Confirm your email",
            f"<h1>Not confirmed</h1><p>{escape(exc.message)} In LMSDesk, open Account and "
            "send a new code.</p>",
            exc.status_code,
        )
    return page(
        "Confirm your email",
        "<h1>Thank you</h1><p>Your email address is confirmed. You can close this page; "
        "LMSDesk shows it the next time it talks to the server.</p>",
    )
