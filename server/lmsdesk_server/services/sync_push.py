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
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from lmsdesk.contracts import hlc as hlc_rules
from lmsdesk.contracts.enums import MutationStatus
from lmsdesk.contracts.sync import Mutation, MutationResult, PushRequest, PushResponse
from lmsdesk_server.db.models import MutationResult as StoredResult
from lmsdesk_server.errors import ApiError
from lmsdesk_server.repositories.devices import DeviceRepository
from lmsdesk_server.repositories.partitions import pin_partition, unpin_partitions, user_partition
from lmsdesk_server.services.accounts import Actor
from lmsdesk_server.services.mutation_base import MutationContext, MutationMerged, MutationRejected
from lmsdesk_server.services.mutations import REGISTRY

_log = logging.getLogger(__name__)


def server_hlc() -> int:
    return hlc_rules.wall_clock_hlc()


def push(session: Session, actor: Actor, request: PushRequest) -> PushResponse:
    now = datetime.now(UTC)
    devices = DeviceRepository(session)
    device = devices.lock(request.device_id, actor.id, request.epoch, now)
    if device.user_id != actor.id:
        raise ApiError(403, "device_taken", "This device id belongs to another account.")
    device.last_seen_at = now
    mutations = sorted(request.mutations, key=lambda m: m.seq)
    # One version of the user's partition for the whole batch, bumped outside the savepoints.
    pin_partition(session, user_partition(actor.id))
    stored = devices.stored_results(
        device.device_id, [m.seq for m in mutations if m.seq <= device.last_seq]
    )
    results: list[MutationResult] = []
    to_store: list[StoredResult] = []
    seen_ids: set[uuid.UUID] = set()
    for mutation in mutations:
        if mutation.seq <= device.last_seq:
            results.append(_duplicate(mutation, stored.get(mutation.seq)))
            continue
        replayed = devices.result_for_mutation(mutation.mutation_id)
        if replayed is not None or mutation.mutation_id in seen_ids:
            # The same change again, e.g. from a copied store under a new device id.
            results.append(_duplicate(mutation, replayed))
        else:
            result = _apply(session, actor, device.device_id, mutation, now)
            to_store.append(
                StoredResult(
                    device_id=device.device_id, seq=mutation.seq,
                    mutation_id=mutation.mutation_id, status=result.status,
                    result={"reason": result.reason, "row": result.row}, applied_at=now,
                )
            )  # fmt: skip
            seen_ids.add(mutation.mutation_id)
            results.append(result)
        device.last_seq = mutation.seq
    devices.add_results(to_store)
    session.flush()
    unpin_partitions(session)
    return PushResponse(acked_through=device.last_seq, results=results, server_hlc=server_hlc())


def _duplicate(mutation: Mutation, stored: StoredResult | None) -> MutationResult:
    body = stored.result if stored is not None and isinstance(stored.result, dict) else {}
    return MutationResult(
        seq=mutation.seq, status=MutationStatus.DUPLICATE,
        reason=body.get("reason"), row=body.get("row"),
    )  # fmt: skip


def _apply(
    session: Session, actor: Actor, device_id: object, mutation: Mutation, now: datetime
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
        session=session, actor=actor, device_id=device_id,  # type: ignore[arg-type]
        hlc=hlc_rules.clamp_to_server(mutation.hlc, int(time.time() * 1000)), now=now,
    )  # fmt: skip
    savepoint = session.begin_nested()
    try:
        row = spec.handler(context, args)
    except MutationRejected as exc:
        savepoint.rollback()
        return _rejected(mutation, exc.reason)
    except MutationMerged as exc:
        savepoint.rollback()
        return MutationResult(
            seq=mutation.seq, status=MutationStatus.MERGED, reason=exc.reason, row=exc.row
        )
    except (IntegrityError, DataError) as exc:
        # Bad data, not a bad moment: retrying cannot help, so it is a result, not a 5xx.
        savepoint.rollback()
        _log.warning("mutation %s refused by the database: %s", mutation.name, exc.orig)
        return _rejected(mutation, "The server could not store this change.")
    savepoint.commit()
    return MutationResult(seq=mutation.seq, status=MutationStatus.APPLIED, row=row)


def _rejected(mutation: Mutation, reason: str) -> MutationResult:
    return MutationResult(seq=mutation.seq, status=MutationStatus.REJECTED, reason=reason)
