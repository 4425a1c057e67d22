"""The LMSDesk server: the authority every client syncs through."""

from lmsdesk import __version__

__all__ = ["__version__"]
