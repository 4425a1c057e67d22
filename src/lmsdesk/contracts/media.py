"""Media on the wire: signed links for streaming."""

from __future__ import annotations

from datetime import datetime

from lmsdesk.contracts.common import WireModel


class MediaLink(WireModel):
    """A URL a player can open without headers; valid until `expires_at`, for one user."""

    url: str
    expires_at: datetime
