"""The video lesson's widgets: the picture and its controls. Layout only; the video controller
adds behaviour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.player.vlc_player import SPEEDS


def clock(seconds: float) -> str:
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class VideoSurface(QWidget):
    """A native window libvlc draws into; black until the first frame."""

    def __init__(self) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
        self.setPalette(palette)
        self.setMinimumSize(320, 180)


class VideoView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.surface = VideoSurface()
        self.notice = QLabel()
        self.notice.setObjectName("emptyState")
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.hide()

        # Icons (Qt's own media set, drawn by the style; no emoji font is needed) keep the row
        # narrow enough for the smallest window; the words are in the tooltips.
        self.play = _button("Play", "Play or pause (Space)", icon=_icon("SP_MediaPlay"))
        self.back = _button("−10 s", "Back 10 seconds (Left)", icon=_icon("SP_MediaSeekBackward"))
        self.forward = _button(
            "+10 s", "Forward 10 seconds (Right)", icon=_icon("SP_MediaSeekForward")
        )
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setToolTip("Seek")
        self.seek.setRange(0, 0)
        self.time = QLabel("0:00 / 0:00")
        self.time.setMinimumWidth(96)
        self.time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.speed = QComboBox()
        self.speed.setToolTip("Speed ([ slower, ] faster)")
        for rate in SPEEDS:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.mute = _button("Mute", "Mute (M)", checkable=True, icon=_icon("SP_MediaVolume"))
        self.mute.toggled.connect(
            lambda on: self.mute.setIcon(_icon("SP_MediaVolumeMuted" if on else "SP_MediaVolume"))
        )
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setFixedWidth(70)
        self.volume.setToolTip("Volume (Up/Down)")
        self.subtitles = _button("CC", "Subtitles on/off (C)", checkable=True)
        self.subtitles.setChecked(True)
        self.fullscreen = _button(
            "Full screen", "Full screen (F)", icon=_icon("SP_TitleBarMaxButton")
        )
        self.source = QLabel()
        self.source.setObjectName("pageSubtitle")
        self.download = QPushButton("Download this lesson")
        self.download.setToolTip("Keep this video on this computer to watch it offline")
        self.download.hide()

        timeline = QHBoxLayout()
        timeline.addWidget(self.seek, 1)
        timeline.addWidget(self.time)
        controls = QHBoxLayout()
        for button in (self.play, self.back, self.forward):
            controls.addWidget(button)
        controls.addStretch(1)
        for widget in (self.speed, self.mute, self.volume, self.subtitles, self.fullscreen):
            controls.addWidget(widget)
        # The keys belong to the player: a focused button would take Space, a focused slider
        # the arrows. The controls stay usable with the mouse; the picture takes the focus.
        for control in self._controls():
            control.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.surface.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.surface, 1)
        layout.addWidget(self.notice, 1)
        layout.addLayout(timeline)
        layout.addLayout(controls)
        source_row = QHBoxLayout()
        source_row.addWidget(self.source, 1)
        source_row.addWidget(self.download)
        layout.addLayout(source_row)

    def show_notice(self, text: str) -> None:
        """In place of the picture: why there is no video (no libvlc, offline, an error)."""
        self.notice.setText(text)
        self.notice.show()
        self.surface.hide()
        self._enable_controls(False)

    def show_picture(self) -> None:
        self.notice.hide()
        self.surface.show()
        self._enable_controls(True)

    def _controls(self) -> tuple[QWidget, ...]:
        return (
            self.play,
            self.back,
            self.forward,
            self.seek,
            self.speed,
            self.mute,
            self.volume,
            self.subtitles,
            self.fullscreen,
        )

    def _enable_controls(self, enabled: bool) -> None:
        for control in self._controls():
            control.setEnabled(enabled)

    def show_playing(self, playing: bool) -> None:
        self.play.setIcon(_icon("SP_MediaPause" if playing else "SP_MediaPlay"))
        self.play.setText("Pause" if playing else "Play")  # read by screen readers

    def show_time(self, position: float, duration: float) -> None:
        self.time.setText(f"{clock(position)} / {clock(duration)}")
        if not self.seek.isSliderDown():
            self.seek.blockSignals(True)
            self.seek.setRange(0, int(duration * 10))
            self.seek.setValue(int(position * 10))
            self.seek.blockSignals(False)


def _icon(name: str) -> QIcon:
    style = QApplication.style()
    return style.standardIcon(getattr(QStyle.StandardPixmap, name))


def _button(
    text: str, tip: str, *, checkable: bool = False, icon: QIcon | None = None
) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setCheckable(checkable)
    if icon is not None:
        button.setIcon(icon)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    return button
