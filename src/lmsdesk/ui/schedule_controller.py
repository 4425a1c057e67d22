"""Opens the Schedule panel of a published course and saves what the instructor changes there
(through the outbox: offline too), redrawing from the mirror after each save."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ValidationError
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from lmsdesk.contracts.schedule import LiveSession, SaveCohortArgs
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.schedule import ScheduleService
from lmsdesk.ui.schedule_editor import ScheduleEditor, validation_message
from lmsdesk.ui.tasks import TaskManager


class ScheduleController(QObject):
    def __init__(self, service: ScheduleService, tasks: TaskManager, window: QWidget) -> None:
        super().__init__(window)
        self._service, self._tasks, self._window = service, tasks, window
        self.editor: ScheduleEditor | None = None
        self._course: uuid.UUID | None = None

    def open(self, course_id: uuid.UUID, course_title: str) -> None:
        self._course = course_id
        self.editor = ScheduleEditor(course_title, self._window)
        self.editor.cohort_saved.connect(self._save_cohort)
        self.editor.week_saved.connect(self._save_week)
        self.editor.open()
        self.reload()

    def reload(self) -> None:
        course, editor = self._course, self.editor
        if course is None or editor is None:
            return
        service = self._service
        self._tasks.run(
            lambda: (service.course_cohorts(course), service.course_sections(course)),
            on_success=lambda loaded: editor.show_schedule(*loaded),
        )

    def _failed(self, error: BaseException) -> None:
        if self.editor is not None:
            message = error.message if isinstance(error, UserFacingError) else str(error)
            self.editor.show_error(message)

    def _save_cohort(
        self,
        cohort_id: uuid.UUID | None,
        title: str,
        starts: datetime,
        zone: str,
        closes: int,
        late: int,
        capacity: int | None,
    ) -> None:
        editor, course = self.editor, self._course
        if editor is None or course is None:
            return
        try:
            args = SaveCohortArgs(
                cohort_id=cohort_id or uuid.uuid4(),
                course_id=course,
                title=title,
                starts_at=starts,
                timezone=zone,
                enrollment_closes_hours=closes,
                late_join_days=late,
                capacity=capacity,
            )
        except ValidationError as exc:
            editor.show_error(validation_message(exc))
            return
        editor.keep_shown(args.cohort_id)
        self._tasks.run(
            lambda: self._service.save_cohort(args),
            on_success=lambda _none: self.reload(),
            on_failure=self._failed,
        )

    def _save_week(
        self,
        cohort_id: uuid.UUID,
        number: int,
        sections: list[uuid.UUID],
        release: datetime,
        due: datetime | None,
        live: LiveSession | None,
    ) -> None:
        self._tasks.run(
            lambda: self._service.set_week(cohort_id, number, sections, release, due, live),
            on_success=lambda _none: self.reload(),
            on_failure=self._failed,
        )
