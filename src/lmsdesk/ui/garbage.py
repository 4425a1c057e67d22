"""Python's cycle collector runs on whichever thread happens to allocate. If that is a worker
lane and the cycle holds a Qt widget, the widget is destroyed off the UI thread and Qt crashes.
So, as Anki does (qt/aqt/__init__.py, GarbageCollector), automatic collection is off and a
UI-thread timer collects instead."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

COLLECT_EVERY_MS = 1000


class MainThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(COLLECT_EVERY_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the generations automatic collection would have by now."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return
