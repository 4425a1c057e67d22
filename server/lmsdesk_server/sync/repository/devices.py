"""All SQL about devices and stored mutation results."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from lmsdesk_server.db.models import Device, MutationResult
from lmsdesk_server.db.repository import Repository


class DeviceRepository(Repository):
    def lock(self, device_id: uuid.UUID, user_id: uuid.UUID, epoch: int, now: datetime) -> Device:
        """The device row, created on first contact and locked for this push: two pushes from
        one device never interleave."""
        self.session.execute(
            insert(Device)
            .values(device_id=device_id, user_id=user_id, epoch=epoch, last_seq=0, last_seen_at=now)
            .on_conflict_do_nothing()
        )
        stmt = select(Device).where(Device.device_id == device_id).with_for_update()
        return self.session.scalars(stmt).one()

    def ensure(self, device_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> None:
        """A row for a device first seen outside a push (the REST door's per-user device)."""
        self.session.execute(
            insert(Device)
            .values(device_id=device_id, user_id=user_id, epoch=0, last_seq=0, last_seen_at=now)
            .on_conflict_do_nothing()
        )

    def stored_results(
        self, device_id: uuid.UUID, seqs: Iterable[int]
    ) -> dict[int, MutationResult]:
        stmt = select(MutationResult).where(
            MutationResult.device_id == device_id, MutationResult.seq.in_(list(seqs))
        )
        return {r.seq: r for r in self.session.scalars(stmt)}

    def results_for_mutations(
        self, user_id: uuid.UUID, mutation_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, MutationResult]:
        """This user's stored results for these mutation ids (from any of their devices): a
        mutation id is unique per user, so another account's id is never found here."""
        if not mutation_ids:
            return {}
        stmt = select(MutationResult).where(
            MutationResult.user_id == user_id, MutationResult.mutation_id.in_(mutation_ids)
        )
        return {r.mutation_id: r for r in self.session.scalars(stmt)}

    def add_results(self, results: list[dict[str, object]]) -> None:
        """One executemany for the batch (results are never read back in this transaction)."""
        if results:
            self.session.execute(insert(MutationResult), results)
