"""The names of sync partitions (DESIGN.md section 5): who receives which rows. Both sides name
them: the server stamps rows into them, the client stamps its own offline rows the same way
until the server's copies replace them."""

from __future__ import annotations

import uuid

#: Published course content of every course (one clock, so a cursor stays short).
CATALOG_PARTITION = "catalog"
#: The review queue and the reports queue, for admins.
MODERATION_PARTITION = "moderation"
#: Where hidden and deleted posts go: no one reads it, so they leave every device.
REMOVED_PARTITION = "removed"


def user_partition(user_id: uuid.UUID | str) -> str:
    """A user's own rows: enrollments, progress, attempts, certificates, orders."""
    return f"user:{user_id}"


def draft_partition(course_id: uuid.UUID | str) -> str:
    """An instructor's draft (and, while it waits for review, the admins')."""
    return f"draft:{course_id}"


def course_partition(course_id: uuid.UUID | str) -> str:
    """The name a course's full content is added and revoked under (its rows use the catalog
    clock)."""
    return f"course:{course_id}"


def community_partition(course_id: uuid.UUID | str) -> str:
    """A course's questions, answers, threads and posts: its students and its instructor."""
    return f"community:{course_id}"
