"""A student's side of an assignment: the instructions, the work being written (kept as a draft
on every change, so quitting or a crash loses nothing), handing it in offline, and the grades.

Work with a file waits for the file: Submit records the moment and the submission's id at once,
and the submission is sent the moment the upload finishes (uploads.py), so a student on a train
presses Submit once and the rest happens when the laptop is next online.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.assignments import (
    KIND_WORDS,
    SubmissionBody,
    SubmitAssignmentArgs,
    takes_words,
)
from lmsdesk.contracts.enums import LessonType, SubmissionKind
from lmsdesk.local_db.models.client import Setting, Upload, UploadState
from lmsdesk.local_db.models.grading import AssignmentSubmission, SubmissionDraft
from lmsdesk.local_db.models.mirror import Lesson, MediaAsset, QuizAttempt
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService
from lmsdesk.services.uploads import UploadService

_GRADES_SEEN = "grades:seen_through"
_NO_GRADES_YET = datetime(2000, 1, 1, tzinfo=UTC)


class AssignmentRefused(UserFacingError):
    """The work cannot be handed in as it is; `message` says why."""


@dataclass(frozen=True)
class Criterion:
    name: str
    points: int


@dataclass(frozen=True)
class SubmissionView:
    id: uuid.UUID
    number: int
    submitted_at: datetime
    is_late: bool
    waiting: bool  # not on the server yet
    graded: bool
    score: float | None
    feedback: str
    rubric_scores: dict[str, float]
    text: str | None
    file_name: str | None
    url: str | None


@dataclass(frozen=True)
class DraftView:
    text: str
    url: str
    file_name: str | None
    #: The file's upload: bytes sent, size, its state ("queued", "uploading", "done", "failed").
    file_sent: int
    file_size: int
    file_state: str | None
    file_error: str | None
    #: Submit was pressed; the work goes once the file is uploaded.
    waiting_for_file: bool


@dataclass(frozen=True)
class AssignmentView:
    lesson_id: uuid.UUID
    title: str
    instructions: str
    kinds: tuple[str, ...]
    max_score: int
    pass_score: int
    due_at: datetime | None
    allow_resubmission: bool
    accept_late: bool
    rubric: tuple[Criterion, ...]
    submissions: tuple[SubmissionView, ...]  # newest first
    draft: DraftView

    @property
    def can_hand_in(self) -> bool:
        return self.allow_resubmission or not self.submissions

    @property
    def past_due(self) -> bool:
        return self.due_at is not None and datetime.now(UTC) > self.due_at


class AssignmentService:
    def __init__(self, session: SessionService, uploads: UploadService) -> None:
        self._session = session
        self._uploads = uploads

    def assignment(self, lesson_id: uuid.UUID) -> AssignmentView:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None or lesson.lesson_type is not LessonType.ASSIGNMENT:
                raise AssignmentRefused("That assignment is not on this computer (yet).")
            rows = session.scalars(
                select(AssignmentSubmission)
                .where(AssignmentSubmission.lesson_id == lesson_id)
                .order_by(AssignmentSubmission.submitted_at.desc())
            ).all()
            names = _file_names(session, [r.file_asset_id for r in rows if r.file_asset_id])
            draft = session.get(SubmissionDraft, lesson_id)
            upload = (
                session.get(Upload, draft.file_asset_id) if draft and draft.file_asset_id else None
            )
            return AssignmentView(
                lesson_id=lesson.id,
                title=lesson.title,
                instructions=lesson.content or "",
                kinds=tuple(str(k) for k in lesson.submission_kinds or []),
                max_score=lesson.max_score or 0,
                pass_score=lesson.pass_score or 0,
                due_at=lesson.due_at,
                allow_resubmission=lesson.allow_resubmission,
                accept_late=lesson.accept_late,
                rubric=tuple(
                    Criterion(str(c["name"]), int(c["points"])) for c in lesson.rubric or []
                ),
                submissions=tuple(_submission(r, names) for r in rows),
                draft=_draft(draft, upload),
            )

    def new_grades(self) -> list[str]:
        """Grades that arrived since this was last asked, in words (one line for several)."""
        store = self._session.require_store()
        with store.transaction() as session:
            seen = session.get(Setting, _GRADES_SEEN)
            since = datetime.fromisoformat(seen.value["at"]) if seen else None
            stmt = (
                select(
                    AssignmentSubmission.graded_at,
                    AssignmentSubmission.score,
                    Lesson.title,
                    Lesson.max_score,
                )
                .join(Lesson, Lesson.id == AssignmentSubmission.lesson_id)
                .where(
                    AssignmentSubmission.status == "graded",
                    AssignmentSubmission.graded_at.is_not(None),
                )
            )
            if since is not None:
                stmt = stmt.where(AssignmentSubmission.graded_at > since)
            graded = session.execute(stmt.order_by(AssignmentSubmission.graded_at)).all()
            essays = select(QuizAttempt.graded_at).where(
                QuizAttempt.status == "graded", QuizAttempt.graded_at.is_not(None)
            )
            if since is not None:
                essays = essays.where(QuizAttempt.graded_at > since)
            quizzes = session.scalars(essays).all()
            latest = max([g.graded_at for g in graded] + list(quizzes), default=None)
            if latest is not None or since is None:
                # No grade yet: every grade from now on is news.
                seen_through = latest or _NO_GRADES_YET
                session.merge(Setting(key=_GRADES_SEEN, value={"at": seen_through.isoformat()}))
        if since is None:
            return []  # the first look at this account: old grades are not news
        news = [
            f"Your work for '{title}' was graded: {score:g} / {maximum}."
            for _at, score, title, maximum in graded
        ]
        if quizzes:
            news.append(f"{len(quizzes)} quiz answer(s) of yours were graded by your instructor.")
        return (
            news[-1:]
            if len(news) == 1
            else ([f"{len(news)} pieces of your work were graded."] if news else [])
        )

    # ------------------------------------------------------------ the work being written
    def save_draft(
        self, lesson_id: uuid.UUID, *, text: str | None = None, url: str | None = None
    ) -> None:
        with self._session.require_store().transaction() as session:
            draft = _draft_row(session, lesson_id)
            if text is not None:
                draft.text = text
            if url is not None:
                draft.url = url.strip()
            draft.updated_at = datetime.now(UTC)

    def attach_file(self, lesson_id: uuid.UUID, source: Path) -> str:
        """Copy a file in for the work (offline too): it uploads when the app is online."""
        upload = self._uploads.import_file(lesson_id, source, "submission")
        with self._session.require_store().transaction() as session:
            draft = _draft_row(session, lesson_id)
            draft.file_asset_id, draft.file_name = upload.asset_id, upload.filename
            draft.updated_at = datetime.now(UTC)
        return upload.filename

    def remove_file(self, lesson_id: uuid.UUID) -> None:
        with self._session.require_store().transaction() as session:
            draft = session.get(SubmissionDraft, lesson_id)
            if draft is not None and draft.submitted_at is None:
                draft.file_asset_id, draft.file_name = None, None

    # ------------------------------------------------------------ handing in
    def submit(self, lesson_id: uuid.UUID) -> bool:
        """Hand in the draft. True when it is recorded now (sent at the next sync); False when
        it waits for its file to finish uploading."""
        view = self.assignment(lesson_id)
        if not view.can_hand_in:
            raise AssignmentRefused("You have handed this in already, and it takes one submission.")
        if view.past_due and not view.accept_late:
            raise AssignmentRefused(
                "The due time has passed, and this assignment does not take late work."
            )
        draft = view.draft
        if draft.waiting_for_file and draft.file_state != str(UploadState.DONE):
            raise AssignmentRefused(
                "This work is handed in already; it goes once its file is uploaded."
            )
        body = _body(draft, view.kinds)
        submitted_at = datetime.now(UTC)
        with self._session.require_store().transaction() as session:
            row = _draft_row(session, lesson_id)
            # Pressed before (the file finished, the app stopped before sending): the same one.
            row.submission_id = row.submission_id or uuid.uuid4()
            row.submitted_at = submitted_at = row.submitted_at or submitted_at
            submission_id, file_id = row.submission_id, row.file_asset_id
            upload = session.get(Upload, row.file_asset_id) if row.file_asset_id else None
            if upload is not None and upload.state is not UploadState.DONE:
                if upload.state is UploadState.FAILED:
                    row.submission_id, row.submitted_at = None, None
                    raise AssignmentRefused(
                        f"The file could not be uploaded ({upload.error or 'refused'}); "
                        "attach it again or another."
                    )
                return False  # sent by the uploader when the file is there
        args = SubmitAssignmentArgs(
            submission_id=submission_id,
            lesson_id=lesson_id,
            submitted_at=submitted_at,
            text=body.text,
            url=body.url,
            file_asset_id=file_id,
        )
        self._session.require_engine().record(m.SUBMIT_ASSIGNMENT, args)
        return True


def _body(draft: DraftView, kinds: tuple[str, ...]) -> SubmissionBody:
    text = draft.text if draft.text.strip() else None
    url = draft.url.strip() or None
    given = [
        k for k, present in (("text", text), ("file", draft.file_name), ("link", url)) if present
    ]
    if not given:
        raise AssignmentRefused(f"Add your work first: this assignment takes {takes_words(kinds)}.")
    extra = [k for k in given if k not in kinds]
    if extra:
        raise AssignmentRefused(
            f"This assignment takes {takes_words(kinds)}, "
            f"not {KIND_WORDS[SubmissionKind(extra[0])]}."
        )
    try:
        return SubmissionBody(
            text=text, url=url, file_asset_id=_ANY_FILE if draft.file_name else None
        )
    except ValidationError as exc:
        message = str(exc.errors()[0].get("msg", "not valid"))
        if "pattern" in message or "url" in str(exc.errors()[0].get("loc", "")):
            message = "The link must start with http:// or https://."
        raise AssignmentRefused(message) from exc


# Stands in for the file while the body is checked; the draft's own file id is sent.
_ANY_FILE = uuid.UUID(int=1)


def _draft_row(session: Session, lesson_id: uuid.UUID) -> SubmissionDraft:
    draft = session.get(SubmissionDraft, lesson_id)
    if draft is None:
        draft = SubmissionDraft(lesson_id=lesson_id, text="", url="", updated_at=datetime.now(UTC))
        session.add(draft)
    return draft


def _draft(draft: SubmissionDraft | None, upload: Upload | None) -> DraftView:
    if draft is None:
        return DraftView("", "", None, 0, 0, None, None, False)
    return DraftView(
        text=draft.text,
        url=draft.url,
        file_name=draft.file_name,
        file_sent=upload.bytes_sent if upload else 0,
        file_size=upload.size_bytes if upload else 0,
        file_state=str(upload.state) if upload else None,
        file_error=upload.error if upload else None,
        waiting_for_file=draft.submitted_at is not None,
    )


def _file_names(session: Session, asset_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    names = dict(
        session.execute(
            select(MediaAsset.id, MediaAsset.original_filename).where(MediaAsset.id.in_(asset_ids))
        ).all()
    )
    names |= dict(
        session.execute(
            select(Upload.asset_id, Upload.filename).where(Upload.asset_id.in_(asset_ids))
        ).all()
    )
    return names


def _submission(row: AssignmentSubmission, names: dict[uuid.UUID, str]) -> SubmissionView:
    return SubmissionView(
        id=row.id,
        number=row.number,
        submitted_at=row.submitted_at,
        is_late=row.is_late,
        waiting=row.sync_version == 0,
        graded=row.status == "graded",
        score=row.score,
        feedback=row.feedback or "",
        rubric_scores=dict(row.rubric_scores or {}),
        text=row.text,
        file_name=names.get(row.file_asset_id) if row.file_asset_id else None,
        url=row.url,
    )
