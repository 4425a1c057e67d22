"""POST /sync/push: apply a device's queued mutations exactly once, in order.

The whole batch is one transaction, each mutation inside its own savepoint, and the device's
`last_seq` advances with each result: a crash or a dropped connection either keeps everything
(the client then gets `duplicate` for each on retry) or nothing. A business rejection is a stored
result, never an HTTP error, so one bad mutation never blocks the ones behind it. Sequence
numbers must grow but may skip: the client coalesces unsent rows.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from lmsdesk.contracts import hlc as hlc_rules
from lmsdesk.contracts.enums import MutationStatus
from lmsdesk.contracts.sync import Mutation, MutationResult, PushRequest, PushResponse
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import MutationResult as StoredResult
from lmsdesk_server.db.partitions import pin_partition, unpin_partitions, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.learning.service import progress
from lmsdesk_server.mutation import (
    MutationConflict,
    MutationContext,
    MutationMerged,
    MutationRejected,
)
from lmsdesk_server.payments.provider import PaymentProvider
from lmsdesk_server.sync.repository.devices import DeviceRepository
from lmsdesk_server.sync.service.registry import REGISTRY, MutationSpec

_log = logging.getLogger(__name__)


def server_hlc() -> int:
    return hlc_rules.wall_clock_hlc()


class _RedoCarefully(Exception):
    """The fast pass met something that needs a savepoint per mutation."""


def push(
    session: Session,
    actor: Actor,
    request: PushRequest,
    *,
    payments: PaymentProvider | None = None,
) -> PushResponse:
    now = datetime.now(UTC)
    devices = DeviceRepository(session)
    device = devices.lock(request.device_id, actor.id, request.epoch, now)
    if device.user_id != actor.id:
        raise ApiError(403, "device_taken", "This device id belongs to another account.")
    device.last_seen_at = now
    mutations = sorted(request.mutations, key=lambda m: m.seq)
    # One version of the user's partition for the whole batch, bumped outside the savepoints.
    pin_partition(session, user_partition(actor.id))
    seen = device.last_seq
    fresh = [m for m in mutations if m.seq > seen]
    batch = _Batch(
        session=session,
        actor=actor,
        payments=payments,
        device_id=device.device_id,
        now=now,
        last_seq=device.last_seq,
        stored=devices.stored_results(
            device.device_id, [m.seq for m in mutations if m.seq <= seen]
        ),
        replayed=devices.results_for_mutations(actor.id, [m.mutation_id for m in fresh]),
    )
    _prefetch(session, actor, fresh)
    try:
        # Fast pass: no SQL per mutation, one flush for the batch.
        with session.begin_nested():
            results, to_store = batch.run(mutations, careful=False)
            progress.write_changed(session)
            session.flush()
    except (_RedoCarefully, IntegrityError, DataError):
        # Something needs rolling back on its own: redo with a savepoint per mutation.
        progress.forget_prefetched(session)
        _prefetch(session, actor, fresh)
        results, to_store = batch.run(mutations, careful=True)
    device.last_seq = max([device.last_seq, *(m.seq for m in mutations)])
    devices.add_results(to_store)
    session.flush()
    unpin_partitions(session)
    progress.forget_prefetched(session)
    return PushResponse(acked_through=device.last_seq, results=results, server_hlc=server_hlc())


def _prefetch(session: Session, actor: Actor, mutations: list[Mutation]) -> None:
    lesson_ids = set()
    for mutation in mutations:
        if mutation.name.startswith("progress."):
            try:
                lesson_ids.add(uuid.UUID(str(mutation.args.get("lesson_id"))))
            except ValueError:
                continue  # the handler rejects it with a clear reason
    progress.prefetch(session, actor, lesson_ids)


@dataclass
class _Batch:
    session: Session
    actor: Actor
    payments: PaymentProvider | None
    device_id: uuid.UUID
    now: datetime
    last_seq: int
    stored: dict[int, StoredResult]
    replayed: dict[uuid.UUID, StoredResult]

    def run(
        self, mutations: list[Mutation], *, careful: bool
    ) -> tuple[list[MutationResult], list[dict[str, object]]]:
        results: list[MutationResult] = []
        to_store: list[dict[str, object]] = []
        seen: set[uuid.UUID] = set()
        for mutation in mutations:
            if mutation.seq <= self.last_seq:
                results.append(_duplicate(mutation, self.stored.get(mutation.seq)))
                continue
            replayed = self.replayed.get(mutation.mutation_id)
            if replayed is not None or mutation.mutation_id in seen:
                # The same change again, e.g. from a copied store under a new device id.
                results.append(_duplicate(mutation, replayed))
                continue
            result = _apply(
                self.session,
                self.actor,
                self.device_id,
                mutation,
                self.now,
                careful=careful,
                payments=self.payments,
            )
            to_store.append(
                {
                    "device_id": self.device_id,
                    "seq": mutation.seq,
                    "user_id": self.actor.id,
                    "mutation_id": mutation.mutation_id,
                    "status": result.status,
                    "result": (
                        {"reason": result.reason, "row": result.row}
                        if result.reason or result.row
                        else None
                    ),
                    "applied_at": self.now,
                }
            )
            seen.add(mutation.mutation_id)
            results.append(result)
        return results, to_store


def _duplicate(mutation: Mutation, stored: StoredResult | None) -> MutationResult:
    """The stored result again. A refusal stays a refusal: a client whose first answer was
    lost must still learn the change did not happen, and undo it."""
    body = stored.result if stored is not None and isinstance(stored.result, dict) else {}
    refused = stored is not None and stored.status is MutationStatus.REJECTED
    return MutationResult(
        seq=mutation.seq,
        status=MutationStatus.REJECTED if refused else MutationStatus.DUPLICATE,
        reason=body.get("reason"),
        row=body.get("row"),
    )


def _apply(
    session: Session,
    actor: Actor,
    device_id: uuid.UUID,
    mutation: Mutation,
    now: datetime,
    *,
    careful: bool,
    payments: PaymentProvider | None,
) -> MutationResult:
    spec = REGISTRY.get(mutation.name)
    if spec is None:
        return _rejected(mutation, f"This server does not know '{mutation.name}'.")
    try:
        args = spec.args.model_validate(mutation.args)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return _rejected(mutation, f"{where}: {first['msg']}" if where else first["msg"])
    context = MutationContext(
        session=session,
        actor=actor,
        device_id=device_id,
        hlc=hlc_rules.clamp_to_server(mutation.hlc, int(time.time() * 1000)),
        now=now,
        payments=payments,
    )
    if not careful:
        try:
            row = spec.handler(context, args)
        except (MutationRejected, MutationMerged, MutationConflict) as exc:
            # Handlers decide before they write, but only a savepoint makes that certain.
            raise _RedoCarefully from exc
        return _applied(spec, mutation, row)
    savepoint = session.begin_nested()
    status = MutationStatus.APPLIED
    reason = None
    try:
        row = spec.handler(context, args)
    except MutationConflict as exc:  # the conflict record stays: commit it below
        status, reason, row = MutationStatus.CONFLICT, exc.reason, exc.row
    except MutationRejected as exc:
        _roll_back(session, savepoint)
        return _rejected(mutation, exc.reason)
    except MutationMerged as exc:
        _roll_back(session, savepoint)
        return MutationResult(
            seq=mutation.seq, status=MutationStatus.MERGED, reason=exc.reason, row=exc.row
        )
    except (IntegrityError, DataError) as exc:
        # Bad data, not a bad moment: retrying cannot help, so it is a result, not a 5xx.
        _roll_back(session, savepoint)
        _log.warning("mutation %s refused by the database: %s", mutation.name, exc.orig)
        return _rejected(mutation, "The server could not store this change.")
    try:
        progress.write_changed(session)
        savepoint.commit()  # flushes this mutation's writes inside its own savepoint
    except (IntegrityError, DataError) as exc:
        _roll_back(session, savepoint)
        _log.warning("mutation %s refused by the database: %s", mutation.name, exc.orig)
        return _rejected(mutation, "The server could not store this change.")
    if status is MutationStatus.CONFLICT:
        return MutationResult(seq=mutation.seq, status=status, reason=reason, row=row)
    return _applied(spec, mutation, row)


def _applied(
    spec: MutationSpec[Any], mutation: Mutation, row: dict[str, object] | None
) -> MutationResult:
    return MutationResult(
        seq=mutation.seq, status=MutationStatus.APPLIED, row=row if spec.echo_row else None
    )


def _roll_back(session: Session, savepoint: SessionTransaction) -> None:
    savepoint.rollback()
    # Rows prefetched or created before may have been expunged or expired: load them again.
    progress.forget_prefetched(session)


def _rejected(mutation: Mutation, reason: str) -> MutationResult:
    return MutationResult(seq=mutation.seq, status=MutationStatus.REJECTED, reason=reason)
