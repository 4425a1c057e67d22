"""A video lesson on real libvlc with the downloaded demo video: resume, saving, completion."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk.local_db import outbox
from lmsdesk.player.vlc_player import PlayerUnavailable, create_instance
from lmsdesk.services.download_queue import DownloadQueue
from lmsdesk.services.downloader import Downloader
from lmsdesk.services.learning import LearningService
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.ui.tasks import TaskManager
from lmsdesk.ui.video_controller import VideoController
from lmsdesk.ui.video_view import VideoView
from lmsdesk_server.demo.seed import demo_id

FREE = demo_id("course:offline-first-basics")
VIDEO_LESSON = demo_id("offline-first-basics:video")


@pytest.fixture
def learning(student: SessionService) -> LearningService:
    PurchaseService(student).enroll_free(FREE)
    SyncService(student).sync()
    assert student.store is not None
    assert student.account_dir is not None
    queue = DownloadQueue(student.store, student.account_dir / "media")
    queue.queue_course(FREE)
    assert Downloader(student, queue).run(lambda _p: None).files_done == 2
    return LearningService(student)


@pytest.fixture
def tasks(qapp: object) -> Iterator[TaskManager]:
    del qapp  # requested so the QApplication exists before any QObject
    manager = TaskManager()
    yield manager
    manager.shutdown()


@pytest.fixture
def video(qtbot: QtBot, learning: LearningService, tasks: TaskManager) -> Iterator[VideoController]:
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    controller = VideoController(
        view, learning, tasks, instance_factory=lambda: create_instance(headless=True)
    )
    yield controller
    controller.close()


def _open(qtbot: QtBot, video: VideoController, learning: LearningService) -> None:
    video.open(learning.lesson(VIDEO_LESSON))
    qtbot.waitUntil(lambda: video.player is not None and video.player.is_playing(), timeout=8000)


def _settle(qtbot: QtBot, tasks: TaskManager) -> None:
    qtbot.waitUntil(lambda: tasks.running == 0, timeout=5000)


def test_reopening_a_lesson_resumes_where_it_was_left(
    qtbot: QtBot, video: VideoController, learning: LearningService, tasks: TaskManager
) -> None:
    _open(qtbot, video, learning)
    assert "downloaded copy" in video.view.source.text()
    video.seek_to(20.0)
    qtbot.waitUntil(lambda: video.player is not None and video.player.position() >= 22.5)
    video.close()  # before the 5 s save: closing saves
    _settle(qtbot, tasks)
    saved = learning.lesson(VIDEO_LESSON)
    assert saved.position_seconds == pytest.approx(22.5, abs=0.75)

    _open(qtbot, video, learning)
    qtbot.waitUntil(lambda: video.player is not None and video.player.position() > 0)
    assert video.player is not None
    assert video.player.position() == pytest.approx(saved.position_seconds, abs=1.0)


def test_seeking_to_the_end_does_not_complete_the_video(
    qtbot: QtBot, video: VideoController, learning: LearningService, tasks: TaskManager
) -> None:
    _open(qtbot, video, learning)
    assert video.player is not None
    with (
        qtbot.assertNotEmitted(video.completed, wait=0),
        qtbot.waitSignal(video.player.ended, timeout=8000),
    ):
        video.seek_to(28.0)
    _settle(qtbot, tasks)
    lesson = learning.lesson(VIDEO_LESSON)
    assert lesson.status is ProgressStatus.IN_PROGRESS
    assert lesson.watched_seconds < 5


def test_watching_to_ninety_percent_completes_it(
    qtbot: QtBot, video: VideoController, learning: LearningService, tasks: TaskManager
) -> None:
    lesson = learning.lesson(VIDEO_LESSON)
    learning.save_position(lesson, 24.0, 24.0)  # watched up to 0:24 on an earlier day
    _open(qtbot, video, learning)
    video.view.speed.setCurrentIndex(video.view.speed.findData(2.0))
    with qtbot.waitSignal(video.completed, timeout=8000) as done:
        pass
    assert done.args == [VIDEO_LESSON]
    _settle(qtbot, tasks)
    finished = learning.lesson(VIDEO_LESSON)
    assert finished.status is ProgressStatus.COMPLETED
    assert finished.watched_seconds >= 27.0


def test_saves_while_playing_leave_one_pending_position(
    qtbot: QtBot,
    video: VideoController,
    learning: LearningService,
    tasks: TaskManager,
    student: SessionService,
) -> None:
    _open(qtbot, video, learning)
    for _ in range(3):
        qtbot.wait(300)
        video.save()
    video.view.play.click()  # pause: saves too
    _settle(qtbot, tasks)
    assert student.store is not None
    with student.store.reading() as session:
        names = [m.name for m in outbox.pending(session)]
    assert names.count(m.SET_POSITION.name) == 1, names


def test_without_libvlc_the_lesson_says_what_to_install(
    qtbot: QtBot, learning: LearningService, tasks: TaskManager
) -> None:
    view = VideoView()
    qtbot.addWidget(view)

    def missing() -> object:
        raise PlayerUnavailable()

    controller = VideoController(view, learning, tasks, instance_factory=missing)
    controller.open(learning.lesson(VIDEO_LESSON))
    qtbot.waitUntil(lambda: not view.notice.isHidden(), timeout=5000)
    assert "libvlc5" in view.notice.text()
    assert not view.play.isEnabled()


def test_keyboard_controls_the_player(
    qtbot: QtBot, video: VideoController, learning: LearningService
) -> None:
    _open(qtbot, video, learning)
    view = video.view
    view.activateWindow()
    view.surface.setFocus()
    player = video.player
    assert player is not None
    qtbot.waitUntil(lambda: player.position() > 0.3)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.position() >= 10.0, timeout=3000)
    qtbot.keyClick(view, Qt.Key.Key_BracketRight)
    assert view.speed.currentData() == 1.25
    qtbot.waitUntil(lambda: player.rate() == 1.25, timeout=3000)
    qtbot.keyClick(view, Qt.Key.Key_M)
    assert view.mute.isChecked()
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert not view.subtitles.isChecked()
    with qtbot.waitSignal(player.playing_changed, timeout=3000) as paused:
        qtbot.keyClick(view, Qt.Key.Key_Space)
    assert paused.args == [False]
