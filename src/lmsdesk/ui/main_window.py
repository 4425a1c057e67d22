"""The main window: navigation on the left, the page on the right, and a status bar with the
server, the connection and the signed-in user. It shows state; controllers change it."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.common import Role
from lmsdesk.services.catalog import CourseSummary
from lmsdesk.services.session import SessionSnapshot
from lmsdesk.ui.account_page import AccountPage
from lmsdesk.ui.admin_page import AdminPage
from lmsdesk.ui.authoring_page import AuthoringPage
from lmsdesk.ui.cart_page import CartPage
from lmsdesk.ui.catalog_page import CatalogPage
from lmsdesk.ui.community_page import CommunityPage
from lmsdesk.ui.grading_page import GradingPage
from lmsdesk.ui.insights_page import InsightsPage
from lmsdesk.ui.lesson_page import LessonPage
from lmsdesk.ui.moderation_page import ModerationPage
from lmsdesk.ui.my_learning_page import MyLearningPage
from lmsdesk.ui.pages import NAVIGATION_WIDTH
from lmsdesk.ui.purchases_page import PurchasesPage
from lmsdesk.ui.theme import DANGER, MUTED, OK
from lmsdesk.ui.verify_banner import VerifyEmailBanner

# Which role a page needs; None: every signed-in user.
NAVIGATION: list[tuple[str, Role | None]] = [
    ("Catalog", None),
    ("My learning", None),
    ("Community", None),
    ("Cart", Role.STUDENT),
    ("Purchases", Role.STUDENT),
    ("Authoring", Role.INSTRUCTOR),
    ("Grading", Role.INSTRUCTOR),
    ("Insights", Role.INSTRUCTOR),
    ("Moderation", Role.ADMIN),
    ("Admin", Role.ADMIN),
    ("Account", None),
]


#: The page's name in a navigation item (its text may carry a count).
TITLE_ROLE = Qt.ItemDataRole.UserRole

#: How long "what just happened" stays on screen.
NOTICE_MS = 8000
#: Wide enough for the longest page name; every pixel more is taken from the page at 760 px.


class MainWindow(QMainWindow):
    sign_in_requested = Signal()
    sign_out_requested = Signal()
    check_connection_requested = Signal()
    sync_panel_requested = Signal()
    closing = Signal()
    #: The course lists were redrawn (after a sync, or at sign-in).
    courses_shown = Signal()

    def __init__(self, *, server_url: str) -> None:
        super().__init__()
        self.setWindowTitle("LMSDesk")
        self.resize(1100, 720)
        self.setMinimumSize(760, 480)

        self.account_page = AccountPage()
        self.account_page.sign_in_requested.connect(self.sign_in_requested)
        self.account_page.sign_out_requested.connect(self.sign_out_requested)
        self.catalog_page = CatalogPage()
        self.my_learning_page = MyLearningPage()
        self.lesson_page = LessonPage()
        self.community_page = CommunityPage()
        self.cart_page = CartPage()
        self.purchases_page = PurchasesPage()
        self.authoring_page = AuthoringPage()
        self.grading_page = GradingPage()
        self.insights_page = InsightsPage()
        self.moderation_page = ModerationPage()
        self.admin_page = AdminPage()
        pages = [
            self.catalog_page,
            self.my_learning_page,
            self.community_page,
            self.cart_page,
            self.purchases_page,
            self.authoring_page,
            self.grading_page,
            self.insights_page,
            self.moderation_page,
            self.admin_page,
            self.account_page,
        ]
        self.pages = QStackedWidget()
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(NAVIGATION_WIDTH)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for page, (title, _role) in zip(pages, NAVIGATION, strict=True):
            self.pages.addWidget(page)
            item = QListWidgetItem(title)
            item.setData(TITLE_ROLE, title)
            self.navigation.addItem(item)
        # The lesson page is reached from My learning, not from the navigation.
        self.pages.addWidget(self.lesson_page)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.navigation.itemClicked.connect(
            lambda item: self.pages.setCurrentIndex(self.navigation.row(item))
        )

        self.offline_banner = self._offline_banner()
        self.notice_banner = self._notice_banner()
        self.verify_banner = VerifyEmailBanner()
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.offline_banner)
        right.addWidget(self.notice_banner)
        right.addWidget(self.verify_banner)
        right.addWidget(self.pages, 1)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addLayout(right, 1)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)

        self.server_label = QLabel(server_url)
        self.connection_label = QLabel()
        self.user_label = QLabel()
        self.sync_button = QToolButton()
        self.sync_button.setAutoRaise(True)
        self.sync_button.setToolTip("Sync status and waiting changes (Ctrl+Shift+S)")
        self.sync_button.clicked.connect(self.sync_panel_requested)
        self.sync_button.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedSize(90, 10)
        self.busy.setTextVisible(False)
        self.busy.hide()
        for label in (self.server_label, self.connection_label, self.user_label):
            label.setContentsMargins(6, 0, 6, 0)
        status = self.statusBar()
        status.addWidget(self.server_label)
        status.addWidget(self.connection_label)
        status.addWidget(self.sync_button)
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.user_label)
        self._shortcuts()
        self._signed_in = False
        self.online = False
        self.show_starting()

    # ------------------------------------------------------------------ building
    def _offline_banner(self) -> QFrame:
        banner = QFrame()
        banner.setObjectName("offlineBanner")
        layout = QHBoxLayout(banner)
        layout.setContentsMargins(16, 6, 16, 6)
        self.offline_text = QLabel()
        self.offline_text.setWordWrap(True)
        layout.addWidget(self.offline_text, 1)
        banner.hide()
        return banner

    def _notice_banner(self) -> QFrame:
        """What just happened, said once (submitted, approved, sent back): it goes by itself
        after a few seconds, or with its close button."""
        banner = QFrame()
        banner.setObjectName("noticeBanner")
        layout = QHBoxLayout(banner)
        layout.setContentsMargins(16, 6, 8, 6)
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip("Close")
        close.clicked.connect(banner.hide)
        layout.addWidget(self.notice_text, 1)
        layout.addWidget(close)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(banner.hide)
        banner.hide()
        return banner

    def notify(self, text: str) -> None:
        self.notice_text.setText(text)
        self.notice_banner.show()
        self._notice_timer.start()

    def _shortcuts(self) -> None:
        # Ctrl+N opens the Nth page the user can see (a student's third page is Account);
        # Ctrl+0 the tenth, as in browsers' tab rows.
        for position in range(min(len(NAVIGATION), 10)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{(position + 1) % 10}"), self)
            shortcut.activated.connect(lambda p=position: self.go_to_visible(p))
        QShortcut(QKeySequence("F5"), self).activated.connect(self.check_connection_requested)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self).activated.connect(self.sync_panel_requested)
        QShortcut(QKeySequence.StandardKey.Quit, self).activated.connect(self.close)

    # ------------------------------------------------------------------ state
    def go_to(self, index: int) -> None:
        item = self.navigation.item(index)
        if item is not None and not item.isHidden():
            self.navigation.setCurrentRow(index)
            self.pages.setCurrentIndex(index)  # also when leaving the lesson page

    def go_to_visible(self, position: int) -> None:
        visible = [
            i for i in range(self.navigation.count()) if not self.navigation.item(i).isHidden()
        ]
        if position < len(visible):
            self.navigation.setCurrentRow(visible[position])

    def go_to_page(self, title: str) -> None:
        self.go_to([t for t, _ in NAVIGATION].index(title))

    def visible_pages(self) -> list[str]:
        return [
            self.navigation.item(i).data(TITLE_ROLE)
            for i in range(self.navigation.count())
            if not self.navigation.item(i).isHidden()
        ]

    def set_badge(self, title: str, count: int) -> None:
        """A count beside a page's name in the navigation ("Community (3)"); 0 removes it."""
        item = self.navigation.item([t for t, _ in NAVIGATION].index(title))
        item.setText(f"{title} ({count})" if count else title)
        item.setToolTip(f"{count} new in your courses' communities" if count else "")
        if title == "Cart":
            item.setToolTip(
                f"{count} course{'s' if count != 1 else ''} in your cart" if count else ""
            )

    def show_starting(self) -> None:
        self._set_navigation(roles=None)
        self.connection_label.setText("Connecting…")
        self.user_label.setText("")

    def show_session(self, snapshot: SessionSnapshot) -> None:
        profile = snapshot.profile
        roles = ", ".join(sorted(r.value for r in profile.roles))
        self._set_navigation(roles=profile.roles)
        self.server_label.setText(profile.server_url)
        self.user_label.setText(f"{profile.full_name} ({roles})")
        self.account_page.show_account(
            name=profile.full_name,
            email=profile.email,
            roles=roles,
            server=profile.server_url,
            online=snapshot.online,
            storage=snapshot.token_storage,
            storage_is_os_keyring=snapshot.os_keyring,
            account=snapshot.account,
        )
        self.show_verification(snapshot.profile.email if snapshot.needs_verification else None)
        self.set_online(snapshot.online, last_online=snapshot.last_online_at)
        if not self._signed_in or self.navigation.currentItem().isHidden():
            self.go_to(0)
        self._signed_in = True

    def show_signed_out(self) -> None:
        self._signed_in = False
        self._set_navigation(roles=None)
        self.user_label.setText("Not signed in")
        self.connection_label.setText("")
        self.sync_button.hide()
        self.show_courses([])
        self.offline_banner.hide()
        self.verify_banner.hide()
        self.account_page.show_signed_out()
        self.go_to_page("Account")

    def show_verification(self, email: str | None) -> None:
        """The banner asking to confirm the email, until it is confirmed (None hides it)."""
        if email is None:
            self.verify_banner.hide()
        else:
            self.verify_banner.show_for(email)

    def set_online(self, online: bool, *, last_online: datetime | None = None) -> None:
        self.online = online
        self.catalog_page.detail.set_online(online)
        self.cart_page.set_online(online)
        if online:
            self.connection_label.setText(f"<span style='color:{OK}'>● Online</span>")
            self.offline_banner.hide()
            return
        self.connection_label.setText(f"<span style='color:{MUTED}'>○ Offline</span>")
        local = last_online.astimezone() if last_online else None
        since = f" Last connected {local:%Y-%m-%d %H:%M}." if local else ""
        self.offline_text.setText(
            "You are offline: LMSDesk is working from this computer's copy. "
            f"Your changes are kept and sync when the server is reachable again.{since}"
        )
        self.offline_banner.show()

    def show_sync(self, text: str, *, warning: bool = False) -> None:
        self.sync_button.setText(text)
        self.sync_button.setStyleSheet(f"color: {DANGER};" if warning else "")
        self.sync_button.show()

    def show_courses(self, courses: list[CourseSummary]) -> None:
        self.catalog_page.show_courses(courses)
        self.courses_shown.emit()

    def show_lesson_page(self, under: str = "My learning") -> None:
        """The lesson page, with `under` highlighted in the navigation (where Back goes)."""
        self.go_to_page(under)
        self.pages.setCurrentWidget(self.lesson_page)

    def set_focus_mode(self, on: bool) -> None:
        """Full screen video: navigation and status bar step aside."""
        self.navigation.setVisible(not on)
        self.statusBar().setVisible(not on)

    def set_busy(self, running: int) -> None:
        self.busy.setVisible(running > 0)

    def _set_navigation(self, *, roles: frozenset[Role] | None) -> None:
        for index, (_title, needed) in enumerate(NAVIGATION):
            visible = roles is not None and (needed is None or needed in roles)
            self.navigation.item(index).setHidden(not visible and _title != "Account")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
