"""An instructor's grading: the inbox of work handed in to their courses (kept on this laptop
as the server last sent it, so grading goes on offline), grades recorded as sync mutations that
wait in the outbox, students' files opened from a downloaded copy, and the gradebook (the last
one fetched is kept, so it can be read and exported offline too).
"""

from __future__ import annotations

import csv
import functools
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.assignments import (
    GradeAttemptArgs,
    Gradebook,
    GradeSubmissionArgs,
    GradingInbox,
    GradingItem,
    gradebook_csv_rows,
    rubric_total,
)
from lmsdesk.local_db.models.client import OutboxItem, OutboxState, Setting
from lmsdesk.local_db.models.grading import GradingItem as InboxRow
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService
from lmsdesk.services.teaching import published_courses
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable

_GRADES = (m.GRADE_SUBMISSION.name, m.GRADE_ATTEMPT.name)
_REFRESHED = "grading:refreshed_at"
_CHUNK = 1 << 20
#: Files up to this size are fetched with the inbox; larger ones when opened.
PREFETCH_BYTES = 50 * 1024 * 1024


class GradingProblem(UserFacingError):
    """A grade cannot be given as it is, or something needs the server; `message` says why."""


class _TooLarge(GradingProblem):
    """Left for when the file is opened (prefetching fetches small files only)."""


@dataclass(frozen=True)
class InboxEntry:
    item: GradingItem
    #: Graded on this laptop, not yet acknowledged by the server.
    waiting: bool

    @property
    def graded(self) -> bool:
        return self.item.status == "graded"


class GradingService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def courses(self) -> list[tuple[uuid.UUID, str]]:
        """The published courses this instructor teaches (their inbox and gradebooks)."""
        return published_courses(self._session)

    # ------------------------------------------------------------ the inbox
    def refresh(self) -> int:
        """Fetch the inbox from the server and keep it here; returns how many items wait to be
        graded. Grades given here and not yet sent stay as given. Raises ServerUnreachable."""
        first = self._session.api_call(lambda api, token: api.grading_inbox(token))
        items = list(first.items)
        while len(items) < first.total:  # a page at a time (200): every piece of work is kept
            page = self._session.api_call(functools.partial(_inbox_page, offset=len(items)))
            if not page.items:
                break
            items += page.items
        store = self._session.require_store()
        with store.transaction() as session:
            unsent: dict[str, dict[str, Any]] = {}
            for name, args in session.execute(
                select(OutboxItem.name, OutboxItem.args).where(
                    OutboxItem.name.in_(_GRADES), OutboxItem.state == OutboxState.PENDING
                )
            ):
                key = args.get("submission_id") or args.get("attempt_id")
                unsent[str(key)] = {**args, "_name": name}
            kept = {
                str(row.id): row
                for row in session.scalars(
                    select(InboxRow).where(InboxRow.pending_grade.is_not(None))
                )
            }
            session.execute(delete(InboxRow))
            for item in items:
                row = InboxRow(
                    id=item.id,
                    kind=item.kind,
                    course_id=item.course_id,
                    lesson_id=item.lesson_id,
                    item=item.model_dump(mode="json"),
                    status=str(item.status),
                    submitted_at=item.submitted_at,
                    pending_grade=None,
                )
                waiting = unsent.get(str(item.id))
                if waiting is not None and str(item.id) in kept:
                    old = kept[str(item.id)]
                    row.item, row.status, row.pending_grade = (
                        old.item,
                        old.status,
                        old.pending_grade,
                    )
                session.add(row)
            session.merge(Setting(key=_REFRESHED, value={"at": datetime.now(UTC).isoformat()}))
        return sum(1 for i in items if i.status != "graded")

    def refreshed_at(self) -> datetime | None:
        with self._session.require_store().reading() as session:
            setting = session.get(Setting, _REFRESHED)
            return datetime.fromisoformat(setting.value["at"]) if setting else None

    def entries(
        self,
        *,
        course_id: uuid.UUID | None = None,
        lesson_id: uuid.UUID | None = None,
        ungraded_only: bool = False,
    ) -> list[InboxEntry]:
        """Ungraded first (oldest waiting first), then graded (newest first)."""
        with self._session.require_store().reading() as session:
            stmt = select(InboxRow)
            if course_id is not None:
                stmt = stmt.where(InboxRow.course_id == course_id)
            if lesson_id is not None:
                stmt = stmt.where(InboxRow.lesson_id == lesson_id)
            rows = list(session.scalars(stmt))
        entries = [
            InboxEntry(GradingItem.model_validate(r.item), r.pending_grade is not None)
            for r in rows
        ]
        waiting = sorted((e for e in entries if not e.graded), key=lambda e: e.item.submitted_at)
        done = sorted(
            (e for e in entries if e.graded), key=lambda e: e.item.submitted_at, reverse=True
        )
        return waiting if ungraded_only else waiting + done

    # ------------------------------------------------------------ grading
    def grade(
        self,
        item: GradingItem,
        *,
        score: float | None = None,
        rubric_scores: dict[str, float] | None = None,
        essay_scores: dict[str, float] | None = None,
        feedback: str = "",
    ) -> None:
        """Record a grade (offline too), checked here with the server's own rules first."""
        try:
            if item.kind == "attempt":
                scores = essay_scores or {}
                for essay in item.essays:
                    if essay.question_id not in scores:
                        raise GradingProblem("Score every essay answer.")
                    if not 0 <= scores[essay.question_id] <= essay.points:
                        raise GradingProblem(f"An answer is worth 0 to {essay.points} points.")
                self._record(
                    m.GRADE_ATTEMPT,
                    GradeAttemptArgs(attempt_id=item.id, scores=scores, feedback=feedback),
                )
                return
            if item.rubric:
                rubric = [c.model_dump() for c in item.rubric]
                _total, problem = rubric_total(rubric, rubric_scores or {})
                if problem:
                    raise GradingProblem(problem)
                args = GradeSubmissionArgs(
                    submission_id=item.id, rubric_scores=rubric_scores, feedback=feedback
                )
            else:
                if score is None or not 0 <= score <= item.max_score:
                    raise GradingProblem(f"Give a score between 0 and {item.max_score:g}.")
                args = GradeSubmissionArgs(submission_id=item.id, score=score, feedback=feedback)
        except ValidationError as exc:
            raise GradingProblem(
                str(exc.errors()[0].get("msg", "That grade is not valid."))
            ) from exc
        self._record(m.GRADE_SUBMISSION, args)

    def _record(self, mutation: Any, args: Any) -> None:
        self._session.require_engine().record(mutation, args)

    # ------------------------------------------------------------ files
    def file_path(self, item: GradingItem) -> Path | None:
        """Where the submission's file is kept on this laptop (whether downloaded yet or not)."""
        if item.file_asset_id is None:
            return None
        account = self._session.account_dir
        if account is None:
            return None
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in (item.file_name or "file"))
        return account / "grading" / f"{item.file_asset_id}-{safe[-120:]}"

    def download(self, item: GradingItem, *, limit_bytes: int | None = None) -> Path:
        """The student's file, downloaded once and then opened from this laptop."""
        path = self.file_path(item)
        if path is None or item.file_asset_id is None:
            raise GradingProblem("This work has no file.")
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        asset = item.file_asset_id
        try:
            with (
                self._session.api_call(lambda api, token: _open(api, token, asset)) as stream,
                partial.open("wb") as out,
            ):
                if limit_bytes is not None and stream.total_bytes > limit_bytes:
                    raise _TooLarge("Large files are downloaded when opened.")
                for chunk in stream.chunks:
                    out.write(chunk)
        except ServerUnreachable as exc:
            raise GradingProblem("The file is on the server: connect once to download it.") from exc
        except ApiRejected as exc:
            raise GradingProblem(exc.message) from exc
        partial.replace(path)
        return path

    def prefetch_files(self, limit_bytes: int = PREFETCH_BYTES) -> int:
        """Download the files of the work waiting to be graded (each once), so grading on a
        plane opens them too. Returns how many were fetched; stops quietly when offline."""
        fetched = 0
        for entry in self.entries(ungraded_only=True):
            path = self.file_path(entry.item)
            if path is None or path.exists():
                continue
            try:
                self.download(entry.item, limit_bytes=limit_bytes)
            except _TooLarge:
                path.with_suffix(path.suffix + ".part").unlink(missing_ok=True)
                continue  # fetched when opened
            except GradingProblem:
                return fetched  # offline, or refused: the button tries again
            fetched += 1
        return fetched

    # ------------------------------------------------------------ the gradebook
    def gradebook(self, course_id: uuid.UUID) -> tuple[Gradebook, bool]:
        """The course's gradebook and whether it is fresh from the server (False: the copy
        fetched last, read offline)."""
        key = f"gradebook:{course_id}"
        try:
            book = self._session.api_call(lambda api, token: api.gradebook(token, course_id))
        except ServerUnreachable as exc:
            with self._session.require_store().reading() as session:
                kept = session.get(Setting, key)
                if kept is None:
                    raise GradingProblem(
                        "The gradebook comes from the server: connect once to see it."
                    ) from exc
                return Gradebook.model_validate(kept.value), False
        except ApiRejected as exc:
            raise GradingProblem(exc.message) from exc
        with self._session.require_store().transaction() as session:
            session.merge(Setting(key=key, value=book.model_dump(mode="json")))
        return book, True

    def export_csv(self, book: Gradebook, target: Path) -> Path:
        out = io.StringIO()
        csv.writer(out).writerows(gradebook_csv_rows(book))
        partial = target.with_name(target.name + ".part")
        partial.write_text(out.getvalue(), encoding="utf-8-sig")  # a BOM: Excel reads UTF-8
        partial.replace(target)  # never a half-written file under the chosen name
        return target


def _inbox_page(api: ApiClient, token: str, *, offset: int) -> GradingInbox:
    return api.grading_inbox(token, offset)


def _open(api: Any, token: str, asset: uuid.UUID) -> Any:
    return api.open_media(token, asset, start=0, etag="", chunk_bytes=_CHUNK)
