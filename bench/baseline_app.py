"""The baseline DESIGN.md section 8 measures the server's requests against: a FastAPI endpoint
doing a JWT check and one SELECT, written the way the FastAPI documentation writes one (a sync
endpoint, an HTTPBearer dependency, a SQLAlchemy session per request), on the same driver,
pool and PostgreSQL as the real server, served by uvicorn with the same options.

    LMSDESK_DATABASE_URL=... LMSDESK_JWT_SECRET=... python bench/baseline_app.py --port P
"""

import argparse
import os
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Annotated

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server")]

import uvicorn  # noqa: E402
from fastapi import Depends, FastAPI, HTTPException  # noqa: E402
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from lmsdesk_server.db.engine import make_engine, make_session_factory  # noqa: E402
from lmsdesk_server.db.models import User  # noqa: E402
from lmsdesk_server.security.tokens import AccessTokens, InvalidAccessToken  # noqa: E402

PATH = "/baseline/me"


def create_baseline_app(database_url: str, jwt_secret: str) -> FastAPI:
    factory = make_session_factory(make_engine(database_url))
    tokens = AccessTokens(jwt_secret, timedelta(minutes=15))
    app = FastAPI()

    def get_session() -> Iterator[Session]:
        with factory() as session:
            yield session

    bearer = HTTPBearer()

    @app.post(PATH)
    def me(
        credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
        session: Annotated[Session, Depends(get_session)],
    ) -> dict[str, str]:
        try:
            claims = tokens.verify(credentials.credentials)
        except InvalidAccessToken as exc:
            raise HTTPException(401, exc.reason) from exc
        row = session.execute(
            select(User.id, User.email).where(User.id == claims.user_id)
        ).one_or_none()
        if row is None:
            raise HTTPException(401, "unknown user")
        return {"id": str(row.id), "email": row.email}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_baseline_app(os.environ["LMSDESK_DATABASE_URL"], os.environ["LMSDESK_JWT_SECRET"])
    # As `lmsdesk-server serve` runs uvicorn: one process, access log on.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info", access_log=True)


if __name__ == "__main__":
    main()
