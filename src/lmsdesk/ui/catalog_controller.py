"""The Catalog page's behaviour: search and filters over the local mirror (debounced, on the
database lane), the selected course's curriculum and reviews, wishlist, ratings and previews.
Everything here works offline; wishlist and ratings sync later."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
)

from lmsdesk.contracts.community import REASON_MAX, REASON_MIN, PostKind, VoteKind
from lmsdesk.services.avatars import AvatarCache
from lmsdesk.services.catalog import (
    CatalogService,
    CourseDetails,
    CourseSummary,
    Facets,
)
from lmsdesk.services.community import CommunityService
from lmsdesk.services.thumbnails import ThumbnailCache
from lmsdesk.ui.avatar_image import round_image
from lmsdesk.ui.catalog_page import INSTRUCTOR_PICTURE, load_thumbnails
from lmsdesk.ui.compose_dialog import compose
from lmsdesk.ui.failures import explain
from lmsdesk.ui.main_window import MainWindow
from lmsdesk.ui.tasks import Lane, TaskManager


class RatingDialog(QDialog):
    def __init__(self, course: CourseSummary, parent: MainWindow) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Rate {course.title}")
        self.stars = QComboBox()
        for stars in range(5, 0, -1):
            self.stars.addItem(f"{'★' * stars}{'☆' * (5 - stars)}  ({stars})", stars)
        self.headline = QLineEdit()
        self.headline.setMaxLength(200)
        self.headline.setPlaceholderText("In a few words")
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("What did you like? What could be better?")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Rating", self.stars)
        form.addRow("Title", self.headline)
        form.addRow("Review", self.body)
        form.addRow(buttons)


class CatalogController(QObject):
    def __init__(
        self,
        *,
        window: MainWindow,
        service: CatalogService,
        tasks: TaskManager,
        open_lesson: Callable[[uuid.UUID, uuid.UUID], None],
        ask_rating: Callable[[CourseSummary], tuple[int, str, str] | None] | None = None,
        thumbnails: ThumbnailCache | None = None,
        avatars: AvatarCache | None = None,
        community: CommunityService | None = None,
        ask_reason: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__(window)
        self._window, self._service, self._tasks = window, service, tasks
        self._community = community
        self.ask_reason = ask_reason or self._reason_dialog
        self._thumbnails = thumbnails
        self._avatars = avatars
        self._ask_rating = ask_rating or self._rating_dialog
        page = window.catalog_page
        page.query_changed.connect(lambda _q: self.refresh())
        page.course_selected.connect(self._load_details)
        page.course_viewed.connect(self._record_view)
        page.detail.wishlist_toggled.connect(self.set_wishlisted)
        page.detail.preview_requested.connect(open_lesson)
        page.detail.rate_requested.connect(self.rate)
        page.detail.helpful_requested.connect(self.helpful)
        page.detail.report_review_requested.connect(self.report_review)

    def refresh(self) -> None:
        query = self._window.catalog_page.query()  # read widgets before submitting

        def load() -> tuple[Facets, list[CourseSummary]]:
            return self._service.facets(), self._service.search(query)

        def show(loaded: tuple[Facets, list[CourseSummary]]) -> None:
            facets, courses = loaded
            self._window.catalog_page.show_facets(facets)
            self._window.show_courses(courses)
            self._show_thumbnails(courses)

        self._tasks.run(load, on_success=show, on_failure=self._failed)

    def _show_thumbnails(self, courses: list[CourseSummary]) -> None:
        """The pictures on disk at once; then the missing ones fetched (when online) and shown."""
        cache = self._thumbnails
        if cache is None:
            return
        wanted = [c.thumbnail_asset_id for c in courses if c.thumbnail_asset_id is not None]
        if not wanted:
            return
        page = self._window.catalog_page

        def on_disk(loaded: tuple[dict[uuid.UUID, Path], dict[uuid.UUID, QImage]]) -> None:
            paths, images = loaded
            page.show_thumbnails(images)
            missing = [asset for asset in wanted if asset not in paths]
            if missing:  # fetched when online, decoded on the io lane too
                self._tasks.run(
                    lambda: load_thumbnails(cache.fetch(missing)),
                    on_success=page.show_thumbnails,
                    on_failure=lambda _e: None,
                    lane=Lane.IO,
                )

        def read() -> tuple[dict[uuid.UUID, Path], dict[uuid.UUID, QImage]]:
            paths = cache.cached(wanted)
            return paths, load_thumbnails(paths)

        self._tasks.run(read, on_success=on_disk, on_failure=lambda _e: None, lane=Lane.IO)

    def _load_details(self, course: CourseSummary) -> None:
        detail = self._window.catalog_page.detail
        avatars, instructor = self._avatars, course.instructor_id
        if avatars is not None and instructor is not None and course.instructor_avatar_id:
            self._tasks.run(
                lambda: round_image(
                    avatars.fetch(instructor, course.instructor_avatar_id), INSTRUCTOR_PICTURE
                ),
                on_success=lambda image: detail.show_instructor_picture(course.id, image),
                on_failure=lambda _e: None,
                lane=Lane.IO,
            )
        self._tasks.run(
            lambda: self._service.details(course.id),
            on_success=self._details_loaded,
            on_failure=self._failed,
        )

    def _record_view(self, course: CourseSummary) -> None:
        """Counted for the instructor's reports; a view that cannot be queued is not worth a
        message (signed out, or a full disk, which shows up elsewhere)."""
        self._tasks.run(
            lambda: self._service.record_view(course.id, instructor_id=course.instructor_id),
            on_success=lambda _none: None,
            on_failure=lambda _e: None,
        )

    def _details_loaded(self, details: CourseDetails) -> None:
        detail = self._window.catalog_page.detail
        detail.show_details(details)
        avatars = self._avatars
        wanted = {
            r.reviewer_avatar_id: r.reviewer_id
            for r in details.reviews
            if r.reviewer_avatar_id is not None and r.reviewer_id is not None
        }
        if avatars is None or not wanted:
            return

        def fetch() -> dict[uuid.UUID, Path]:
            found = {picture: avatars.fetch(user, picture) for picture, user in wanted.items()}
            return {picture: path for picture, path in found.items() if path is not None}

        self._tasks.run(
            fetch,
            on_success=lambda paths: detail.show_review_pictures(details.summary.id, paths),
            on_failure=lambda _e: None,
            lane=Lane.IO,
        )

    def set_wishlisted(self, course_id: uuid.UUID, wished: bool) -> None:
        self._record(lambda: self._service.set_wishlisted(course_id, wished))

    def rate(self, course: CourseSummary) -> None:
        answer = self._ask_rating(course)
        if answer is None:
            return
        stars, title, body = answer
        self._record(lambda: self._service.rate(course.id, stars, title, body))

    # ---------------------------------------------------------------- reviews' votes and reports
    def helpful(self, review_id: uuid.UUID, up: bool) -> None:
        community = self._community
        if community is not None:
            self._record(lambda: community.vote(VoteKind.REVIEW, review_id, up), details=True)

    def report_review(self, review_id: uuid.UUID) -> None:
        community = self._community
        reason = self.ask_reason() if community is not None else None
        if community is None or reason is None:
            return
        self._record(lambda: community.report(PostKind.REVIEW, review_id, reason))
        self._window.notify("Report saved; the admins will look at it.")

    def _reason_dialog(self) -> str | None:
        written = compose(
            self._window,
            window_title="Report a review",
            action="Send report",
            with_title=False,
            body_label="What is wrong with it?",
            body_min=REASON_MIN,
            body_max=REASON_MAX,
        )
        return written.body if written is not None else None

    def _reload_details(self) -> None:
        course = self._window.catalog_page.detail.course
        if course is not None:
            self._load_details(course)

    def _record(self, change: Callable[[], None], *, details: bool = False) -> None:
        """A change made offline-first: recorded locally, the lists redrawn, synced later."""

        def done(_none: object) -> None:
            self.refresh()
            if details:
                self._reload_details()

        self._tasks.run(change, on_success=done, on_failure=self._failed)

    def _rating_dialog(self, course: CourseSummary) -> tuple[int, str, str] | None:
        dialog = RatingDialog(course, self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return int(dialog.stars.currentData()), dialog.headline.text(), dialog.body.toPlainText()

    def _failed(self, error: BaseException) -> None:
        message = explain(error, doing="updating the catalog")
        if message is not None:
            QMessageBox.information(self._window, "Catalog", message)
