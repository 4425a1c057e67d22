"""Client settings (DESIGN.md section 10)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SERVER_URL = "http://127.0.0.1:8765"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("lmsdesk", appauthor=False))


class ClientSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LMSDESK_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    server_url: str = DEFAULT_SERVER_URL
