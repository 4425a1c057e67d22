"""What every authoring service shares: who is editing, and how a change is recorded (a local
change plus its draft mutation, DESIGN.md section 5), with invalid input refused in the
instructor's words.

Blocking: call on the database lane.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ValidationError

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.authoring import EditFieldArgs
from lmsdesk.contracts.mutations import MutationType
from lmsdesk.local_db.models.client import Upload, UploadState
from lmsdesk.services import draft_queries as q
from lmsdesk.services.draft_queries import AuthoringRefused
from lmsdesk.services.session import SessionService
from lmsdesk.sync.local_drafts import MODELS, course_id_of


class Drafting:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def edit(self, entity: str, entity_id: uuid.UUID, field: str, value: Any) -> None:
        """One field, from the value this device has now (the server merges on it)."""
        with self._session.require_store().reading() as session:
            row = session.get(MODELS[entity], entity_id)
            if row is None:
                raise AuthoringRefused(f"That {entity} was deleted.")
            course_id = course_id_of(session, entity, row)
            if course_id is None:
                raise AuthoringRefused(f"That {entity} was deleted.")
            q.own_course(session, course_id, self._user_id())
            base = q.wire(row, entity, field)
        args = self._args(
            EditFieldArgs, entity=entity, entity_id=entity_id, field=field, base=base, value=value
        )
        if args.value == base:
            return
        self._session.require_engine().record(m.EDIT_FIELD, args)

    def _args(self, model: type[BaseModel], **fields: Any) -> Any:
        try:
            return model(**fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "value"
            raise AuthoringRefused(f"{where}: {error['msg']}") from None

    def _record(self, mutation: MutationType[Any], **fields: Any) -> None:
        """Record a change given as fields: invalid input is refused in the user's words."""
        self._session.require_engine().record(mutation, self._args(mutation.args, **fields))

    def _profile(self) -> Any:
        current = self._session.current
        if current is None:
            raise AuthoringRefused("Sign in first.")
        return current.profile

    def _user_id(self) -> uuid.UUID:
        return uuid.UUID(str(self._profile().user_id))


def upload_note(upload: Upload) -> str:
    if upload.state is UploadState.FAILED:
        return f"Upload failed: {upload.error or 'unknown error'}"
    if upload.state is UploadState.UPLOADING and upload.size_bytes:
        return f"Uploading, {100 * upload.bytes_sent // upload.size_bytes}%"
    return "Waits to upload (when online)"


__all__ = ["AuthoringRefused", "Drafting", "upload_note"]
