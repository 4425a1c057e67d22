"""Times as people read them, in the viewer's zone: the profile's time zone when one is set,
else the computer's (DESIGN.md 11.4). Stored and sent in UTC everywhere else."""

from __future__ import annotations

from datetime import datetime, tzinfo

#: The viewer's zone for every screen (set from the profile when the account is known; None:
#: the computer's own).
_VIEWER_ZONE: list[tzinfo | None] = [None]


def set_viewer_zone(zone: tzinfo | None) -> None:
    _VIEWER_ZONE[0] = zone


def viewer_zone() -> tzinfo | None:
    return _VIEWER_ZONE[0]


def local_time(moment: datetime, zone: tzinfo | None = None) -> str:
    """ "Fri 4 Dec 2026, 09:00" in the viewer's zone (or the one given)."""
    shown = moment.astimezone(zone or viewer_zone())
    return f"{shown:%a} {shown.day} {shown:%b %Y, %H:%M}"


def short_time(moment: datetime, zone: tzinfo | None = None) -> str:
    """ "Mon 30 Nov, 09:00": the year left out, for what happens within weeks."""
    shown = moment.astimezone(zone or viewer_zone())
    return f"{shown:%a} {shown.day} {shown:%b, %H:%M}"


def zone_name(zone: tzinfo | None = None) -> str:
    """The zone's name as shown beside times ("Europe/Berlin", or the computer's "CET")."""
    chosen = zone or viewer_zone()
    if chosen is not None:
        return str(chosen)
    return datetime.now().astimezone().tzname() or "local time"
