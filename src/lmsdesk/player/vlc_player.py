"""The video player: libvlc behind a QObject (STYLE.md, "Keeping the UI responsive").

libvlc calls its event callbacks on its own thread and is not reentrant from them, so a callback
only emits a Qt signal; the position is polled by a main-thread QTimer. Without libvlc (or without
its plugins, where `vlc.Instance()` quietly returns None) `create_instance` raises
PlayerUnavailable naming what to install, and the rest of the app goes on without video.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

_log = logging.getLogger(__name__)

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
INSTALL_HINT = (
    "Video needs VLC's library. On Debian or Ubuntu: sudo apt-get install libvlc5 "
    "vlc-plugin-base vlc-plugin-video-output. On Windows and macOS: install VLC from videolan.org."
)
#: Headless outputs for tests and benchmarks: events and timing are real, nothing is shown.
HEADLESS_ARGS = ("--vout=dummy", "--aout=dummy")
#: How long a media may take to show a frame or a length before the player says it cannot be
#: played (a stream waits for the network too).
LOCAL_OPEN_MS = 5_000
STREAM_OPEN_MS = 20_000
UNREADABLE = "This video cannot be played: the file is damaged or not a video LMSDesk can read."


_EVENTS = (
    "MediaPlayerPlaying",
    "MediaPlayerPaused",
    "MediaPlayerEndReached",
    "MediaPlayerEncounteredError",
    "MediaPlayerVout",
    "MediaPlayerLengthChanged",
)


class PlayerUnavailable(Exception):
    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)
        self.message = message


def create_instance(*, headless: bool = False) -> Any:
    """One libvlc instance for the app. Raises PlayerUnavailable."""
    try:
        import vlc
    except (ImportError, OSError) as exc:  # python-vlc raises OSError when libvlc is missing
        raise PlayerUnavailable() from exc
    # --no-xlib: Qt owns Xlib; libvlc draws through xcb, which needs no Xlib thread setup.
    args = ["--quiet", "--no-xlib", "--no-video-title-show", *(HEADLESS_ARGS if headless else ())]
    if not headless and not has_sound_card():
        # Without one, ALSA fills the terminal with thousands of errors a second while playing.
        args.append("--aout=dummy")
    instance = vlc.Instance(args)
    if instance is None:  # libvlc found, but not its plugins
        raise PlayerUnavailable()
    return instance


def has_sound_card(devices: Path = Path("/dev/snd")) -> bool:
    """A Linux sound device exists (elsewhere, assume one: the OS picks the output)."""
    if sys.platform != "linux":
        return True
    return devices.is_dir() and any(devices.glob("pcm*"))


def libvlc_version() -> str:
    """The libvlc this installation plays with ("3.0.21 Vetinari"). Raises PlayerUnavailable."""
    create_instance(headless=True)
    import vlc

    return str(vlc.libvlc_get_version().decode())


@dataclass(frozen=True)
class VideoProbe:
    """What libvlc reads of a local video without playing it."""

    #: libvlc was there to ask (False: nothing could be said either way).
    checked: bool
    duration_seconds: float | None = None
    has_video: bool = False

    @property
    def playable(self) -> bool:
        return self.has_video and self.duration_seconds is not None


def probe_video(path: Path, *, timeout_s: float = 10.0) -> VideoProbe:
    """A local video's length and whether it holds a video track libvlc can decode. Blocking:
    call off the UI thread."""
    try:
        instance = create_instance(headless=True)
    except PlayerUnavailable:
        return VideoProbe(checked=False)
    import vlc

    media = instance.media_new_path(str(path))
    try:
        media.parse_with_options(vlc.MediaParseFlag.local, int(timeout_s * 1000))
        deadline = time.monotonic() + timeout_s + 1
        while media.get_parsed_status() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        milliseconds = media.get_duration()
        tracks = list(media.tracks_get() or [])
        return VideoProbe(
            checked=True,
            duration_seconds=milliseconds / 1000 if milliseconds > 0 else None,
            has_video=any(track.type == vlc.TrackType.video for track in tracks),
        )
    finally:
        media.release()
        instance.release()


class VideoPlayer(QObject):
    """One lesson's playback. Positions are seconds (floats); libvlc speaks milliseconds."""

    position_changed = Signal(float)
    duration_changed = Signal(float)
    playing_changed = Signal(bool)
    first_frame = Signal()
    ended = Signal()
    failed = Signal(str)
    _from_vlc = Signal(str)

    def __init__(self, instance: Any, parent: QObject | None = None, *, poll_ms: int = 200) -> None:
        super().__init__(parent)
        import vlc

        self._vlc = vlc
        self._instance = instance
        self._player = instance.media_player_new()
        self._subtitles_on = True
        self._duration = 0.0
        self._shown = False
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self._sample)
        self._from_vlc.connect(self._on_vlc_event)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._never_opened)
        #: perf_counter() when libvlc opened the video output for the current media.
        self.first_frame_at: float | None = None
        # Kept for the player's lifetime: it owns the ctypes trampoline libvlc calls into, and
        # a collected one would leave libvlc calling freed memory.
        self._events = self._player.event_manager()
        self._event_types = [getattr(vlc.EventType, name) for name in _EVENTS]
        for name, event_type in zip(_EVENTS, self._event_types, strict=True):
            self._events.event_attach(event_type, self._relay(name))

    def _relay(self, name: str) -> Any:
        """Runs on libvlc's thread: note the time, hand over to Qt, nothing else."""

        def relay(_event: Any) -> None:
            if name == "MediaPlayerVout" and self.first_frame_at is None:
                self.first_frame_at = time.perf_counter()
            self._from_vlc.emit(name)

        return relay

    # ---------------------------------------------------------------- opening
    def attach(self, window_id: int) -> None:
        """Draw into a native window (X11 window id, HWND or NSView). Only where Qt's windows
        are native ones libvlc can draw into: handed the id of an offscreen (or Wayland)
        window, libvlc stalls after the first seek."""
        from PySide6.QtGui import QGuiApplication

        platform = QGuiApplication.platformName()
        if platform == "xcb":
            self._player.set_xwindow(window_id)
        elif platform == "windows":
            self._player.set_hwnd(window_id)
        elif platform == "cocoa":
            self._player.set_nsobject(window_id)

    def open(
        self,
        source: str | Path,
        *,
        start_at: float = 0.0,
        subtitles: Path | str | None = None,
        autoplay: bool = True,
    ) -> None:
        """Open a local file or a (signed) URL at `start_at` seconds, with its subtitles."""
        self._player.stop()
        if isinstance(source, Path):
            media = self._instance.media_new_path(str(source))
            media.add_option("file-caching=0")  # local file: the first frame in tens of ms
        else:
            media = self._instance.media_new(source)
            media.add_option("network-caching=1000")
        if start_at > 0:
            media.add_option(f"start-time={start_at:.3f}")
        self._player.set_media(media)
        media.release()
        if subtitles is not None:
            uri = subtitles.as_uri() if isinstance(subtitles, Path) else subtitles
            self._player.add_slave(self._vlc.MediaSlaveType.subtitle, uri, True)
        self._duration = 0.0
        self._shown = False
        self.first_frame_at = None
        # A file libvlc cannot read may neither fail nor play: a black box at 0:00 / 0:00.
        self._watchdog.start(LOCAL_OPEN_MS if isinstance(source, Path) else STREAM_OPEN_MS)
        if autoplay:
            self.play()

    # ---------------------------------------------------------------- controls
    def play(self) -> None:
        if self._player.play() == -1:
            self.failed.emit("This video could not be played.")
        self._poll.start()

    def pause(self) -> None:
        self._player.set_pause(1)

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def is_playing(self) -> bool:
        return bool(self._player.is_playing())

    def position(self) -> float:
        milliseconds: int = self._player.get_time()
        return max(milliseconds, 0) / 1000.0

    def duration(self) -> float:
        return self._duration

    def seek(self, seconds: float) -> None:
        end = self._duration or float("inf")
        target = min(max(seconds, 0.0), max(end - 0.25, 0.0))
        self._player.set_time(int(target * 1000))
        self.position_changed.emit(target)

    def skip(self, delta: float) -> None:
        self.seek(self.position() + delta)

    def rate(self) -> float:
        return float(self._player.get_rate())

    def set_rate(self, rate: float) -> None:
        self._player.set_rate(rate)

    def step_rate(self, steps: int) -> float:
        """The next (or previous) speed of SPEEDS; returns it."""
        now = self.rate()
        current = min(SPEEDS, key=lambda s: abs(s - now))
        index = min(max(SPEEDS.index(current) + steps, 0), len(SPEEDS) - 1)
        chosen: float = SPEEDS[index]
        self.set_rate(chosen)
        return chosen

    def volume(self) -> int:
        return int(self._player.audio_get_volume())

    def set_volume(self, percent: int) -> None:
        self._player.audio_set_volume(min(max(percent, 0), 100))

    def is_muted(self) -> bool:
        return bool(self._player.audio_get_mute())

    def set_muted(self, muted: bool) -> None:
        self._player.audio_set_mute(muted)

    def subtitles_on(self) -> bool:
        return self._subtitles_on

    def set_subtitles_on(self, on: bool) -> None:
        self._subtitles_on = on
        tracks = [t for t in (self._player.video_get_spu_description() or []) if t[0] >= 0]
        self._player.video_set_spu(tracks[-1][0] if on and tracks else -1)

    def close(self) -> None:
        self._poll.stop()
        self._watchdog.stop()
        for event_type in self._event_types:
            self._events.event_detach(event_type)
        self._player.stop()
        self._player.release()

    # ---------------------------------------------------------------- events (UI thread)
    @Slot()
    def _never_opened(self) -> None:
        if not self._shown and self._duration <= 0:
            self._poll.stop()
            self._player.stop()
            self.failed.emit(UNREADABLE)

    @Slot()
    def _sample(self) -> None:
        if self._player.is_playing():
            self.position_changed.emit(self.position())

    @Slot(str)
    def _on_vlc_event(self, name: str) -> None:
        if name == "MediaPlayerPlaying":
            self.playing_changed.emit(True)
            if not self._subtitles_on:
                self.set_subtitles_on(False)
        elif name == "MediaPlayerPaused":
            self.playing_changed.emit(False)
            self.position_changed.emit(self.position())
        elif name == "MediaPlayerLengthChanged":
            self._duration = max(self._player.get_length(), 0) / 1000.0
            self.duration_changed.emit(self._duration)
        elif name == "MediaPlayerVout" and not self._shown:
            self._shown = True  # libvlc reports each output it opens; the first is the frame
            self.first_frame.emit()
        elif name == "MediaPlayerEndReached":
            self._poll.stop()
            self.playing_changed.emit(False)
            if not self._shown and self._duration <= 0:
                self._watchdog.stop()
                self.failed.emit(UNREADABLE)  # over before a frame: nothing it could read
                return
            self.ended.emit()
        elif name == "MediaPlayerEncounteredError":
            self._poll.stop()
            self.failed.emit("The video stopped: the file could not be read or the stream ended.")
