"""The Catalog page: the courses on this computer on the left, the selected one's detail on the
right with its price and what the student can do (Buy, Enroll, or already enrolled).

It shows state and emits intentions; the purchase controller acts on them."""

from __future__ import annotations

import uuid
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.enums import CourseLevel
from lmsdesk.services.catalog import (
    CatalogQuery,
    CourseDetails,
    CourseSummary,
    Facets,
    Price,
    Review,
    Sort,
)
from lmsdesk.ui.cart_page import price_html
from lmsdesk.ui.fitting import scrolling
from lmsdesk.ui.pages import CATALOG_HEADING, heading
from lmsdesk.ui.theme import MUTED
from lmsdesk.ui.video_view import clock

LIST_ICON = QSize(64, 36)
#: Catalog rows added before show_courses returns (at least), and per later turn.
FIRST_ROWS = 200
MORE_ROWS = 1000
DETAIL_PICTURE = QSize(256, 144)  # fits the detail pane at the smallest window


#: The instructor's round picture beside their name; a reviewer's beside their review.
INSTRUCTOR_PICTURE = 24
REVIEWER_PICTURE = 20


def load_thumbnails(paths: dict[uuid.UUID, Path]) -> dict[uuid.UUID, QImage]:
    """Decode and scale course pictures. Blocking (disk and decoding): call on the io lane;
    QImage, unlike QPixmap, may be made off the UI thread."""
    images = {}
    for asset, path in paths.items():
        image = QImage(str(path))
        if not image.isNull():
            images[asset] = image.scaled(
                DETAIL_PICTURE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
    return images


class CourseDetail(QFrame):
    buy_requested = Signal(object)  # CourseSummary
    enroll_requested = Signal(object)  # CourseSummary
    open_requested = Signal(object)  # CourseSummary: go to it in My learning
    wishlist_toggled = Signal(object, bool)  # course id, wished
    #: Add to the cart (True), or go to the cart it is in (False).
    cart_requested = Signal(object, bool)  # CourseSummary, add
    preview_requested = Signal(object, object)  # course id, lesson id
    rate_requested = Signal(object)  # CourseSummary
    helpful_requested = Signal(object, bool)  # review id, helpful (False: take it back)
    report_review_requested = Signal(object)  # review id

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.course: CourseSummary | None = None
        self._online = True
        self._waiting = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 20)
        layout.setSpacing(8)
        self.picture = QLabel()
        self.picture.setFixedSize(DETAIL_PICTURE)
        self.picture.setScaledContents(False)
        self.picture.hide()
        layout.addWidget(self.picture)
        self.title = QLabel()
        self.title.setObjectName("courseTitle")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)
        self.instructor = QLabel()
        self.instructor.setObjectName("pageSubtitle")
        self.instructor.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setObjectName("pageSubtitle")
        self.facts.setWordWrap(True)
        self.wish = QPushButton("♡ Wishlist")
        self.wish.setCheckable(True)
        self.wish.setToolTip("Keep this course on your wishlist (works offline)")
        self.wish.clicked.connect(self._wish)
        self.rate = QPushButton("Rate this course…")
        self.rate.clicked.connect(self._rate)
        self.curriculum = QTreeWidget()
        self.curriculum.setHeaderHidden(True)
        self.curriculum.setObjectName("outline")
        self.curriculum.setMinimumHeight(160)
        self.curriculum.itemActivated.connect(self._preview)
        self.curriculum.itemDoubleClicked.connect(self._preview)
        self.reviews = QLabel()
        self.reviews.setWordWrap(True)
        self.reviews.setTextFormat(Qt.TextFormat.RichText)
        self.reviews.linkActivated.connect(self._review_link)
        self._details: CourseDetails | None = None
        self._review_pictures: dict[uuid.UUID, Path] = {}

        buy_row = QHBoxLayout()
        self.price = QLabel()
        self.price.setObjectName("price")
        self.action = QPushButton()
        self.action.setObjectName("primary")
        self.action.setMinimumWidth(140)
        self.action.clicked.connect(self.act)
        self.price.setTextFormat(Qt.TextFormat.RichText)
        self.cart = QPushButton("Add to car&t")
        self.cart.setToolTip("Buy it later with other courses, in one order (works offline)")
        self.cart.clicked.connect(self._cart)
        buy_row.addWidget(self.price)
        buy_row.addStretch(1)
        buy_row.addWidget(self.action)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("pageSubtitle")

        self.description = QLabel()
        self.description.setTextFormat(Qt.TextFormat.MarkdownText)
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.instructor_picture = QLabel()
        self.instructor_picture.setFixedSize(INSTRUCTOR_PICTURE, INSTRUCTOR_PICTURE)
        self.instructor_picture.hide()
        instructor_row = QHBoxLayout()
        instructor_row.setSpacing(6)
        instructor_row.addWidget(self.instructor_picture)
        instructor_row.addWidget(self.instructor, 1)
        for widget in (self.title, self.subtitle):
            layout.addWidget(widget)
        layout.addLayout(instructor_row)
        layout.addWidget(self.facts)
        actions = QHBoxLayout()
        actions.addWidget(self.wish)
        # Beside the wishlist, not the Buy button: the narrow window has no room there.
        actions.addWidget(self.cart)
        actions.addWidget(self.rate)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addSpacing(10)
        layout.addLayout(buy_row)
        layout.addWidget(self.note)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setObjectName("divider")
        layout.addSpacing(6)
        layout.addWidget(line)
        layout.addWidget(self.description)
        layout.addWidget(_section_title("Curriculum"))
        self.preview_hint = QLabel(
            "Lessons marked ▶ Preview can be watched before enrolling (double-click)."
        )
        self.preview_hint.setObjectName("pageSubtitle")
        self.preview_hint.setWordWrap(True)
        layout.addWidget(self.preview_hint)
        layout.addWidget(self.curriculum)
        layout.addWidget(_section_title("Ratings and reviews"))
        layout.addWidget(self.reviews)
        layout.addStretch(1)
        self.show_course(None)

    def show_instructor_picture(self, course_id: uuid.UUID, image: QImage | None) -> None:
        if self.course is None or self.course.id != course_id or image is None:
            return
        self.instructor_picture.setPixmap(QPixmap.fromImage(image))
        self.instructor_picture.show()

    def show_course(self, course: CourseSummary | None, *, waiting: bool = False) -> None:
        self.course, self._waiting = course, waiting
        self.setVisible(course is not None)
        if course is None:
            return
        self.title.setText(course.title)
        self.picture.hide()
        self.subtitle.setText(course.subtitle)
        self.subtitle.setVisible(bool(course.subtitle))
        self.instructor.setText(f"by {course.instructor}" if course.instructor else "")
        self.instructor_picture.hide()  # until the picture for this course is loaded
        self.price.setText(
            price_html(course.price_text, course.list_price_text if course.on_sale else None)
        )
        if course.on_sale and course.sale_ends_at is not None:
            self.price.setToolTip(
                f"On sale until {course.sale_ends_at.astimezone():%d %b %Y %H:%M}"
            )
        else:
            self.price.setToolTip("")
        paid = course.price_cents > 0 and not course.enrolled
        self.cart.setVisible(paid)
        self.cart.setText("In your cart ✓" if course.in_cart else "Add to car&t")
        level = course.level.value.replace("_", " ").capitalize()
        facts = (course.rating_text, course.category, level, course.language_code.upper())
        self.facts.setText(" · ".join(fact for fact in facts if fact))
        self.wish.setChecked(course.wishlisted)
        self.wish.setText("♥ On your wishlist" if course.wishlisted else "♡ Wishlist")
        self.wish.setVisible(not course.enrolled)
        self.rate.setVisible(course.enrolled)
        self.description.setText(course.description or "_No description yet._")
        self.curriculum.clear()
        self._details = None  # the previous course's reviews never show under this one
        self.reviews.setText("")
        self._refresh_action()

    def show_details(self, details: CourseDetails) -> None:
        """The curriculum and reviews, loaded after the summary."""
        if self.course is None or details.summary.id != self.course.id:
            return
        self.curriculum.clear()
        for section, lessons in details.curriculum:
            parent = QTreeWidgetItem([section])
            self.curriculum.addTopLevelItem(parent)
            for lesson in lessons:
                length = f" · {clock(lesson.duration_seconds)}" if lesson.duration_seconds else ""
                preview = "   ▶ Preview" if lesson.is_preview else ""
                item = QTreeWidgetItem([f"{lesson.title}{length}{preview}"])
                if lesson.is_preview or details.summary.enrolled:
                    item.setData(0, Qt.ItemDataRole.UserRole, lesson.id)
                parent.addChild(item)
        self.curriculum.expandAll()
        self._details = details
        self._show_reviews()
        self.rate.setText("Change your rating…" if details.my_rating else "Rate this course…")

    def show_review_pictures(self, course_id: uuid.UUID, pictures: dict[uuid.UUID, Path]) -> None:
        """Reviewers' pictures, once they are on disk (fetched after the reviews are shown)."""
        if self.course is not None and self.course.id == course_id and pictures:
            self._review_pictures.update(pictures)
            self._show_reviews()

    def _show_reviews(self) -> None:
        details = self._details
        if details is None or not details.reviews:
            self.reviews.setText("No reviews yet.")
            return
        parts = []
        for r in details.reviews:
            picture = (
                self._review_pictures.get(r.reviewer_avatar_id) if r.reviewer_avatar_id else None
            )
            face = (
                f"<img src='{QUrl.fromLocalFile(str(picture)).toString()}' "
                f"width='{REVIEWER_PICTURE}' height='{REVIEWER_PICTURE}' align='middle'> "
                if picture
                else ""
            )
            who = "you" if r.mine else escape(r.reviewer or "a student")
            parts.append(
                f"<p>{face}<b>{'★' * r.rating}{'☆' * (5 - r.rating)} {escape(r.title)}</b>"
                f" <span style='color:{MUTED}'>by {who}</span><br>{escape(r.body)}"
                f"<br>{self._review_actions(r, details.summary.enrolled)}</p>"
            )
        self.reviews.setText("".join(parts))

    @staticmethod
    def _review_actions(review: Review, enrolled: bool) -> str:
        """Helpful (students of the course, never on their own review) and Report, as links."""
        count = f"{review.helpful} found this helpful" if review.helpful else ""
        links = []
        if review.id is not None and not review.mine:
            if enrolled:
                word = "Helpful (yours; take back)" if review.voted_helpful else "Helpful"
                verb = "unhelpful" if review.voted_helpful else "helpful"
                links.append(f"<a href='{verb}:{review.id}'>{word}</a>")
            links.append(f"<a href='report:{review.id}'>Report</a>")
        shown = [f"<span style='color:{MUTED}'>{count}</span>"] if count else []
        return " · ".join(shown + links)

    def _review_link(self, link: str) -> None:
        action, _, review = link.partition(":")
        if action in ("helpful", "unhelpful"):
            self.helpful_requested.emit(uuid.UUID(review), action == "helpful")
        elif action == "report":
            self.report_review_requested.emit(uuid.UUID(review))

    def _rate(self) -> None:
        if self.course is not None:
            self.rate_requested.emit(self.course)

    def _wish(self) -> None:
        if self.course is not None:
            wished = self.wish.isChecked()
            self.wish.setText("♥ On your wishlist" if wished else "♡ Wishlist")
            self.wishlist_toggled.emit(self.course.id, wished)

    def _cart(self) -> None:
        if self.course is not None:
            self.cart_requested.emit(self.course, not self.course.in_cart)

    def _preview(self, item: QTreeWidgetItem) -> None:
        lesson_id = item.data(0, Qt.ItemDataRole.UserRole)
        if lesson_id is not None and self.course is not None:
            self.preview_requested.emit(self.course.id, lesson_id)

    def set_online(self, online: bool) -> None:
        self._online = online
        self._refresh_action()

    def show_note(self, text: str, *, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setObjectName("errorText" if error else "pageSubtitle")
        self.note.style().polish(self.note)
        self.note.setVisible(bool(text))

    def _refresh_action(self) -> None:
        course = self.course
        if course is None:
            return
        if course.enrolled:
            self.action.setText("Go to My learning")
            note = "You are enrolled: this course is in My learning."
        elif self._waiting:
            self.action.setText("Waiting for payment…")
            note = "Finish the payment in your browser; this page updates when it is confirmed."
        elif course.price_cents == 0:
            self.action.setText("&Enroll for free")
            note = "" if self._online else "Enrolling needs a connection to the server."
        else:
            self.action.setText(f"&Buy for {course.price_text}")
            note = (
                ""
                if self._online
                else ("You are offline. Paying needs a connection; nothing is queued.")
            )
        self.show_note(note)

    def act(self) -> None:
        course = self.course
        if course is None:
            return
        if course.enrolled:
            self.open_requested.emit(course)
        elif course.price_cents == 0:
            self.enroll_requested.emit(course)
        else:
            self.buy_requested.emit(course)


class CatalogPage(QWidget):
    #: The search or a filter changed (CatalogQuery).
    query_changed = Signal(object)
    #: A course was selected (CourseSummary): its curriculum and reviews are wanted.
    course_selected = Signal(object)
    #: A person picked a course to look at (not the list redrawn after a sync or a search):
    #: what the instructors' reports count as a detail view.
    course_viewed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.title = "Catalog"
        self._courses: list[CourseSummary] = []
        self._waiting: set[uuid.UUID] = set()
        self._redrawing = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(heading(*CATALOG_HEADING))
        layout.addSpacing(12)
        layout.addLayout(self._filter_bar())
        layout.addSpacing(8)

        #: Bumped by each show_courses: a fill still adding rows of an older list stops.
        self._filling = 0
        self.items = QListWidget()
        self.items.setObjectName("courseList")
        self.items.currentRowChanged.connect(self._selected)
        self.items.setIconSize(LIST_ICON)
        self.items.setMinimumWidth(200)
        self.items.setWordWrap(True)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Laid out a hundred rows per turn of the event loop: a thousand word-wrapped rows at
        # once held the window for 36 ms, ten thousand for 300 ms.
        self.items.setLayoutMode(QListView.LayoutMode.Batched)
        self.items.setBatchSize(100)
        self._pictures: dict[uuid.UUID, QPixmap] = {}
        self.detail = CourseDetail()
        scroll = scrolling(self.detail)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.items)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self.empty_state = QLabel(NO_COURSES)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_state, 1)
        self.show_courses([])

    def _filter_bar(self) -> QGridLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles and descriptions (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self.search.setFocus)
        self.category = _combo("All categories")
        self.level = _combo("Any level")
        for level in (CourseLevel.BEGINNER, CourseLevel.INTERMEDIATE, CourseLevel.ADVANCED):
            # "All levels" courses suit every level: they show under each of these.
            self.level.addItem(level.value.capitalize(), level.value)
        self.language = _combo("All languages")
        self.price = _combo("Free and paid")
        self.price.addItem("Free", Price.FREE)
        self.price.addItem("Paid", Price.PAID)
        self.sort = QComboBox()
        for sort in Sort:
            self.sort.addItem(f"Sort: {sort.value}", sort)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(lambda: self.query_changed.emit(self.query()))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        # Two rows: the search gets the width it needs to be read, the filters share the next.
        bar = QGridLayout()
        bar.addWidget(self.search, 0, 0, 1, 3)
        bar.addWidget(self.sort, 0, 3)
        for column, combo in enumerate((self.category, self.level, self.language, self.price)):
            bar.addWidget(combo, 1, column)
            bar.setColumnStretch(column, 1)
        for combo in (self.category, self.level, self.language, self.price, self.sort):
            combo.currentIndexChanged.connect(lambda _i: self.query_changed.emit(self.query()))
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        return bar

    def query(self) -> CatalogQuery:
        # The combos carry plain strings (Qt compares them reliably when the list is rebuilt);
        # turn them into members and ids again.
        level = self.level.currentData()
        category = self.category.currentData()
        return CatalogQuery(
            text=self.search.text().strip(),
            category_id=uuid.UUID(category) if category else None,
            level=CourseLevel(level) if level else None,
            language=self.language.currentData(),
            price=Price(self.price.currentData() or Price.ANY),
            sort=Sort(self.sort.currentData()),
        )

    def show_facets(self, facets: Facets) -> None:
        """The categories and languages the courses on this computer use."""
        languages = [(code, code.upper()) for code in facets.languages]
        categories = [(str(category_id), name) for category_id, name in facets.categories]
        for combo, values in ((self.category, categories), (self.language, languages)):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, label in values:
                combo.addItem(label, value)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def show_thumbnails(self, pictures: dict[uuid.UUID, QImage]) -> None:
        """Course pictures, decoded and scaled off the UI thread (load_thumbnails), beside
        their courses and at the top of the details."""
        self._pictures |= {asset: QPixmap.fromImage(image) for asset, image in pictures.items()}
        self._show_pictures()

    def _show_pictures(self, from_row: int = 0) -> None:
        by_course = {
            c.id: self._pictures[c.thumbnail_asset_id]
            for c in self._courses
            if c.thumbnail_asset_id in self._pictures
        }
        if by_course:
            blank = QPixmap(LIST_ICON)
            blank.fill(QColor("#e4e9f2"))  # keeps titles aligned beside the ones with pictures
            for row in range(from_row, self.items.count()):
                item = self.items.item(row)
                picture = by_course.get(uuid.UUID(item.data(Qt.ItemDataRole.UserRole)))
                item.setIcon(QIcon(picture if picture is not None else blank))
        course = self.detail.course
        picture = by_course.get(course.id) if course is not None else None
        if picture is not None:
            self.detail.picture.setPixmap(picture)
        self.detail.picture.setVisible(picture is not None)

    def show_courses(self, courses: list[CourseSummary]) -> None:
        """The list at once up to the selected course (and a screenful at least); the rest a
        thousand rows per turn of the event loop (ten thousand at once held the window for
        a tenth of a second)."""
        selected = self.detail.course.id if self.detail.course else None
        self._courses = courses
        self._filling += 1
        self.items.blockSignals(True)
        self.items.clear()
        ids = [c.id for c in courses]
        row = ids.index(selected) if selected in ids else (0 if courses else -1)
        self._add_rows(courses[: max(FIRST_ROWS, row + 1)])
        self.items.blockSignals(False)
        filtered = self.query() != CatalogQuery(sort=self.query().sort)
        self.splitter.setVisible(bool(courses))
        self.empty_state.setText(NO_MATCHES if filtered else NO_COURSES)
        self.empty_state.setVisible(not courses)
        self._redrawing = True
        try:
            self.items.setCurrentRow(row)
            self._selected(row)
        finally:
            self._redrawing = False
        if self.items.count() < len(courses):
            filling = self._filling
            QTimer.singleShot(0, lambda: self._add_more(filling))

    def _add_more(self, filling: int) -> None:
        if filling != self._filling:
            return  # a newer list replaced this one
        start = self.items.count()
        self._add_rows(self._courses[start : start + MORE_ROWS])
        if self._pictures:
            self._show_pictures(from_row=start)
        if self.items.count() < len(self._courses):
            QTimer.singleShot(0, lambda: self._add_more(filling))

    def _add_rows(self, courses: list[CourseSummary]) -> None:
        for course in courses:
            by = f" · {course.instructor}" if course.instructor else ""
            mark = "  ✓ Enrolled" if course.enrolled else ("  ♥" if course.wishlisted else "")
            stars = f" · ★ {course.rating_average:.1f}" if course.rating_count else ""
            price = course.price_text
            if course.on_sale:
                price = f"{price}, on sale (was {course.list_price_text})"
            item = QListWidgetItem(f"{course.title}{mark}\n{price}{by}{stars}")
            item.setData(Qt.ItemDataRole.UserRole, str(course.id))
            self.items.addItem(item)

    @property
    def courses(self) -> list[CourseSummary]:
        return list(self._courses)

    def select(self, course_id: uuid.UUID) -> None:
        ids = [c.id for c in self._courses]
        if course_id in ids:
            row = ids.index(course_id)
            if row >= self.items.count():  # not added yet: add the rows up to it now
                start = self.items.count()
                self._add_rows(self._courses[start : row + 1])
                self._show_pictures(from_row=start)
            self.items.setCurrentRow(row)

    def enroll_in(self, course_id: uuid.UUID) -> bool:
        """Show the course and press its Buy / Enroll button (from a locked lesson of it).
        False when the course is not in the list (then nothing is bought)."""
        self.select(course_id)
        detail = self.detail
        if detail.course is None or detail.course.id != course_id:
            return False
        if not detail.course.enrolled and detail.action.isEnabled():
            detail.act()
        return True

    def set_waiting(self, course_ids: set[uuid.UUID]) -> None:
        self._waiting = set(course_ids)
        self._selected(self.items.currentRow())

    def _selected(self, row: int) -> None:
        course = self._courses[row] if 0 <= row < len(self._courses) else None
        self.detail.show_course(course, waiting=course is not None and course.id in self._waiting)
        if self._pictures:
            self._show_pictures()
        if course is not None:
            self.course_selected.emit(course)
            if not self._redrawing:
                self.course_viewed.emit(course)


NO_COURSES = "No courses on this computer yet: they arrive with the first sync."
NO_MATCHES = "No course matches this search and these filters."


def _combo(everything: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(everything, None)
    return combo


def _section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("cardTitle")
    return label
