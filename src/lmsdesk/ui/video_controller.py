"""A video lesson's behaviour: resume where the student stopped, save the position every 5 s
(coalesced in the outbox), on pause, seek, lesson change and quit, and complete the lesson when
90% has been watched (WatchTracker), never by seeking to the end.

Keyboard: Space play/pause, Left/Right 10 s, Up/Down volume, F full screen, M mute,
C subtitles, [ and ] speed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut

from lmsdesk.player.vlc_player import PlayerUnavailable, VideoPlayer, create_instance
from lmsdesk.services.learning import LearningService, LessonUnavailable, LessonView, VideoSource
from lmsdesk.services.watch_progress import WatchTracker
from lmsdesk.ui.tasks import Lane, TaskManager
from lmsdesk.ui.video_view import VideoView

_log = logging.getLogger(__name__)
SAVE_EVERY_MS = 5000
SKIP_SECONDS = 10.0


class VideoController(QObject):
    completed = Signal(object)  # lesson id
    fullscreen_requested = Signal()
    download_requested = Signal(object, object)  # course id, lesson id

    def __init__(
        self,
        view: VideoView,
        service: LearningService,
        tasks: TaskManager,
        *,
        instance_factory: Callable[[], Any] = create_instance,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view, self._service, self._tasks = view, service, tasks
        self._instance_factory = instance_factory
        self._instance: Any = None
        self._instance_lock = threading.Lock()
        self.player: VideoPlayer | None = None
        self.lesson: LessonView | None = None
        self.tracker: WatchTracker | None = None
        self._saved: tuple[float, float] | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_EVERY_MS)
        self._save_timer.timeout.connect(self.save)
        self._wire_controls()

    # ---------------------------------------------------------------- opening and closing
    def open(self, lesson: LessonView) -> None:
        self.close()
        self.lesson = lesson
        self.tracker = WatchTracker(
            position=lesson.position_seconds,
            watched=lesson.watched_seconds,
            duration=float(lesson.duration_seconds or 0),
            completed=lesson.status.value == "completed",
        )
        self._saved = (lesson.position_seconds, lesson.watched_seconds)
        self.view.show_picture()
        self.view.download.hide()
        self.view.download.setText("Download this lesson")
        self.view.show_time(lesson.position_seconds, float(lesson.duration_seconds or 0))
        self.view.source.setText("Opening…")
        self._tasks.run(
            lambda: self._prepare(lesson),
            on_success=self._start,
            on_failure=self._unavailable,
            lane=Lane.IO,
        )

    def _prepare(self, lesson: LessonView) -> tuple[LessonView, VideoSource]:
        """On the io lane: load libvlc once (its plugin scan takes a moment) and find the video:
        the downloaded file, or a streaming link."""
        with self._instance_lock:  # the io lane has two workers: load libvlc once
            if self._instance is None:
                self._instance = self._instance_factory()
        return lesson, self._service.video_source(lesson)

    def _start(self, prepared: tuple[LessonView, VideoSource]) -> None:
        lesson, source = prepared
        if lesson is not self.lesson:
            return  # another lesson was opened meanwhile
        player = VideoPlayer(self._instance, self)
        player.position_changed.connect(self._on_position)
        player.duration_changed.connect(self._on_duration)
        player.playing_changed.connect(self._on_playing)
        player.failed.connect(self.view.show_notice)
        player.attach(int(self.view.surface.winId()))
        self.player = player
        player.open(source.video, start_at=lesson.position_seconds, subtitles=source.subtitles)
        player.set_subtitles_on(self.view.subtitles.isChecked())
        player.set_muted(self.view.mute.isChecked())
        player.set_rate(float(self.view.speed.currentData()))
        self.view.source.setText(
            "Streaming from the server" if source.streaming else "Playing the downloaded copy"
        )
        self.view.download.setVisible(source.streaming and lesson.enrolled)
        self.view.download.setEnabled(True)
        self._save_timer.start()

    def _unavailable(self, error: BaseException) -> None:
        if isinstance(error, PlayerUnavailable | LessonUnavailable):
            self.view.show_notice(error.message)
        else:
            _log.error("could not open the video", exc_info=error)
            self.view.show_notice("This video could not be opened.")
        self.view.source.setText("")

    def close(self) -> None:
        """Leaving the lesson (another lesson, another page, quit): save, then stop."""
        self._save_timer.stop()
        if self.player is not None:
            if self.tracker is not None:
                self.tracker.position = self.player.position() or self.tracker.position
            self.save()
            self.player.close()
            self.player.deleteLater()
            self.player = None
        self.lesson = self.tracker = None

    # ---------------------------------------------------------------- saving
    def save(self) -> None:
        lesson, tracker = self.lesson, self.tracker
        if lesson is None or tracker is None:
            return
        position, watched, spent = tracker.position, tracker.watched, tracker.take_time_spent()
        if (position, watched) == self._saved and spent <= 0:
            return
        self._saved = (position, watched)

        def record() -> None:
            self._service.save_position(lesson, position, watched)
            self._service.add_time(lesson, spent)

        self._tasks.run(record, on_success=lambda _none: None)

    # ---------------------------------------------------------------- player events
    def _on_position(self, seconds: float) -> None:
        if self.tracker is None or self.player is None:
            return
        self.tracker.sample(
            seconds, time.monotonic(), rate=self.player.rate(), playing=self.player.is_playing()
        )
        self.view.show_time(seconds, self.tracker.duration)
        if self.tracker.should_complete and self.lesson is not None:
            self.tracker.completed = True
            lesson = self.lesson
            self.save()
            self._tasks.run(
                lambda: self._service.complete(lesson),
                on_success=lambda _none: self.completed.emit(lesson.id),
            )

    def _on_duration(self, seconds: float) -> None:
        if self.tracker is not None and seconds > 0:
            self.tracker.duration = seconds

    def _on_playing(self, playing: bool) -> None:
        self.view.show_playing(playing)
        if not playing and self.tracker is not None and self.player is not None:
            self.tracker.stopped()
            self.tracker.position = self.player.position()
            self.save()

    # ---------------------------------------------------------------- controls
    def seek_to(self, seconds: float) -> None:
        if self.player is None or self.tracker is None:
            return
        target = max(seconds, 0.0)
        self.player.seek(target)
        self.tracker.seeked(target)
        self.save()

    def skip(self, delta: float) -> None:
        if self.player is not None:
            self.seek_to(self.player.position() + delta)

    def _download(self) -> None:
        if self.lesson is not None:
            self.view.download.setEnabled(False)
            self.view.download.setText("Downloading… (see My learning)")
            self.download_requested.emit(self.lesson.course_id, self.lesson.id)

    def _with_player(self, action: Callable[[VideoPlayer], None]) -> None:
        if self.player is not None:
            action(self.player)

    def _wire_controls(self) -> None:
        view = self.view
        view.play.clicked.connect(lambda: self._with_player(lambda p: p.toggle()))
        view.back.clicked.connect(lambda: self.skip(-SKIP_SECONDS))
        view.forward.clicked.connect(lambda: self.skip(SKIP_SECONDS))
        view.seek.sliderReleased.connect(lambda: self.seek_to(view.seek.value() / 10))
        view.speed.currentIndexChanged.connect(
            lambda _i: self._with_player(lambda p: p.set_rate(float(view.speed.currentData())))
        )
        view.volume.valueChanged.connect(lambda v: self._with_player(lambda p: p.set_volume(v)))
        view.mute.toggled.connect(lambda on: self._with_player(lambda p: p.set_muted(on)))
        view.subtitles.toggled.connect(
            lambda on: self._with_player(lambda p: p.set_subtitles_on(on))
        )
        view.fullscreen.clicked.connect(self.fullscreen_requested)
        view.download.clicked.connect(self._download)
        keys: dict[str, Callable[[], object]] = {
            "Space": view.play.click,
            "Left": view.back.click,
            "Right": view.forward.click,
            "Up": lambda: view.volume.setValue(view.volume.value() + 10),
            "Down": lambda: view.volume.setValue(view.volume.value() - 10),
            "F": self.fullscreen_requested.emit,
            "M": view.mute.toggle,
            "C": view.subtitles.toggle,
            "[": lambda: view.speed.setCurrentIndex(max(view.speed.currentIndex() - 1, 0)),
            "]": lambda: view.speed.setCurrentIndex(
                min(view.speed.currentIndex() + 1, view.speed.count() - 1)
            ),
        }
        for key, action in keys.items():
            shortcut = QShortcut(QKeySequence(key), view)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
