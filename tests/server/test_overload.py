"""The real server under a few hundred simultaneous syncs: it answers every request (200, or 503
with Retry-After when past capacity), and answers at once when the load is gone. Before
admission control it seized up for good: every worker thread waiting for a database connection
held by a request waiting for a thread."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from lmsdesk.contracts import hlc
from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.sync import PROTOCOL_VERSION
from lmsdesk_server.admission import MAX_IN_FLIGHT
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.postgres import PostgresForTests

CONCURRENT = 300
USERS = 30
COURSE = demo_id("course:offline-first-basics")


@pytest.fixture(scope="module")
def server(
    postgres: PostgresForTests, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    live = LiveServer(postgres, tmp_path_factory.mktemp("overload"), "lmsdesk_overload")
    live.seed_demo()
    live.start()
    yield live
    live.stop()


def _tokens(server: LiveServer) -> list[str]:
    tokens = []
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as http:
        for _ in range(USERS):
            email = server.create_user(Role.STUDENT)
            response = http.post("/auth/login", json={"email": email, "password": PASSWORD})
            tokens.append(response.json()["access_token"])
    return tokens


async def _one_sync(http: httpx.AsyncClient, token: str, n: int) -> str:
    """A device's sync: a push of one small change (every other device) or a pull."""
    headers = {"Authorization": f"Bearer {token}"}
    device = str(uuid.uuid4())
    if n % 2:
        body = {
            "device_id": device,
            "epoch": 1,
            "protocol": PROTOCOL_VERSION,
            "mutations": [
                {
                    "seq": 1,
                    "mutation_id": str(uuid.uuid4()),
                    "name": m.ADD_TO_WISHLIST.name,
                    "args": {"course_id": str(COURSE)},
                    "hlc": hlc.wall_clock_hlc(),
                }
            ],
        }
        path = "/sync/push"
    else:
        body = {"device_id": device, "protocol": PROTOCOL_VERSION, "cursor": None, "limit": 500}
        path = "/sync/pull"
    try:
        response = await http.post(path, json=body, headers=headers)
    except httpx.TimeoutException:
        return "timeout"
    if response.status_code == 503:
        assert int(response.headers["retry-after"]) >= 1
    return str(response.status_code)


async def _storm(server: LiveServer, tokens: list[str]) -> Counter[str]:
    limits = httpx.Limits(max_connections=CONCURRENT + 10, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=f"{server.url}/api/v1", timeout=45, limits=limits
    ) as http:
        answers = await asyncio.gather(
            *(_one_sync(http, tokens[n % len(tokens)], n) for n in range(CONCURRENT))
        )
    return Counter(answers)


def test_a_storm_of_syncs_is_answered_and_the_server_recovers_at_once(server: LiveServer) -> None:
    tokens = _tokens(server)
    started = time.monotonic()
    answers = asyncio.run(_storm(server, tokens))
    took = time.monotonic() - started
    assert set(answers) <= {"200", "503"}, answers
    # More than the first places were served: the queue moved as requests finished, rather
    # than every waiter timing out behind a server that seized up. How many more is the
    # machine's throughput over the queue's 2 s (bench/server_capacity.py measures it), not a
    # rule.
    assert answers["200"] > MAX_IN_FLIGHT, answers
    assert took < 45, f"the storm took {took:.1f} s"

    after = time.monotonic()
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=10) as http:
        response = http.post(
            "/sync/pull",
            json={
                "device_id": str(uuid.uuid4()),
                "protocol": PROTOCOL_VERSION,
                "cursor": None,
                "limit": 100,
            },
            headers={"Authorization": f"Bearer {tokens[0]}"},
        )
    assert response.status_code == 200
    assert time.monotonic() - after < 1.0
