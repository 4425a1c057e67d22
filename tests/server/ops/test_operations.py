"""What an operator watches: readiness for the load balancer, Prometheus metrics, JSON logs."""

from __future__ import annotations

import json
import logging
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text

from lmsdesk_server.context import ServerContext
from lmsdesk_server.main import create_app
from lmsdesk_server.observability import configure_logging
from lmsdesk_server.storage.s3 import S3Store

API = "/api/v1"


def _sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one series in a Prometheus text page (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in metrics.splitlines():
        match = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if match and ",".join(sorted(match.group(1).split(","))) == wanted:
            return float(match.group(2))
    return 0.0


def test_ready_says_what_is_wrong(client: TestClient, context: ServerContext) -> None:
    ready = client.get(f"{API}/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "media_store": "ok"}}

    # A store that cannot be reached (nothing listens there): not ready, and why.
    context.media = S3Store("nowhere", endpoint="http://127.0.0.1:9", region="us-east-1")
    unready = client.get(f"{API}/health/ready")
    assert unready.status_code == 503
    assert unready.json()["checks"]["media_store"].startswith("unavailable")


def test_ready_is_refused_while_the_schema_is_behind(
    client: TestClient, context: ServerContext
) -> None:
    with context.session_factory() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0007'"))
        session.commit()
        answer = client.get(f"{API}/health/ready")
        assert answer.status_code == 503
        assert "schema at 0007" in answer.json()["checks"]["database"]


def test_metrics_count_requests_by_route_not_by_path(client: TestClient) -> None:
    before = client.get("/metrics").text
    for _ in range(3):
        client.get(f"{API}/media/00000000-0000-0000-0000-000000000000")
    after = client.get("/metrics")
    assert after.status_code == 200
    assert after.headers["content-type"].startswith("text/plain")
    route = "/media/{asset_id}"  # the template under the API prefix
    grown = _sample(
        after.text, "lmsdesk_http_requests_total", method="GET", route=route, status="401"
    ) - _sample(before, "lmsdesk_http_requests_total", method="GET", route=route, status="401")
    assert grown == 3
    assert "00000000-0000" not in after.text, "ids never become labels"
    assert "lmsdesk_http_request_duration_seconds_bucket" in after.text
    assert re.search(r'^lmsdesk_queue_depth\{queue="mail"\} \d', after.text, re.M)


def test_metrics_ask_for_the_operators_token_when_one_is_set(context: ServerContext) -> None:
    context.settings = context.settings.model_copy(
        update={"metrics_token": SecretStr("scrape-me-0123")}
    )
    with TestClient(create_app(context)) as guarded:
        assert guarded.get("/metrics").status_code == 401
        wrong = guarded.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = guarded.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123"})
        assert right.status_code == 200


def test_json_logs_are_one_object_per_line(capfd: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        configure_logging("json", force=True)
        logging.getLogger("lmsdesk_server.test").info("Order %s settled", "o-1")
        line = capfd.readouterr().err.strip().splitlines()[-1]
    finally:
        root.handlers[:], root.level = saved
    record = json.loads(line)
    assert record["message"] == "Order o-1 settled"
    assert record["level"] == "INFO"
    assert record["logger"] == "lmsdesk_server.test"
    assert "time" in record
