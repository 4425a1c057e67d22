"""The course percent a student sees on their laptop and the one the server keeps for the
instructor's reports come from the same history and agree, whichever way the progress got there
(offline on the laptop and synced later, or another door)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from lmsdesk.contracts.common import Role
from lmsdesk.services.learning import LearningService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.db.models import EnrollmentProgress
from lmsdesk_server.demo.seed import demo_id
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")


def _server_percent(live_server: LiveServer, email: str) -> tuple[int, int]:
    with live_server.context.session_factory() as db:
        student = UserRepository(db).by_email(email)
        assert student is not None
        row = db.scalars(
            select(EnrollmentProgress).where(
                EnrollmentProgress.student_id == student.id, EnrollmentProgress.course_id == FREE
            )
        ).one()
        return row.progress_percent, row.lessons_completed


def _sync(laptop: Laptop) -> None:
    outcome = SyncService(laptop.service).sync()
    assert outcome.status is SyncStatus.IDLE, outcome
    assert outcome.failed == 0


def test_the_laptop_and_the_server_show_the_same_percent(
    live_server: LiveServer, laptops: Callable[[str], Laptop], link: CuttableLink
) -> None:
    email = live_server.create_user(Role.STUDENT, name="Percy Percent")
    live_server.enroll(email, FREE)
    laptop = laptops("student")
    laptop.sign_in(email)
    _sync(laptop)
    learning = LearningService(laptop.service)
    lessons = [entry.id for entry in learning.outline(FREE).lessons]
    assert len(lessons) >= 3
    seen: list[int] = []
    link.cut()  # learned offline, one lesson after another
    for lesson_id in lessons[:2]:
        learning.complete(learning.lesson(lesson_id))
        link.restore()
        _sync(laptop)
        link.cut()
        shown = learning.outline(FREE).percent_complete
        kept, done = _server_percent(live_server, email)
        assert (kept, done) == (shown, len(seen) + 1)
        seen.append(shown)
    link.restore()
    assert seen[0] < seen[1] < 100
    # Time spent on the next lesson changes neither.
    learning.add_time(learning.lesson(lessons[2]), 30.0)
    _sync(laptop)
    assert _server_percent(live_server, email)[0] == learning.outline(FREE).percent_complete
