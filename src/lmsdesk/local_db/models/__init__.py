"""Every table of the local store, imported so LocalBase.metadata is complete for Alembic."""

from lmsdesk.local_db.models import client, community, grading, mirror, schedule
from lmsdesk.local_db.models.base import LocalBase

__all__ = ["LocalBase", "client", "community", "grading", "mirror", "schedule"]
