"""Dependencies every endpoint uses, as Annotated aliases (full-stack-fastapi-template style)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from lmsdesk_server.accounts.service import AccountService
from lmsdesk_server.actor import Actor
from lmsdesk_server.analytics.service import progress as enrollment_progress
from lmsdesk_server.certificates import service as certificates
from lmsdesk_server.context import ServerContext
from lmsdesk_server.errors import ApiError
from lmsdesk_server.security.tokens import AccessClaims, InvalidAccessToken


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the
# thread pool, and each such hop costs a request more than its work here.
async def get_context(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


ContextDep = Annotated[ServerContext, Depends(get_context)]


def get_session(context: ContextDep) -> Iterator[Session]:
    """The request's unit of work: committed when the endpoint succeeds, rolled back otherwise.

    Function scope (below) commits before the response is sent. FastAPI's default for a
    dependency with yield runs this after the response, so a client could hear "applied",
    drop the change from its outbox and pull before the commit, or hear it for a commit that
    then failed: a lost write."""
    with unit_of_work(context) as session:
        yield session


@contextmanager
def unit_of_work(context: ServerContext) -> Iterator[Session]:
    """`get_session` for an endpoint that does all of its work in one thread hop."""
    session = context.session_factory()
    try:
        yield session
        # Completions written by this request may have finished a course.
        certificates.issue_pending(session, context.certificates)
        # ...and changed enrollments' progress (kept in the same commit).
        enrollment_progress.settle(session)
        session.commit()
    except ApiError as exc:
        if exc.keep_changes:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_account_service(context: ContextDep, session: SessionDep) -> AccountService:
    return account_service(context, session)


def account_service(context: ServerContext, session: Session) -> AccountService:
    return AccountService(
        session,
        access_tokens=context.access_tokens,
        refresh_lifetime=context.refresh_lifetime,
        throttle=context.throttle,
        secret_box=context.secret_box,
        public_url=context.settings.public_url,
    )


AccountServiceDep = Annotated[AccountService, Depends(get_account_service)]

_bearer = HTTPBearer(auto_error=False, description="Access token from /auth/login")


def actor_from_bearer(
    context: ServerContext,
    accounts: AccountService,
    credentials: HTTPAuthorizationCredentials | None,
) -> Actor:
    claims = verified_claims(context, credentials)
    return accounts.actor_for(claims.user_id, claims.session_id)


def verified_claims(
    context: ServerContext, credentials: HTTPAuthorizationCredentials | None
) -> AccessClaims:
    """The access token's claims, or 401: the token alone, without the database."""
    if credentials is None:
        raise ApiError(
            401, "not_authenticated", "Sign in first.", headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        return context.access_tokens.verify(credentials.credentials)
    except InvalidAccessToken as exc:
        message = (
            "Your access token has expired." if exc.reason == "token_expired" else "Invalid token."
        )
        raise ApiError(401, exc.reason, message, headers={"WWW-Authenticate": "Bearer"}) from exc


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_actor(context: ContextDep, accounts: AccountServiceDep, credentials: BearerDep) -> Actor:
    return actor_from_bearer(context, accounts, credentials)


CurrentActor = Annotated[Actor, Depends(get_actor)]


async def get_claims(context: ContextDep, credentials: BearerDep) -> AccessClaims:
    return verified_claims(context, credentials)


#: For an endpoint that signs its user in inside its own thread hop (`signed_in`): the token is
#: checked here, before the body, as CurrentActor checks it.
ClaimsDep = Annotated[AccessClaims, Depends(get_claims)]


def signed_in(context: ServerContext, session: Session, claims: AccessClaims) -> Actor:
    """CurrentActor, inside a unit of work of the endpoint's own."""
    return account_service(context, session).actor_for(claims.user_id, claims.session_id)


#: A list's page (DESIGN.md section 11: lists are `{items, total}` with `offset`/`limit`).
Offset = Annotated[int, Query(ge=0, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=200)]
