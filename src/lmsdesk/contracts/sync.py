"""The sync protocol (DESIGN.md section 5): push, pull and the mutations' arguments.

A mutation's name carries its version (`progress.set_position@1`); the server keeps handlers for
older versions, so queued outbox rows survive an app upgrade.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import Field, StringConstraints, model_validator

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import MutationStatus

#: The sync protocol this build speaks; the server answers 426 below its minimum.
PROTOCOL_VERSION = 1

MutationName = Annotated[
    str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+@[0-9]+$", max_length=80)
]


#: The database keeps sequence numbers and clocks as bigint.
BIGINT_MAX = 2**63 - 1


class Mutation(WireModel):
    unchecked_text: ClassVar[frozenset[str]] = frozenset({"args"})

    seq: Annotated[int, Field(ge=1, le=BIGINT_MAX)]
    mutation_id: uuid.UUID
    name: MutationName
    args: dict[str, Any]
    #: Hybrid logical clock of the change on its device (see lmsdesk.contracts.hlc).
    hlc: Annotated[int, Field(ge=0, le=BIGINT_MAX)]


class PushRequest(WireModel):
    device_id: uuid.UUID
    #: The replica epoch of the sending store (diagnostics; a copied store takes a new device id).
    epoch: Annotated[int, Field(ge=0, lt=2**31)]
    protocol: int
    mutations: Annotated[list[Mutation], Field(max_length=2000)]
    #: The device's pull cursor: when nothing but this push moved what the user sees, the
    #: answer carries the rows written and the cursor past them, and no pull is needed.
    cursor: Annotated[str | None, Field(max_length=16_384)] = None

    @model_validator(mode="after")
    def _in_order_and_distinct(self) -> PushRequest:
        """A device's outbox sends each change once, oldest first."""
        seqs = [m.seq for m in self.mutations]
        if any(later <= earlier for earlier, later in itertools.pairwise(seqs)):
            raise ValueError("mutations must be in increasing seq order, each seq once")
        if len({m.mutation_id for m in self.mutations}) != len(self.mutations):
            raise ValueError("each mutation_id may appear once in a push")
        return self


class MutationResult(WireModel):
    seq: int
    status: MutationStatus
    reason: str | None = None
    row: dict[str, Any] | None = None


#: A partition a client may ask to receive whole again: its own user partition or a draft.
ResyncPartition = Annotated[
    str,
    StringConstraints(
        pattern=r"^(user|draft|community):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    ),
]


class PullRequest(WireModel):
    device_id: uuid.UUID
    protocol: int
    cursor: Annotated[str | None, Field(max_length=16_384)] = None
    limit: Annotated[int, Field(ge=1, le=20_000)] = 5_000
    #: Partitions holding local effects of changes the server refused: each is answered as
    #: `reset` and sent whole (or `revoked` when this user may not see it), so the refused
    #: change leaves the device in this sync instead of when the row next changes.
    resync: Annotated[list[ResyncPartition], Field(max_length=100)] = Field(default_factory=list)


class Tombstone(WireModel):
    table: str
    row_id: str
    partition: str


class PartitionChanges(WireModel):
    #: Partitions that became visible (a new enrollment, a course approved): sent whole.
    added: list[str] = Field(default_factory=list)
    #: No longer visible (a refund, a draft published): the client removes them, progress kept.
    revoked: list[str] = Field(default_factory=list)
    #: The cursor was too old for these: the client drops them and they are sent whole again.
    reset: list[str] = Field(default_factory=list)


class PullResponse(WireModel):
    # Rows PostgreSQL sent (it stores no NUL): scanning 100,000 of them would slow a pull.
    unchecked_text: ClassVar[frozenset[str]] = frozenset({"changes"})

    changes: dict[str, list[dict[str, Any]]]
    tombstones: list[Tombstone]
    cursor: str
    has_more: bool
    partitions: PartitionChanges
    server_time: datetime
    server_hlc: int


class PushResponse(WireModel):
    acked_through: int
    results: list[MutationResult]
    server_hlc: int
    #: With a cursor in the push: the rows it wrote as a pull page, applied like one. Its
    #: `has_more` is false when the device, with this page, has everything: no pull needed.
    pulled: PullResponse | None = None


# ---------------------------------------------------------------------------- mutation arguments
Seconds = Annotated[float, Field(ge=0, le=7 * 24 * 3600)]


class SetPositionArgs(WireModel):
    lesson_id: uuid.UUID
    position_seconds: Seconds
    #: The furthest point actually watched, when the sender knows it (the player does: a seek
    #: moves the position but not this). Absent, the position counts as watched. Saves
    #: coalesced into this one keep the furthest any of them reached.
    furthest_seconds: Seconds | None = None
    reset_generation: Annotated[int, Field(ge=0)] = 0

    @property
    def furthest(self) -> float:
        """What this save adds to the furthest-position register ("percent watched")."""
        return self.position_seconds if self.furthest_seconds is None else self.furthest_seconds


class CompleteLessonArgs(WireModel):
    lesson_id: uuid.UUID
    completed_at: datetime
    reset_generation: Annotated[int, Field(ge=0)] = 0


class AddTimeArgs(WireModel):
    lesson_id: uuid.UUID
    seconds: Annotated[float, Field(gt=0, le=24 * 3600)]
    reset_generation: Annotated[int, Field(ge=0)] = 0


class ResetProgressArgs(WireModel):
    lesson_id: uuid.UUID
    #: The generation being reset; the server moves to generation + 1 (at most once per value).
    reset_generation: Annotated[int, Field(ge=0)]


class SubmitQuizAttemptArgs(WireModel):
    attempt_id: uuid.UUID
    quiz_id: uuid.UUID
    started_at: datetime
    submitted_at: datetime
    #: question id -> answer (index, list of indexes, bool, or text, by question type)
    answers: dict[str, Any]


class WishlistArgs(WireModel):
    course_id: uuid.UUID


class SetRatingArgs(WireModel):
    course_id: uuid.UUID
    rating: Annotated[int, Field(ge=1, le=5)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    body: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] = ""
