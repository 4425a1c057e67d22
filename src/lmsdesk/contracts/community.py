"""The community of a course (DESIGN.md section 11.2): questions and answers, discussion threads
with threaded replies, votes, reports of anything people write, and the moderation of reports.

Every write is a sync mutation (its *Args carry the id the device chose, so a post written
offline keeps its id when it reaches the server); the REST bodies are the same without it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from lmsdesk.contracts.common import WireModel

TITLE_MIN, TITLE_MAX = 3, 200
BODY_MAX = 20_000
REASON_MIN, REASON_MAX = 3, 1_000
#: How long an author may edit or delete what they posted, from when the server received it.
EDIT_WINDOW = timedelta(hours=24)

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=TITLE_MIN, max_length=TITLE_MAX)
]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BODY_MAX)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=REASON_MIN, max_length=REASON_MAX)
]
#: The second of a lesson's video a question is about (a click seeks there).
VideoSecond = Annotated[int, Field(ge=0, le=24 * 3600)]


class PostKind(StrEnum):
    """What people write in a course, and what can be reported."""

    QUESTION = "question"
    ANSWER = "answer"
    THREAD = "thread"
    POST = "post"
    REVIEW = "review"


#: The kinds an author edits and deletes (a review is changed by rating again).
EDITABLE_KINDS = (PostKind.QUESTION, PostKind.ANSWER, PostKind.THREAD, PostKind.POST)


class VoteKind(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    REVIEW = "review"  # "helpful"


class QuestionStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ReportStatus(StrEnum):
    """open -> hidden | dismissed; a decided report is final (a new report opens a new one)."""

    OPEN = "open"
    HIDDEN = "hidden"
    DISMISSED = "dismissed"


class ReportAction(StrEnum):
    HIDE = "hide"
    DISMISS = "dismiss"


# ---------------------------------------------------------------- mutations (sync and REST)
class AskArgs(WireModel):
    question_id: uuid.UUID
    course_id: uuid.UUID
    lesson_id: uuid.UUID | None = None
    video_second: VideoSecond | None = None
    title: Title
    body: Body


class AnswerArgs(WireModel):
    answer_id: uuid.UUID
    question_id: uuid.UUID
    body: Body


class AcceptArgs(WireModel):
    answer_id: uuid.UUID


class VoteArgs(WireModel):
    kind: VoteKind
    target_id: uuid.UUID
    #: True casts the user's one vote, False takes it back; either twice changes nothing.
    up: bool = True


class StartThreadArgs(WireModel):
    thread_id: uuid.UUID
    course_id: uuid.UUID
    section_id: uuid.UUID | None = None
    title: Title
    body: Body


class ReplyArgs(WireModel):
    post_id: uuid.UUID
    thread_id: uuid.UUID
    parent_post_id: uuid.UUID | None = None
    body: Body


class PinArgs(WireModel):
    thread_id: uuid.UUID
    pinned: bool = True


class EditPostArgs(WireModel):
    kind: PostKind
    id: uuid.UUID
    title: Title | None = None  # questions and threads
    body: Body
    #: The revision the edit started from: another device's edit in between is a conflict,
    #: kept beside the post for the author to choose, never silently overwritten.
    base_revision: Annotated[int, Field(ge=1)]


class DeletePostArgs(WireModel):
    kind: PostKind
    id: uuid.UUID


class ResolveEditConflictArgs(WireModel):
    conflict_id: uuid.UUID
    #: True: the other device's version becomes the post; False: the post stays as it is.
    use_other: bool


class ReportArgs(WireModel):
    report_id: uuid.UUID
    kind: PostKind
    target_id: uuid.UUID
    reason: Reason


class ModerateArgs(WireModel):
    """An admin's decision on what was reported: hide it everywhere, or dismiss the reports."""

    kind: PostKind
    target_id: uuid.UUID
    action: ReportAction
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class MarkSeenArgs(WireModel):
    course_id: uuid.UUID
    #: The newest server timestamp among what the user has seen (never the device's clock, so
    #: a laptop whose clock is wrong neither hides nor repeats notifications).
    seen_through: datetime


# ---------------------------------------------------------------- REST bodies and answers
class AskBody(WireModel):
    question_id: uuid.UUID | None = None
    lesson_id: uuid.UUID | None = None
    video_second: VideoSecond | None = None
    title: Title
    body: Body


class AnswerBody(WireModel):
    answer_id: uuid.UUID | None = None
    body: Body


class VoteBody(WireModel):
    up: bool = True


class ThreadBody(WireModel):
    thread_id: uuid.UUID | None = None
    section_id: uuid.UUID | None = None
    title: Title
    body: Body


class ReplyBody(WireModel):
    post_id: uuid.UUID | None = None
    parent_post_id: uuid.UUID | None = None
    body: Body


class PinBody(WireModel):
    pinned: bool = True


class EditBody(WireModel):
    title: Title | None = None
    body: Body
    base_revision: Annotated[int, Field(ge=1)]


class ReportBody(WireModel):
    kind: PostKind
    id: uuid.UUID
    reason: Reason


class DecisionNote(WireModel):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class SeenBody(WireModel):
    seen_through: datetime


class QuestionOut(WireModel):
    id: uuid.UUID
    course_id: uuid.UUID
    lesson_id: uuid.UUID | None
    video_second: int | None
    author_id: uuid.UUID
    author_name: str
    title: str
    body: str
    status: QuestionStatus
    accepted_answer_id: uuid.UUID | None
    vote_count: int
    answer_count: int
    revision: int
    created_at: datetime
    edited_at: datetime | None


class AnswerOut(WireModel):
    id: uuid.UUID
    question_id: uuid.UUID
    author_id: uuid.UUID
    author_name: str
    body: str
    vote_count: int
    is_instructor: bool
    revision: int
    created_at: datetime
    edited_at: datetime | None


class QuestionPage(WireModel):
    items: list[QuestionOut]
    total: int


class QuestionDetail(WireModel):
    question: QuestionOut
    answers: list[AnswerOut]


class ThreadOut(WireModel):
    id: uuid.UUID
    course_id: uuid.UUID
    section_id: uuid.UUID | None
    author_id: uuid.UUID
    author_name: str
    title: str
    body: str
    pinned: bool
    post_count: int
    last_post_at: datetime
    revision: int
    created_at: datetime
    edited_at: datetime | None


class PostOut(WireModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    parent_post_id: uuid.UUID | None
    author_id: uuid.UUID
    author_name: str
    body: str
    revision: int
    created_at: datetime
    edited_at: datetime | None


class ThreadPage(WireModel):
    items: list[ThreadOut]
    total: int


class ThreadDetail(WireModel):
    thread: ThreadOut
    posts: list[PostOut]


class ReportOut(WireModel):
    id: uuid.UUID
    kind: PostKind
    target_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    reporter_name: str
    reason: str
    status: ReportStatus
    #: The item as it was reported: its title (or what it answers), text and author.
    context_title: str
    excerpt: str
    author_name: str
    created_at: datetime
    decided_at: datetime | None


class ReportPage(WireModel):
    items: list[ReportOut]
    total: int
