"""One policy for a background step that failed: what, if anything, the user is told.

- a refusal written for the user (UserFacingError): its own words;
- signed out while the step was on its way (NotSignedIn): nothing, there is no one to tell;
- the server out of reach: that, plainly, and that nothing was lost;
- anything else is a bug: logged with its traceback, and the user told it is in the log.
"""

from __future__ import annotations

import logging

from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import NotSignedIn
from lmsdesk.sync.api_client import ServerUnreachable

_log = logging.getLogger("lmsdesk.ui")

UNREACHABLE = "Cannot reach the server right now; try again when you are back online."


def explain(error: BaseException, *, doing: str) -> str | None:
    """The words for the user about `error` (None: say nothing). `doing` names the step for the
    log and the fallback message, e.g. "saving that change"."""
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, NotSignedIn):
        return None
    if isinstance(error, ServerUnreachable):
        return UNREACHABLE
    _log.error("%s failed", doing, exc_info=error)
    return f"Something went wrong {doing} on this computer. The details are in the log."


def is_expected(error: BaseException) -> bool:
    """A failure a background redraw meets in normal use (signed out meanwhile, the course gone
    after a sync): stay quiet about it."""
    return isinstance(error, (UserFacingError, NotSignedIn, ServerUnreachable))
