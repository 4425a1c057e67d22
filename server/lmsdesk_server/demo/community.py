"""The demo courses' community, so every part of it shows on first run: questions open and
resolved (one solved by the instructor's accepted answer, one about a second of the video), a
discussion with threaded replies, a pinned welcome thread, and a reply reported for the admin's
Reports queue. The demo student is enrolled in the free course and has new answers waiting.

Idempotent like the rest of the seed: every row has a fixed id and is written once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts.community import PostKind, QuestionStatus, ReportStatus, VoteKind
from lmsdesk.contracts.enums import EnrollmentSource, EnrollmentStatus
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.models import (
    CommunityAnswer,
    CommunityQuestion,
    CommunityReport,
    CommunityVote,
    DiscussionPost,
    DiscussionThread,
    Enrollment,
)
from lmsdesk_server.db.partitions import (
    MODERATION_PARTITION,
    community_partition,
    stamp,
    user_partition,
)


def _id(key: str) -> uuid.UUID:
    from lmsdesk_server.demo.seed import demo_id

    return demo_id(f"community:{key}")


class CommunitySeeder:
    def __init__(self, session: Session, note: Any) -> None:
        self._s = session
        self._note = note
        self._now = datetime.now(UTC)
        users = UserRepository(session)
        self._people: dict[str, uuid.UUID] = {}
        for key, email in (
            ("sam", "student@example.com"),
            ("nia", "new.learner@example.com"),
            ("ines", "instructor@example.com"),
            ("sid", "suspended@example.com"),
        ):
            user = users.by_email(email)
            if user is not None:
                self._people[key] = user.id

    def run(self, free: uuid.UUID, paid: uuid.UUID, video_lesson: uuid.UUID) -> None:
        if len(self._people) < 4:
            return
        for who, course, source in (
            ("sam", free, EnrollmentSource.FREE),
            ("nia", free, EnrollmentSource.FREE),
            ("sid", free, EnrollmentSource.FREE),
            ("nia", paid, EnrollmentSource.ADMIN_GRANT),
        ):
            self._enroll(who, course, source)
        self._questions(free, paid, video_lesson)
        self._discussions(free)

    # ---------------------------------------------------------------- pieces
    def _ago(self, hours: float) -> datetime:
        return self._now - timedelta(hours=hours)

    def _enroll(self, who: str, course: uuid.UUID, source: EnrollmentSource) -> None:
        from lmsdesk_server.demo.seed import demo_id

        key = demo_id(f"enrollment:community:{who}:{course}")
        if self._s.get(Enrollment, key) is not None:
            return
        existing = (
            self._s.query(Enrollment)
            .filter_by(student_id=self._people[who], course_id=course)
            .one_or_none()
        )
        if existing is not None:
            return
        enrollment = Enrollment(
            id=key,
            student_id=self._people[who],
            course_id=course,
            status=EnrollmentStatus.ACTIVE,
            source=source,
        )
        stamp(self._s, enrollment, user_partition(self._people[who]))
        self._s.add(enrollment)
        self._s.flush()

    def _add(self, row: Any, course: uuid.UUID, what: str) -> bool:
        if self._s.get(type(row), row.id) is not None:
            return False
        stamp(self._s, row, community_partition(course))
        self._s.add(row)
        self._s.flush()
        self._note(what)
        return True

    def _question(
        self,
        key: str,
        course: uuid.UUID,
        who: str,
        title: str,
        body: str,
        hours: float,
        **extra: Any,
    ) -> CommunityQuestion:
        question = CommunityQuestion(
            id=_id(key),
            course_id=course,
            author_id=self._people[who],
            title=title,
            body=body,
            status=QuestionStatus.OPEN,
            vote_count=0,
            answer_count=0,
            revision=1,
            created_at=self._ago(hours),
            **extra,
        )
        self._add(question, course, f"question {key}")
        return self._s.get(CommunityQuestion, _id(key)) or question

    def _answer(
        self, key: str, question: CommunityQuestion, who: str, body: str, hours: float
    ) -> CommunityAnswer:
        answer = CommunityAnswer(
            id=_id(key),
            question_id=question.id,
            course_id=question.course_id,
            author_id=self._people[who],
            body=body,
            vote_count=0,
            revision=1,
            created_at=self._ago(hours),
        )
        if self._add(answer, question.course_id, f"answer {key}"):
            question.answer_count += 1
            stamp(self._s, question, community_partition(question.course_id))
        return self._s.get(CommunityAnswer, _id(key)) or answer

    def _vote(self, who: str, kind: VoteKind, target: Any) -> None:
        key = (self._people[who], kind, target.id)
        if self._s.get(CommunityVote, key) is not None:
            return
        vote = CommunityVote(user_id=key[0], kind=kind, target_id=target.id, created_at=self._now)
        stamp(self._s, vote, user_partition(key[0]))
        self._s.add(vote)
        target.vote_count += 1
        stamp(self._s, target, target.sync_partition)
        self._s.flush()

    def _questions(self, free: uuid.UUID, paid: uuid.UUID, video: uuid.UUID) -> None:
        resolved = self._question(
            "resume",
            free,
            "sam",
            "Does my place in the video survive closing the laptop?",
            "I watched half of the first video on the train and shut the lid. Will it resume "
            "there on my **other** computer too?",
            50,
        )
        teacher = self._answer(
            "resume-ines",
            resolved,
            "ines",
            "Yes. The app saves your position every few seconds and when you pause; the next "
            "sync carries it to your other computers. If both played, the later one wins.",
            47,
        )
        self._answer(
            "resume-nia",
            resolved,
            "nia",
            "Worked for me between my laptop and the desktop at work.",
            30,
        )
        if resolved.accepted_answer_id is None:
            resolved.accepted_answer_id = teacher.id
            resolved.status = QuestionStatus.RESOLVED
            stamp(self._s, resolved, community_partition(free))
        self._vote("nia", VoteKind.QUESTION, resolved)
        self._vote("sam", VoteKind.ANSWER, teacher)
        self._question(
            "icon",
            free,
            "nia",
            "What is the icon in the corner at 0:12?",
            "Right when the sync diagram appears there is a small icon top right. "
            "What does it mean?",
            20,
            lesson_id=video,
            video_second=12,
        )
        offline_quiz = self._question(
            "quiz-offline",
            free,
            "nia",
            "Can I take the quiz without a connection?",
            "Going somewhere without Wi-Fi for a week.",
            8,
        )
        self._answer(
            "quiz-offline-sam",
            offline_quiz,
            "sam",
            "I did, on a plane: it was graded right away and sent when I landed.",
            6,
        )
        self._question(
            "wal",
            paid,
            "nia",
            "When should I turn on WAL mode?",
            "The lesson says WAL helps readers and writers. Is there a case where I should not?",
            12,
        )

    def _discussions(self, free: uuid.UUID) -> None:
        welcome = DiscussionThread(
            id=_id("welcome"),
            course_id=free,
            author_id=self._people["ines"],
            title="Welcome! Say hello and where you learn from",
            body="Glad you are here. Tell us where you study (a train? a cabin?) and what you "
            "want to build offline.",
            pinned=True,
            post_count=0,
            last_post_at=self._ago(70),
            revision=1,
            created_at=self._ago(70),
        )
        self._add(welcome, free, "pinned thread welcome")
        group = DiscussionThread(
            id=_id("study-group"),
            course_id=free,
            author_id=self._people["nia"],
            title="Study group for the quiz",
            body="Anyone want to go through the quiz questions together on Thursday?",
            pinned=False,
            post_count=0,
            last_post_at=self._ago(26),
            revision=1,
            created_at=self._ago(26),
        )
        self._add(group, free, "thread study-group")
        hello = self._post("welcome-nia", welcome, "nia", "Hi! Mostly on the bus, offline.", 60)
        self._post(
            "welcome-ines", welcome, "ines", "The bus is exactly who we build for.", 58, hello
        )
        self._post("welcome-sam", welcome, "sam", "Hello from a train with no signal.", 40)
        self._post("group-sam", group, "sam", "Thursday works for me.", 20)
        spam = self._post(
            "group-sid",
            group,
            "sid",
            "Get every paid course for free at my site, just send your password.",
            18,
        )
        report = CommunityReport(
            id=_id("report-spam"),
            reporter_id=self._people["nia"],
            kind=PostKind.POST,
            target_id=spam.id,
            course_id=free,
            reason="Spam, and it asks for passwords",
            status=ReportStatus.OPEN,
            course_title="Offline-First Apps: The Basics",
            context_title=f"Reply in: {group.title}",
            excerpt=spam.body,
            author_name="Sid S.",
            reporter_name="Nia N.",
            created_at=self._ago(17),
        )
        if self._s.get(CommunityReport, report.id) is None:
            stamp(self._s, report, MODERATION_PARTITION)
            self._s.add(report)
            self._s.flush()
            self._note("report of a spam reply")

    def _post(
        self,
        key: str,
        thread: DiscussionThread,
        who: str,
        body: str,
        hours: float,
        parent: DiscussionPost | None = None,
    ) -> DiscussionPost:
        post = DiscussionPost(
            id=_id(key),
            thread_id=thread.id,
            course_id=thread.course_id,
            parent_post_id=parent.id if parent else None,
            author_id=self._people[who],
            body=body,
            revision=1,
            created_at=self._ago(hours),
        )
        if self._add(post, thread.course_id, f"post {key}"):
            stored = self._s.get(DiscussionThread, thread.id) or thread
            stored.post_count += 1
            stored.last_post_at = max(stored.last_post_at, post.created_at)
            stamp(self._s, stored, community_partition(thread.course_id))
        return self._s.get(DiscussionPost, post.id) or post
