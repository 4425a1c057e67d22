"""The operator's files in packaging/server name only commands and options `lmsdesk-server` has,
and the compose file is the shape DESIGN.md section 12 describes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from lmsdesk_server.cli import build_parser
from lmsdesk_server.config import ServerSettings

PACKAGING = Path(__file__).resolve().parents[3] / "packaging" / "server"


def _parses(argv: list[str]) -> None:
    assert argv[0].endswith("lmsdesk-server"), argv
    build_parser().parse_args(argv[1:])  # exits (SystemExit) on an unknown command or option


@pytest.mark.parametrize("unit", ["lmsdesk-server.service", "lmsdesk-worker.service"])
def test_systemd_units_run_real_commands(unit: str) -> None:
    [command] = re.findall(r"^ExecStart=(.+)$", (PACKAGING / unit).read_text(), re.M)
    _parses(shlex.split(command))


def test_compose_runs_servers_a_worker_postgres_minio_and_a_proxy() -> None:
    compose = yaml.safe_load((PACKAGING / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "minio", "server", "worker", "caddy"} <= set(services)
    for name in ("migrate", "server", "worker"):
        _parses(["lmsdesk-server", *services[name]["command"][1:]])
    assert services["server"]["deploy"]["replicas"] >= 2
    env = services["server"]["environment"]
    assert env["LMSDESK_MEDIA_STORE"].startswith("s3://")
    assert env["LMSDESK_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_the_example_settings_are_settings_the_server_reads() -> None:
    known = {f"LMSDESK_{name.upper()}" for name in ServerSettings.model_fields}
    named = re.findall(
        r"^#?(LMSDESK_[A-Z_]+)=", (PACKAGING / "server.env.example").read_text(), re.M
    )
    assert named
    assert set(named) - known == set(), "settings the server would ignore"
