"""A video lesson's file: import one (offline is fine), see it upload with its progress, retry a
refused one. Display only; the authoring controller acts on its signals."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from lmsdesk.local_db.models.client import UploadState
from lmsdesk.services.download_queue import human_bytes
from lmsdesk.services.uploads import UploadView
from lmsdesk.ui.video_view import clock


class VideoUploadPanel(QWidget):
    import_requested = Signal()
    subtitles_requested = Signal()
    retry_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setFixedHeight(16)
        self.import_button = QPushButton("Import video…")
        self.import_button.setShortcut(QKeySequence("Ctrl+I"))
        self.import_button.setToolTip(
            "Choose an MP4, WebM or MOV file (Ctrl+I); it uploads whenever the app is online"
        )
        self.import_button.clicked.connect(self.import_requested)
        self.retry_button = QPushButton("Retry upload")
        self.retry_button.clicked.connect(lambda: self.retry_requested.emit(self._asset))
        self.subtitles_button = QPushButton("Add subtitles…")
        self.subtitles_button.setToolTip("A WebVTT (.vtt) file; students turn them on with C")
        self.subtitles_button.clicked.connect(self.subtitles_requested)
        self.subtitles_status = QLabel()
        self.subtitles_status.setObjectName("pageSubtitle")
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.subtitles_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        layout.addWidget(self.subtitles_status)
        layout.addStretch(1)
        self._asset: uuid.UUID | None = None

    def show_upload(
        self, upload: UploadView | None, *, has_video: bool, seconds: int | None = None
    ) -> None:
        self._asset = upload.asset_id if upload is not None else None
        self.retry_button.setVisible(upload is not None and upload.state is UploadState.FAILED)
        self.import_button.setText("Replace video…" if has_video or upload else "Import video…")
        if upload is None or (upload.state is UploadState.DONE and has_video):
            self.bar.hide()
            name = f"{upload.filename} · " if upload is not None else ""
            length = f"{clock(seconds)} · " if seconds else ""
            self.status.setText(
                f"{name}{length}on the server"
                if has_video
                else "No video yet. Import one; it uploads when you are online."
            )
            return
        self.bar.setVisible(upload.state is not UploadState.FAILED)
        self.bar.setRange(0, 1000)
        self.bar.setValue(round(1000 * upload.bytes_sent / max(upload.size_bytes, 1)))
        self.bar.setFormat(f"{human_bytes(upload.bytes_sent)} of {human_bytes(upload.size_bytes)}")
        words = {
            UploadState.QUEUED: "waiting to upload (it goes when the app is online)",
            UploadState.UPLOADING: "uploading",
            UploadState.DONE: "uploaded; it joins the lesson with the next sync",
            UploadState.FAILED: f"the server refused it: {upload.error}",
        }[upload.state]
        self.status.setText(f"{upload.filename} · {words}")

    def show_subtitles(self, upload: UploadView | None, *, has_subtitles: bool) -> None:
        self.subtitles_button.setText(
            "Replace subtitles…" if has_subtitles or upload else "Add subtitles…"
        )
        if has_subtitles and (upload is None or upload.state is UploadState.DONE):
            name = upload.filename if upload is not None else "Subtitles"
            self.subtitles_status.setText(f"{name} · on the server")
        elif upload is not None:
            waiting = {UploadState.FAILED: f"refused: {upload.error}"}.get(
                upload.state, "waiting to upload (it goes when the app is online)"
            )
            self.subtitles_status.setText(f"{upload.filename} · {waiting}")
        else:
            self.subtitles_status.setText("No subtitles.")

    def show_progress(self, asset_id: uuid.UUID, done: int, total: int) -> None:
        if asset_id != self._asset:
            return
        self.bar.show()
        self.bar.setValue(round(1000 * done / max(total, 1)))
        self.bar.setFormat(f"{human_bytes(done)} of {human_bytes(total)}")
        name = self.status.text().split(" · ")[0]
        self.status.setText(f"{name} · uploading")
