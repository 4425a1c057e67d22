"""For test modules that approve courses: `from tests.support.publishing import
own_live_server` makes `live_server` in that module a server of its own (tests/conftest.py
`publishing_server`). Publishing changes every user's catalog, and the shared server's tests
count on the demo catalog as seeded."""

from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer


@pytest.fixture(scope="module", name="live_server")
def own_live_server(publishing_server: LiveServer) -> LiveServer:
    return publishing_server
