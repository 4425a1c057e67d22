"""The REST door to the sync mutations: the same registered handler, run for one request.

One rule, two doors (DESIGN.md section 5a): a REST call and a synced mutation of the same name
run the same handler; REST answers with HTTP status codes where sync stores a result.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lmsdesk.contracts import hlc as hlc_rules
from lmsdesk.contracts.mutations import Args, MutationType
from lmsdesk_server.actor import Actor
from lmsdesk_server.errors import ApiError
from lmsdesk_server.learning.service import progress
from lmsdesk_server.mutation import (
    MutationConflict,
    MutationContext,
    MutationMerged,
    MutationRejected,
)
from lmsdesk_server.payments.provider import PaymentProvider
from lmsdesk_server.sync.service.registry import REGISTRY

_log = logging.getLogger(__name__)
_REST_DEVICE = uuid.UUID("00000000-0000-0000-0000-00000000feed")


def run(
    session: Session,
    actor: Actor,
    mutation: MutationType[Args],
    args: Args,
    *,
    payments: PaymentProvider | None = None,
) -> dict[str, Any] | None:
    spec = REGISTRY[mutation.name]
    name = mutation.name
    context = MutationContext(
        session=session,
        actor=actor,
        # Online writes are ordered by the server's own clock.
        device_id=uuid.uuid5(_REST_DEVICE, str(actor.id)),
        hlc=hlc_rules.wall_clock_hlc(),
        now=datetime.now(UTC),
        payments=payments,
    )
    try:
        row = spec.handler(context, args)
    except IntegrityError as exc:
        # A rule the database holds that the handler did not check first: refused, not a 500.
        _log.warning("%s refused by the database: %s", name, exc.orig)
        raise ApiError(409, "refused", "The server could not store this change.") from exc
    except MutationRejected as exc:
        raise ApiError(exc.status, exc.code, exc.reason) from exc
    except MutationMerged as exc:
        return exc.row
    except MutationConflict as exc:
        # The conflict record is kept (the request commits it) and the caller told with a 409.
        raise ApiError(
            409, "conflict", exc.reason, details={"conflict": exc.row}, keep_changes=True
        ) from exc
    progress.write_changed(session)
    return row
