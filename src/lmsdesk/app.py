"""`lmsdesk`: the composition root. The only place concrete collaborators are built."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsdesk import __version__

if TYPE_CHECKING:
    import httpx
    from PySide6.QtWidgets import QApplication

    from lmsdesk.config import ClientSettings
    from lmsdesk.services.session import SessionService
    from lmsdesk.sync.token_store import TokenStore
    from lmsdesk.ui.account_controller import AccountController
    from lmsdesk.ui.admin_controller import AdminController
    from lmsdesk.ui.authoring_controller import AuthoringController
    from lmsdesk.ui.cart_controller import CartController
    from lmsdesk.ui.catalog_controller import CatalogController
    from lmsdesk.ui.community_controller import CommunityController
    from lmsdesk.ui.download_controller import DownloadController
    from lmsdesk.ui.grading_controller import GradingController
    from lmsdesk.ui.insights_controller import InsightsController
    from lmsdesk.ui.learning_controller import LearningController
    from lmsdesk.ui.links import LinkOpener, LinkServer
    from lmsdesk.ui.main_window import MainWindow
    from lmsdesk.ui.moderation_controller import ModerationController
    from lmsdesk.ui.offers_controller import OffersController
    from lmsdesk.ui.plan_controller import PlanController
    from lmsdesk.ui.prerequisites_dialog import PrerequisitesController
    from lmsdesk.ui.purchase_controller import PurchaseController
    from lmsdesk.ui.reports_controller import ReportsController
    from lmsdesk.ui.schedule_controller import ScheduleController
    from lmsdesk.ui.session_controller import SessionController
    from lmsdesk.ui.start_window import StartWindow
    from lmsdesk.ui.sync_controller import SyncController
    from lmsdesk.ui.tasks import TaskManager

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lmsdesk", description="LMSDesk, learning offline.")
    parser.add_argument("--version", action="version", version=f"lmsdesk {__version__}")
    parser.add_argument("--server", help="server URL to offer at sign-in (LMSDESK_SERVER_URL)")
    parser.add_argument(
        "link",
        nargs="?",
        help="an lmsdesk://course/<id> link to open (a running app receives it)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="say whether this installation can play video, then exit",
    )
    return parser.parse_args(argv)


def check_installation() -> int:
    """`lmsdesk --check`: what a support request needs first (is the video player there?)."""
    from lmsdesk.player.vlc_player import PlayerUnavailable, libvlc_version

    print(f"lmsdesk {__version__}")
    try:
        version = libvlc_version()
    except PlayerUnavailable as exc:
        print(f"video: not available: {exc.message}")
        return 1
    print(f"video: libvlc {version}")
    return 0


@dataclass
class Application:
    """Everything the running client is made of, for the entry point and for tests."""

    qt_app: QApplication
    window: MainWindow
    controller: SessionController
    session: SessionService
    sync: SyncController
    tasks: TaskManager
    http: httpx.Client
    purchases: PurchaseController
    downloads: DownloadController
    learning: LearningController
    authoring: AuthoringController
    moderation: ModerationController
    account: AccountController
    admin: AdminController
    community: CommunityController
    reports: ReportsController
    catalog: CatalogController
    cart: CartController
    offers: OffersController
    plan: PlanController
    grading: GradingController
    insights: InsightsController
    #: lmsdesk:// links: opened in the catalog; received from later starts of the app.
    links: LinkOpener
    link_server: LinkServer
    schedule: ScheduleController
    prerequisites: PrerequisitesController

    def shutdown(self) -> None:
        self.learning.leave()  # the video saves its position before the lanes drain
        self.downloads.stop()
        self.authoring.stop_uploads()  # the file in flight stops between chunks, kept to resume
        self.tasks.shutdown()
        self.http.close()
        self.link_server.close()


def build(
    settings: ClientSettings,
    *,
    token_store_factory: Callable[[], TokenStore] | None = None,
    player_instance: Callable[[], Any] | None = None,
) -> Application:
    # Qt and the rest are imported here, not at module level, so `lmsdesk --version` is instant.
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QApplication

    from lmsdesk.contracts.common import Role
    from lmsdesk.player.vlc_player import create_instance
    from lmsdesk.services.account import AccountService
    from lmsdesk.services.admin_console import AdminConsole
    from lmsdesk.services.assignments import AssignmentService
    from lmsdesk.services.authoring import AuthoringService
    from lmsdesk.services.avatars import AvatarCache
    from lmsdesk.services.cart import CartService
    from lmsdesk.services.catalog import CatalogService
    from lmsdesk.services.community import CommunityService
    from lmsdesk.services.curriculum import CurriculumService
    from lmsdesk.services.grading import GradingService
    from lmsdesk.services.insights import InsightsService
    from lmsdesk.services.learning import LearningService
    from lmsdesk.services.lesson_content import LessonContentService
    from lmsdesk.services.moderation import ModerationService
    from lmsdesk.services.offers import OffersService
    from lmsdesk.services.purchases import PurchaseService
    from lmsdesk.services.quizzes import QuizService
    from lmsdesk.services.schedule import ScheduleService, viewer_zone
    from lmsdesk.services.session import SessionService, SessionSnapshot
    from lmsdesk.services.subscription import SubscriptionService
    from lmsdesk.services.sync_overview import SyncService
    from lmsdesk.services.thumbnails import ThumbnailCache
    from lmsdesk.services.uploads import UploadService
    from lmsdesk.sync.api_client import ApiClient, new_http_client
    from lmsdesk.sync.token_store import default_token_store
    from lmsdesk.ui.account_controller import AccountController
    from lmsdesk.ui.admin_controller import AdminController
    from lmsdesk.ui.authoring_controller import AuthoringController
    from lmsdesk.ui.cart_controller import CartController
    from lmsdesk.ui.catalog_controller import CatalogController
    from lmsdesk.ui.changes import (
        AUTHORING_TABLES,
        CART_TABLES,
        CATALOG_TABLES,
        COMMUNITY_TABLES,
        GRADING_TABLES,
        MODERATION_TABLES,
        MY_LEARNING_TABLES,
        PLAN_TABLES,
        SCHEDULE_TABLES,
        when_changed,
    )
    from lmsdesk.ui.community_controller import CommunityController
    from lmsdesk.ui.download_controller import DownloadController
    from lmsdesk.ui.garbage import MainThreadGarbageCollector
    from lmsdesk.ui.grading_controller import GradingController
    from lmsdesk.ui.insights_controller import InsightsController
    from lmsdesk.ui.learning_controller import LearningController
    from lmsdesk.ui.links import LinkOpener, LinkServer, instance_name
    from lmsdesk.ui.main_window import MainWindow
    from lmsdesk.ui.moderation_controller import ModerationController
    from lmsdesk.ui.offers_controller import OffersController
    from lmsdesk.ui.plan_controller import PlanController
    from lmsdesk.ui.prerequisites_dialog import PrerequisitesController
    from lmsdesk.ui.purchase_controller import PurchaseController
    from lmsdesk.ui.reports_controller import ReportsController
    from lmsdesk.ui.schedule_controller import ScheduleController
    from lmsdesk.ui.session_controller import SessionController
    from lmsdesk.ui.sync_controller import SyncController
    from lmsdesk.ui.sync_presenter import SyncPresenter
    from lmsdesk.ui.tasks import TaskManager
    from lmsdesk.ui.theme import apply_theme
    from lmsdesk.ui.times import set_viewer_zone

    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qt_app.setApplicationName("LMSDesk")
    qt_app.setApplicationVersion(__version__)
    apply_theme(qt_app)
    if qt_app.findChild(MainThreadGarbageCollector) is None:
        MainThreadGarbageCollector(qt_app)

    http = new_http_client()
    tokens = token_store_factory or (lambda: default_token_store(settings.data_dir / "credentials"))
    service = SessionService(
        data_dir=settings.data_dir,
        api_for=lambda url: ApiClient(url, http),
        token_store=tokens,
    )
    tasks = TaskManager()
    window = MainWindow(server_url=settings.server_url)
    controller = SessionController(
        service=service, tasks=tasks, window=window, default_server_url=settings.server_url
    )
    account = AccountController(
        service=AccountService(service, lambda url: ApiClient(url, http)),
        avatars=AvatarCache(service),
        sessions=controller,
        tasks=tasks,
        window=window,
    )
    sync_service = SyncService(service)
    sync = SyncController(service=sync_service, tasks=tasks, parent=window)
    SyncPresenter(window=window, controller=sync, service=sync_service, tasks=tasks)
    controller.signed_out.connect(sync.stop)
    controller.reconnected.connect(sync.sync_if_allowed)
    controller.sync_requested.connect(sync.sync_now)
    window.check_connection_requested.connect(sync.sync_now)
    window.closing.connect(sync.stop)
    schedule = ScheduleService(service)
    purchases = PurchaseController(
        service=PurchaseService(service), tasks=tasks, window=window, sync=sync, schedule=schedule
    )
    controller.signed_in.connect(lambda _snapshot: purchases.resume_pending())
    controller.signed_out.connect(purchases.stop)
    downloads = DownloadController(service, tasks, parent=window)
    uploads = UploadService(service)
    assignments = AssignmentService(service, uploads)
    learning = LearningController(
        window=window,
        service=LearningService(service),
        tasks=tasks,
        downloads=downloads,
        quizzes=QuizService(service),
        assignments=assignments,
        schedule=schedule,
        player_instance=player_instance or create_instance,
    )
    catalog = CatalogController(
        window=window,
        service=CatalogService(service),
        tasks=tasks,
        open_lesson=lambda course, lesson: learning.open_course(
            course, lesson, return_to="Catalog"
        ),
        thumbnails=ThumbnailCache(service),
        avatars=AvatarCache(service),
        community=CommunityService(service),
    )
    controller.signed_in.connect(lambda _snapshot: catalog.refresh())  # offline start too
    cart = CartController(
        service=CartService(service),
        tasks=tasks,
        window=window,
        purchases=purchases,
        catalog_changed=catalog.refresh,
    )
    controller.signed_in.connect(lambda _snapshot: cart.refresh())
    plan = PlanController(
        service=SubscriptionService(service),
        tasks=tasks,
        card=window.purchases_page.plan,
        open_url=QDesktopServices.openUrl,
    )
    controller.signed_in.connect(lambda _snapshot: plan.refresh())
    sync.finished.connect(when_changed(PLAN_TABLES, plan.refresh))
    offers = OffersController(
        service=OffersService(service), tasks=tasks, parent=window, notify=window.notify
    )
    window.authoring_page.offers_requested.connect(offers.open)
    sync.finished.connect(when_changed(CART_TABLES, cart.refresh))

    def raise_window() -> None:
        window.showNormal() if window.isMinimized() else window.show()
        window.raise_()
        window.activateWindow()

    links = LinkOpener(
        select=lambda course_id: _show_course(window, course_id),
        buy=window.catalog_page.enroll_in,
        go_to_catalog=lambda: window.go_to_page("Catalog"),
        notify=window.notify,
        raise_window=raise_window,
    )
    window.courses_shown.connect(links.retry)  # a course that arrived with a sync
    link_server = LinkServer(instance_name(settings.data_dir), window)
    link_server.received.connect(links.open)
    if not link_server.listen():
        logging.getLogger(__name__).warning("another LMSDesk uses %s", settings.data_dir)

    def enroll_from_lesson(course_id: uuid.UUID) -> None:  # a locked lesson's Buy / Enroll
        learning.leave()
        window.go_to_page("Catalog")
        window.catalog_page.enroll_in(course_id)

    window.lesson_page.enroll_requested.connect(enroll_from_lesson)
    sync.finished.connect(when_changed(CATALOG_TABLES, catalog.refresh))
    controller.signed_in.connect(lambda _snapshot: learning.refresh())
    controller.signed_in.connect(lambda _snapshot: downloads.start())  # resume queued files
    controller.reconnected.connect(downloads.start)
    controller.signed_out.connect(downloads.stop)
    sync.finished.connect(when_changed(MY_LEARNING_TABLES, learning.refresh))
    authoring = AuthoringController(
        page=window.authoring_page,
        service=AuthoringService(service),
        curriculum=CurriculumService(service),
        lessons=LessonContentService(service),
        uploads=uploads,
        tasks=tasks,
        open_preview=lambda course: learning.open_course(course, return_to="Authoring"),
        notify=window.notify,
    )
    # The course editor's schedule (cohorts, weeks) and a lesson's prerequisites.
    editor = window.authoring_page.editor
    schedule_editor = ScheduleController(schedule, tasks, window)
    editor.schedule_requested.connect(schedule_editor.open)
    prerequisites = PrerequisitesController(
        schedule,
        tasks,
        editor.lesson,
        lambda: editor.draft.sections if editor.draft is not None else (),
        window,
    )
    editor.lesson_selected.connect(prerequisites.show)
    controller.signed_in.connect(lambda _snapshot: authoring.refresh())
    controller.signed_in.connect(lambda _snapshot: authoring.start_uploads())
    controller.reconnected.connect(authoring.start_uploads)
    sync.finished.connect(when_changed(AUTHORING_TABLES, authoring.refresh))
    sync.finished.connect(lambda *_: authoring.start_uploads())
    # A student's work with a file: the uploader sends the file, then the submission.
    learning.assignment.uploads_needed.connect(authoring.start_uploads)
    authoring.upload_progress.connect(learning.assignment.show_upload)
    authoring.uploads_finished.connect(learning.assignment.reload)
    sync.finished.connect(when_changed(GRADING_TABLES, learning.assignment.reload))
    sync.finished.connect(when_changed(GRADING_TABLES, learning.reload_outline))
    # A cohort's calendar: a moved week, a week's lessons arriving, prerequisites changed.
    learning.sync_now = sync.sync_now
    sync.finished.connect(when_changed(SCHEDULE_TABLES, learning.reload_outline))

    def viewer_zone_from(snapshot: SessionSnapshot) -> None:
        account = snapshot.account
        set_viewer_zone(viewer_zone(account.timezone if account is not None else None))

    controller.signed_in.connect(viewer_zone_from)

    def tell_grades() -> None:  # "Your work for ... was graded: 17 / 20."
        def show(news: list[str]) -> None:
            for line in news:
                window.notify(line)

        tasks.run(assignments.new_grades, on_success=show)

    sync.finished.connect(when_changed(GRADING_TABLES, tell_grades))
    moderation = ModerationController(
        page=window.moderation_page,
        service=ModerationService(service),
        tasks=tasks,
        open_preview=lambda course: learning.open_course(course, return_to="Moderation"),
        notify=window.notify,
    )
    controller.signed_in.connect(lambda _snapshot: moderation.refresh())
    sync.finished.connect(when_changed(MODERATION_TABLES, moderation.refresh))
    reports = ReportsController(
        page=window.moderation_page,
        service=CommunityService(service),
        tasks=tasks,
        notify=window.notify,
    )
    admin = AdminController(
        page=window.admin_page,
        service=AdminConsole(service),
        tasks=tasks,
        sync_now=sync.sync_now,
        notify=window.notify,
    )

    def refresh_admin(*_args: object) -> None:
        current = service.current
        if current is not None and current.profile.has(Role.ADMIN):
            admin.refresh()
            reports.refresh()

    controller.signed_in.connect(refresh_admin)
    sync.finished.connect(refresh_admin)  # waiting decisions settle or come back refused
    grading = GradingController(
        page=window.grading_page,
        service=GradingService(service),
        tasks=tasks,
        notify=window.notify,
        set_badge=lambda count: window.set_badge("Grading", count),
    )

    def refresh_grading(*_args: object) -> None:
        current = service.current
        if current is not None and current.profile.has(Role.INSTRUCTOR):
            grading.refresh()

    controller.signed_in.connect(refresh_grading)
    sync.finished.connect(refresh_grading)  # new work arrives, grades given here settle
    insights = InsightsController(
        page=window.insights_page,
        overview=window.admin_page.overview,
        service=InsightsService(service),
        tasks=tasks,
        notify=window.notify,
    )

    def refresh_reports(*_args: object) -> None:
        """Whichever report is on screen, fetched again (after a sync, or when opened)."""
        if service.current is None:
            return
        if window.pages.currentWidget() is window.insights_page:
            insights.refresh()
        admin_page = window.admin_page
        if admin_page.isVisible() and admin_page.tabs.currentWidget() is admin_page.overview:
            insights.load_overview()

    window.pages.currentChanged.connect(refresh_reports)
    window.admin_page.tabs.currentChanged.connect(refresh_reports)
    sync.finished.connect(refresh_reports)
    community = CommunityController(
        page=window.community_page,
        service=CommunityService(service),
        tasks=tasks,
        open_lesson=lambda course, lesson, second: learning.open_course(
            course, lesson, return_to="Community", at_second=second
        ),
        show_count=lambda count: window.set_badge("Community", count),
        show_notices=window.my_learning_page.show_notices,
        notify=window.notify,
        is_online=lambda: window.online,
    )
    controller.signed_in.connect(lambda _snapshot: community.refresh())
    sync.finished.connect(when_changed(COMMUNITY_TABLES, community.refresh))

    def community_shown(_index: int) -> None:
        if window.pages.currentWidget() is window.community_page:
            community.page_shown()

    window.pages.currentChanged.connect(community_shown)

    def lesson_questions() -> None:
        lesson = learning.lesson
        if lesson is not None:
            learning.leave()
            window.go_to_page("Community")
            community.show_lesson_questions(lesson.course_id, lesson.id, lesson.title)

    def ask_about_lesson() -> None:
        lesson = learning.lesson
        if lesson is not None:
            community.ask_about_lesson(
                lesson.course_id, lesson.id, lesson.title, learning.current_second()
            )

    def course_community(course_id: uuid.UUID) -> None:
        window.go_to_page("Community")
        community.open_course(course_id)

    window.my_learning_page.community_requested.connect(course_community)
    window.lesson_page.questions_requested.connect(lesson_questions)
    window.lesson_page.ask_requested.connect(ask_about_lesson)
    window.closing.connect(downloads.stop)
    # Last of what a sign-in starts: the pages' reads of the local store queue on the database
    # lane before the first sync, which may wait on a slow or hung server.
    controller.signed_in.connect(lambda _snapshot: sync.start())
    return Application(
        qt_app=qt_app,
        window=window,
        controller=controller,
        session=service,
        sync=sync,
        tasks=tasks,
        http=http,
        purchases=purchases,
        downloads=downloads,
        learning=learning,
        authoring=authoring,
        moderation=moderation,
        account=account,
        admin=admin,
        community=community,
        reports=reports,
        catalog=catalog,
        cart=cart,
        offers=offers,
        plan=plan,
        grading=grading,
        insights=insights,
        links=links,
        link_server=link_server,
        schedule=schedule_editor,
        prerequisites=prerequisites,
    )


def _show_course(window: MainWindow, course_id: uuid.UUID) -> bool:
    """The course selected in the catalog (False when the list does not hold it)."""
    page = window.catalog_page
    page.select(course_id)
    shown = page.detail.course
    return shown is not None and shown.id == course_id


def _leave_quietly_while_starting() -> None:
    """SIGTERM or Ctrl+C before the app is up (a logout during a slow start): nothing is open
    or queued yet, so a plain exit; `_quit_on_signals` takes over once the app exists."""
    import signal

    def leave(*_: object) -> None:
        # Not SystemExit: raised inside a Qt call (the start window is painting) it would be
        # swallowed and the app would go on starting with no one to quit it.
        os._exit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, leave)


def _quit_on_signals(app: Application) -> None:
    """SIGTERM (session logout, `kill`) and Ctrl+C quit through Qt, so queued writes finish.
    Python runs signal handlers only when it gets control; the timer gives it control."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.qt_app.quit())
    heartbeat = QTimer(app.qt_app)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)


def hand_over(settings: ClientSettings, link: str) -> bool:
    """Give `link` to the LMSDesk already running on this data folder; False if none is."""
    from PySide6.QtWidgets import QApplication

    from lmsdesk.ui.links import instance_name, send_to_running

    if QApplication.instance() is None:
        QApplication(sys.argv[:1])  # QLocalSocket wants one; build() goes on with it
    return send_to_running(instance_name(settings.data_dir), link)


def show_start_window(data_dir: Path | None = None) -> StartWindow | None:
    """The first paint (ui/start_window.py): the stored catalog, in a window drawn before the
    rest of the app is imported or the network is asked anything. None on a first run."""
    from PySide6.QtWidgets import QApplication

    from lmsdesk.local_db.first_paint import stored_catalog
    from lmsdesk.ui.start_window import StartWindow
    from lmsdesk.ui.theme import apply_theme

    if data_dir is None:
        # As ClientSettings reads it (config.py), without its import: pydantic-settings alone
        # takes longer than this whole window.
        import platformdirs

        configured = os.environ.get("LMSDESK_DATA_DIR")
        data_dir = Path(configured or platformdirs.user_data_dir("lmsdesk", appauthor=False))
    courses = stored_catalog(data_dir)
    if courses is None:
        return None
    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    apply_theme(qt_app)
    window = StartWindow(courses)
    window.show()
    for _ in range(3):  # map, expose, paint: before the imports hold this thread
        qt_app.processEvents()
    return window


def favour_the_window() -> None:
    """For `lmsdesk` (and the benchmarks that start it as `lmsdesk` does): the window's thread
    takes the interpreter lock for every Python call Qt makes into the app (a slot, a size
    hint, a paint); while a lane runs Python (a sync, a page's query) each such call waited up
    to the default 5 ms switch interval, and a turn of the event loop with a dozen of them
    stalled the window (106 ms against 66-72 ms at 1 ms, first sync of 1,000 courses). Not in
    build(): the tests run servers in the same process, whose threads it would slow."""
    sys.setswitchinterval(0.001)


def take_over(window: MainWindow, start: StartWindow | None) -> None:
    """Show the app's window where the start window is, then close that."""
    if start is None:
        window.show()
        return
    if start.isMaximized():
        window.showMaximized()
    else:
        window.setGeometry(start.geometry())
        window.show()
    start.close()
    start.deleteLater()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.check:
        return check_installation()
    _leave_quietly_while_starting()
    favour_the_window()
    # Not for a link handed to a running app: that one shows it, this process leaves.
    start = None if args.link else show_start_window()
    from lmsdesk.config import ClientSettings

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # Quiet libraries: one INFO line per HTTP request (a connection check every 30 s, a sync
    # every minute) would bury what the app itself says.
    for noisy in ("alembic", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    overrides = {"server_url": args.server} if args.server else {}
    settings = ClientSettings(**overrides)
    if args.link and hand_over(settings, args.link):
        return 0  # the running app opens it
    app = build(settings)
    _quit_on_signals(app)
    take_over(app.window, start)
    app.controller.start()
    if args.link:
        app.links.open(args.link)
    try:
        code = app.qt_app.exec()
    finally:
        app.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
