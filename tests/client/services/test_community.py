"""The community on laptops against the live server: asking on a train (offline), editing
what is not sent yet, two laptops of one student, votes before the server counts them, two
devices editing one post, notifications cleared on every device, and a report hidden by an
admin leaving every device."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.community import PostKind, VoteKind
from lmsdesk.services.community import CommunityRefused, CommunityService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.support.laptop import Laptop
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")
VIDEO = demo_id("offline-first-basics:video")


def _sync(service: SessionService) -> None:
    outcome = SyncService(service).sync()
    assert outcome.status is SyncStatus.IDLE, outcome
    assert outcome.failed == 0, SyncService(service).overview()


@pytest.fixture
def enrolled(
    live_server: LiveServer, laptops: Callable[[str], Laptop]
) -> Callable[[str, str], Laptop]:
    """A laptop signed in as a (new or given) student enrolled in the free demo course."""
    emails: dict[str, str] = {}

    def make(name: str, who: str) -> Laptop:
        if who not in emails:
            emails[who] = live_server.create_user(Role.STUDENT, name=who)
            live_server.enroll(emails[who], FREE)
        laptop = laptops(name)
        laptop.sign_in(emails[who])
        _sync(laptop.service)
        return laptop

    return make


def test_asked_on_a_train_edited_before_sending_and_read_on_the_other_laptop(
    enrolled: Callable[[str, str], Laptop], link: CuttableLink
) -> None:
    laptop, desktop = enrolled("laptop", "Sam Student"), enrolled("desktop", "Sam Student")
    link.cut()
    community = CommunityService(laptop.service)
    asked = community.ask(
        FREE, "Why does the video pause?", "At 1:05 it stops.", lesson_id=VIDEO, video_second=65
    )
    [waiting] = [q for q in community.questions(FREE) if q.id == asked]
    assert waiting.waiting
    assert waiting.lesson_title
    assert waiting.video_second == 65
    community.edit(
        PostKind.QUESTION, asked, "It stops at 1:05, every time.", title="Why does the video stop?"
    )
    overview = SyncService(laptop.service).overview()
    assert overview is not None
    assert len(overview.pending) == 1  # the unsent question, rewritten, not a question and an edit

    link.restore()
    _sync(laptop.service)
    _sync(desktop.service)
    seen = CommunityService(desktop.service).question(asked)
    assert seen is not None
    question, answers = seen
    assert (question.title, question.body, question.waiting) == (
        "Why does the video stop?",
        "It stops at 1:05, every time.",
        False,
    )
    assert question.mine
    assert answers == []


def test_answers_notify_the_asker_on_both_laptops_until_read_on_one(
    enrolled: Callable[[str, str], Laptop],
) -> None:
    laptop, desktop = enrolled("laptop", "Sam Student"), enrolled("desktop", "Sam Student")
    classmate = enrolled("classmate", "Cleo Classmate")
    asked = CommunityService(laptop.service).ask(FREE, "What is a tombstone?", "In sync terms.")
    _sync(laptop.service)
    _sync(classmate.service)
    CommunityService(classmate.service).answer(asked, "A note that a row was deleted.")
    _sync(classmate.service)
    for device in (laptop, desktop):
        _sync(device.service)
        notice = CommunityService(device.service).notices()[FREE]
        assert notice.new_answers == 1
        assert notice.text() == "1 new answer to your questions"

    assert CommunityService(desktop.service).mark_seen(FREE)
    assert FREE not in CommunityService(desktop.service).notices()
    _sync(desktop.service)
    _sync(laptop.service)
    assert FREE not in CommunityService(laptop.service).notices()


def test_a_vote_counts_at_once_offline_and_once_after_sync(
    enrolled: Callable[[str, str], Laptop], link: CuttableLink
) -> None:
    asker, voter = enrolled("asker", "Asha Asker"), enrolled("voter", "Vic Voter")
    asked = CommunityService(asker.service).ask(FREE, "Is SQLite enough?", "For a desktop app.")
    _sync(asker.service)
    _sync(voter.service)
    community = CommunityService(voter.service)
    link.cut()
    community.vote(VoteKind.QUESTION, asked, up=True)
    found = community.question(asked)
    assert found is not None
    assert (found[0].votes, found[0].voted) == (1, True)
    with pytest.raises(CommunityRefused):
        CommunityService(asker.service).ask(FREE, "Hi", "too short a title")
    link.restore()
    _sync(voter.service)
    found = community.question(asked)
    assert found is not None
    assert (found[0].votes, found[0].voted) == (1, True)
    community.vote(VoteKind.QUESTION, asked, up=False)
    found = community.question(asked)
    assert found is not None
    assert (found[0].votes, found[0].voted) == (0, False)
    _sync(voter.service)
    found = community.question(asked)
    assert found is not None
    assert (found[0].votes, found[0].voted) == (0, False)


def test_two_laptops_editing_one_answer_offline_keep_both_versions(
    enrolled: Callable[[str, str], Laptop], link: CuttableLink
) -> None:
    laptop, desktop = enrolled("laptop", "Sam Student"), enrolled("desktop", "Sam Student")
    asker = enrolled("asker", "Asha Asker")
    asked = CommunityService(asker.service).ask(FREE, "Where are downloads kept?", "On disk?")
    _sync(asker.service)
    _sync(laptop.service)
    answer = CommunityService(laptop.service).answer(asked, "In the data folder.")
    _sync(laptop.service)
    _sync(desktop.service)

    link.cut()
    CommunityService(laptop.service).edit(PostKind.ANSWER, answer, "In the account's media folder.")
    CommunityService(desktop.service).edit(
        PostKind.ANSWER, answer, "Under the data folder, per account."
    )
    link.restore()
    _sync(laptop.service)
    _sync(desktop.service)
    _sync(laptop.service)
    for device in (laptop, desktop):
        found = CommunityService(device.service).question(asked)
        assert found is not None
        [mine] = found[1]
        assert mine.body == "In the account's media folder."
        assert mine.conflict is not None
        assert mine.conflict.body == "Under the data folder, per account."
    CommunityService(desktop.service).choose_version(mine.conflict.id, use_other=True)
    _sync(desktop.service)
    _sync(laptop.service)
    for device in (laptop, desktop):
        found = CommunityService(device.service).question(asked)
        assert found is not None
        assert (found[1][0].body, found[1][0].conflict) == (
            "Under the data folder, per account.",
            None,
        )


def test_a_reported_post_hidden_by_an_admin_leaves_the_students_laptop(
    enrolled: Callable[[str, str], Laptop],
    laptops: Callable[[str], Laptop],
    link: CuttableLink,
) -> None:
    student, troll = enrolled("student", "Sam Student"), enrolled("troll", "Tom Troll")
    thread = CommunityService(troll.service).start_thread(
        FREE, "Buy cheap watches", "Visit my site"
    )
    _sync(troll.service)
    _sync(student.service)
    community = CommunityService(student.service)
    assert any(t.id == thread for t in community.threads(FREE))
    community.report(PostKind.THREAD, thread, "Spam advertising")
    _sync(student.service)

    admin = laptops("admin")
    admin.service.sign_in(link.url, "admin@example.com", DEMO_PASSWORD)
    _sync(admin.service)
    moderation = CommunityService(admin.service)
    [report] = [r for r in moderation.reports() if r.target_id == thread]
    assert (report.context_title, report.excerpt, report.reason) == (
        "Buy cheap watches",
        "Visit my site",
        "Spam advertising",
    )
    moderation.moderate(PostKind.THREAD, thread, hide=True, note="Spam")
    assert all(r.target_id != thread for r in moderation.reports())
    _sync(admin.service)
    _sync(student.service)
    assert all(t.id != thread for t in community.threads(FREE))


def test_the_instructor_inbox_and_the_unanswered_count(
    enrolled: Callable[[str, str], Laptop], laptops: Callable[[str], Laptop], link: CuttableLink
) -> None:
    student = enrolled("student", "Sam Student")
    asked = CommunityService(student.service).ask(FREE, "Can I sync over mobile data?", "Costs?")
    _sync(student.service)
    teacher = laptops("teacher")
    teacher.service.sign_in(link.url, "instructor@example.com", DEMO_PASSWORD)
    _sync(teacher.service)
    community = CommunityService(teacher.service)
    inbox = community.unanswered()
    assert asked in [q.id for q in inbox]
    assert [q.created_at for q in inbox] == sorted(q.created_at for q in inbox)
    before = community.notices()[FREE].unanswered
    community.answer(asked, "Yes; it sends only what changed.")
    assert asked not in [q.id for q in community.unanswered()]
    assert (
        community.notices().get(FREE, None) is None
        or community.notices()[FREE].unanswered == before - 1
    )
    with pytest.raises(CommunityRefused):
        community.ask(FREE, "Instructors ask?", "No")
