"""The Admin page: users (search, roles, suspend, grant, refund), the category tree, archiving
courses, and the audit; with the decisions still waiting to sync or refused by the server.
Layout and display only; AdminController decides."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.admin import AdminUserDetail, AdminUsersPage, AuditPage
from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.common import Role
from lmsdesk.services.admin_console import CategoryRow, CourseRow, Decision, ProgramRow
from lmsdesk.ui.fitting import ElidedLabel, scrolling
from lmsdesk.ui.overview_panel import OverviewPanel
from lmsdesk.ui.pages import heading
from lmsdesk.ui.theme import DANGER
from lmsdesk.ui.times import short_time

ID_ROLE = Qt.ItemDataRole.UserRole
ANY_ROLE = "Any role"


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def _note() -> QLabel:
    label = QLabel()
    label.setObjectName("pageSubtitle")
    label.setWordWrap(True)
    return label


class AdminPage(QWidget):
    search_requested = Signal(str, object)  # text, Role | None
    user_selected = Signal(object)  # uuid
    roles_saved = Signal(object, object)  # user id, set[Role]
    active_requested = Signal(object, bool)  # user id, active
    grant_requested = Signal(object)  # user id
    refund_requested = Signal(object)  # order id
    category_add_requested = Signal(object)  # parent id or None
    category_rename_requested = Signal(object)
    category_move_requested = Signal(object)
    category_delete_requested = Signal(object)
    archive_requested = Signal(object, bool)  # course id, archive
    program_requested = Signal(object)  # [course ids] selected for a new program
    audit_requested = Signal(str)
    decision_dismissed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.title = "Admin"
        self.detail: AdminUserDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 16)
        layout.addLayout(heading("Admin", "People, categories, courses, and who did what."))
        layout.addSpacing(8)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._users_tab(), "Users")
        self.tabs.addTab(self._categories_tab(), "Categories")
        self.tabs.addTab(self._courses_tab(), "Courses")
        self.tabs.addTab(self._audit_tab(), "Audit")
        self.overview = OverviewPanel()
        self.tabs.addTab(self.overview, "Overview")
        layout.addWidget(self.tabs, 1)
        self.decisions = QListWidget()
        self.decisions.setMaximumHeight(84)
        self.decisions.itemActivated.connect(
            lambda item: self.decision_dismissed.emit(item.data(ID_ROLE))
        )
        self.decisions.hide()
        layout.addWidget(self.decisions)

    # ------------------------------------------------------------------ users
    def _users_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        search = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText("Name or email")
        self.query.returnPressed.connect(self._search)
        self.role_filter = QComboBox()
        self.role_filter.addItem(ANY_ROLE, None)
        for role in Role:
            self.role_filter.addItem(role.value.capitalize(), role)
        self.role_filter.currentIndexChanged.connect(self._search)
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self._search)
        search.addWidget(self.query, 1)
        search.addWidget(self.role_filter)
        search.addWidget(self.search_button)
        column.addLayout(search)
        self.users_note = _note()
        column.addWidget(self.users_note)

        split = QSplitter()
        self.users = QTreeWidget()
        self.users.setHeaderLabels(["Name", "Email", "Roles", "Status"])
        self.users.setRootIsDecorated(False)
        self.users.currentItemChanged.connect(self._user_clicked)
        split.addWidget(self.users)
        split.addWidget(scrolling(self._user_detail()))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        column.addWidget(split, 1)
        return tab

    def _user_detail(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(8, 0, 0, 0)
        self.user_title = ElidedLabel("Select a user")
        self.user_title.setObjectName("cardTitle")
        self.user_state = _note()
        roles = QHBoxLayout()
        self.role_boxes = {role: QCheckBox(role.value.capitalize()) for role in Role}
        for box in self.role_boxes.values():
            roles.addWidget(box)
        roles.addStretch(1)
        self.save_roles_button = QPushButton("Save roles")
        self.save_roles_button.clicked.connect(self._save_roles)
        self.suspend_button = QPushButton("Suspend…")
        self.suspend_button.clicked.connect(self._toggle_active)
        self.grant_button = QPushButton("Grant a course…")
        self.grant_button.clicked.connect(lambda: self._with_user(self.grant_requested))
        self.orders = QListWidget()
        self.orders.currentItemChanged.connect(lambda *_: self._enable_refund())
        self.refund_button = QPushButton("Refund…")
        self.refund_button.clicked.connect(self._refund_clicked)
        self.enrollments = QListWidget()
        for listing in (self.orders, self.enrollments):
            listing.setMinimumHeight(64)
        column.addWidget(self.user_title)
        column.addWidget(self.user_state)
        column.addLayout(roles)
        column.addLayout(_buttons(self.save_roles_button, self.suspend_button))
        column.addWidget(QLabel("Orders"))
        column.addWidget(self.orders, 1)
        column.addLayout(_buttons(self.refund_button))
        column.addWidget(QLabel("Enrollments"))
        column.addWidget(self.enrollments, 1)
        column.addLayout(_buttons(self.grant_button))
        self.show_user(None)
        return panel

    def _user_clicked(self, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.user_selected.emit(item.data(0, ID_ROLE))

    def _refund_clicked(self) -> None:
        item = self.orders.currentItem()
        if item is not None:
            self.refund_requested.emit(item.data(ID_ROLE))

    def _search(self) -> None:
        self.search_requested.emit(self.query.text(), self.role_filter.currentData())

    def show_users(self, page: AdminUsersPage | None, problem: str = "") -> None:
        selected = self.detail.user.id if self.detail else None
        self.users.clear()
        for user in page.items if page else []:
            status = "active" if user.is_active else "suspended"
            if user.email_verified_at is None:
                status += ", email not confirmed"
            item = QTreeWidgetItem(
                [user.full_name, user.email, ", ".join(r.value for r in user.roles), status]
            )
            item.setData(0, ID_ROLE, user.id)
            self.users.addTopLevelItem(item)
            if user.id == selected:
                self.users.setCurrentItem(item)
        for column in range(3):
            self.users.resizeColumnToContents(column)
        shown = len(page.items) if page else 0
        total = page.total if page else 0
        self.users_note.setText(
            problem or (f"{shown} of {total} users" if total > shown else f"{total} users")
        )

    def show_user(self, detail: AdminUserDetail | None) -> None:
        self.detail = detail
        for widget in (self.save_roles_button, self.suspend_button, self.grant_button):
            widget.setEnabled(detail is not None)
        self.orders.clear()
        self.enrollments.clear()
        if detail is None:
            self.user_title.setText("Select a user")
            self.user_state.setText("Their roles, orders and courses show here.")
            self._enable_refund()
            return
        user = detail.user
        self.user_title.setText(user.full_name)
        joined = user.created_at.astimezone().strftime("%Y-%m-%d")
        state = "Active" if user.is_active else "Suspended: cannot sign in or sync"
        self.user_state.setText(f"{user.email}\n{state}. Joined {joined}.")
        self.user_state.setStyleSheet("" if user.is_active else f"color: {DANGER};")
        for role, box in self.role_boxes.items():
            box.setChecked(role in user.roles)
        self.suspend_button.setText("Suspend…" if user.is_active else "Reactivate")
        for order in detail.orders:
            line = (
                f"{order.course_title}: {money_text(order.amount_cents, order.currency)}, "
                f"{order.status.value}, {order.created_at.astimezone():%Y-%m-%d}"
            )
            item = QListWidgetItem(line)
            item.setData(ID_ROLE, order.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, order.status.value)
            self.orders.addItem(item)
        for enrollment in detail.enrollments:
            active = enrollment.last_activity_at
            self.enrollments.addItem(
                f"{enrollment.course_title}: {enrollment.status.value} "
                f"({enrollment.source.replace('_', ' ')}) · {enrollment.progress_percent} %"
                + (f" · active {short_time(active)}" if active else "")
            )
        for listing, empty in ((self.orders, "No orders"), (self.enrollments, "No courses")):
            if listing.count() == 0:
                placeholder = QListWidgetItem(empty)
                placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
                listing.addItem(placeholder)
        self._enable_refund()

    def _enable_refund(self) -> None:
        item = self.orders.currentItem()
        status = item.data(Qt.ItemDataRole.UserRole + 1) if item is not None else None
        self.refund_button.setEnabled(status in ("completed", "refunded"))

    def _with_user(self, signal: SignalInstance) -> None:
        if self.detail is not None:
            signal.emit(self.detail.user.id)

    def _save_roles(self) -> None:
        if self.detail is not None:
            roles = {role for role, box in self.role_boxes.items() if box.isChecked()}
            self.roles_saved.emit(self.detail.user.id, roles)

    def _toggle_active(self) -> None:
        if self.detail is not None:
            self.active_requested.emit(self.detail.user.id, not self.detail.user.is_active)

    # ------------------------------------------------------------------ categories
    def _categories_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        self.category_tree = QTreeWidget()
        self.category_tree.setHeaderLabels(["Category", "Courses"])
        self.add_top_button = QPushButton("Add top-level…")
        self.add_top_button.clicked.connect(lambda: self.category_add_requested.emit(None))
        self.add_sub_button = QPushButton("Add subcategory…")
        self.add_sub_button.clicked.connect(
            lambda: self._with_category(self.category_add_requested)
        )
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(
            lambda: self._with_category(self.category_rename_requested)
        )
        self.move_button = QPushButton("Move…")
        self.move_button.clicked.connect(lambda: self._with_category(self.category_move_requested))
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(
            lambda: self._with_category(self.category_delete_requested)
        )
        note = _note()
        note.setText("Changes show here at once and reach every app at its next sync.")
        column.addWidget(note)
        column.addWidget(self.category_tree, 1)
        column.addLayout(
            _buttons(
                self.add_top_button,
                self.add_sub_button,
                self.rename_button,
                self.move_button,
                self.delete_button,
            )
        )
        return tab

    def show_categories(self, rows: list[CategoryRow]) -> None:
        selected = self.selected_category()
        self.category_tree.clear()
        items: dict[uuid.UUID, QTreeWidgetItem] = {}
        for row in rows:
            items[row.id] = QTreeWidgetItem([row.name, str(row.courses)])
            items[row.id].setData(0, ID_ROLE, row.id)
        for row in rows:
            parent = items.get(row.parent_id) if row.parent_id else None
            if parent is not None:
                parent.addChild(items[row.id])
            else:
                self.category_tree.addTopLevelItem(items[row.id])
        self.category_tree.expandAll()
        self.category_tree.resizeColumnToContents(0)
        if selected in items:
            self.category_tree.setCurrentItem(items[selected])

    def selected_category(self) -> uuid.UUID | None:
        item = self.category_tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _with_category(self, signal: SignalInstance) -> None:
        selected = self.selected_category()
        if selected is not None:
            signal.emit(selected)

    # ------------------------------------------------------------------ courses
    def _courses_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        note = _note()
        note.setText(
            "An archived course leaves the catalog (no new students) and stays with the "
            "students who have it."
        )
        self.course_list = QTreeWidget()
        self.course_list.setHeaderLabels(["Course", "Instructor", "State"])
        self.course_list.setRootIsDecorated(False)
        self.course_list.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.archive_button = QPushButton("Archive…")
        self.archive_button.clicked.connect(self._archive)
        self.program_button = QPushButton("New program…")
        self.program_button.setToolTip(
            "A program of the selected courses (Ctrl+click to select several): completing them "
            "all earns a program certificate"
        )
        self.program_button.clicked.connect(
            lambda: self.program_requested.emit(
                [item.data(0, ID_ROLE) for item in self.course_list.selectedItems()]
            )
        )
        self.program_list = QTreeWidget()
        self.program_list.setHeaderLabels(["Program", "Courses"])
        self.program_list.setRootIsDecorated(False)
        self.program_list.setAccessibleName("Programs")
        self.program_list.setMaximumHeight(120)
        column.addWidget(note)
        column.addWidget(self.course_list, 1)
        column.addLayout(_buttons(self.program_button, self.archive_button))
        column.addWidget(self.program_list)
        self.course_list.currentItemChanged.connect(lambda *_: self._archive_label())
        self.course_list.itemSelectionChanged.connect(
            lambda: self.program_button.setEnabled(len(self.course_list.selectedItems()) >= 2)
        )
        self.program_button.setEnabled(False)
        return tab

    def show_programs(self, rows: list[ProgramRow]) -> None:
        self.program_list.clear()
        for row in rows:
            self.program_list.addTopLevelItem(QTreeWidgetItem([row.title, ", ".join(row.courses)]))
        self.program_list.resizeColumnToContents(0)
        self.program_list.setVisible(bool(rows))

    def show_courses(self, rows: list[CourseRow]) -> None:
        selected = self.course_list.currentItem()
        keep = selected.data(0, ID_ROLE) if selected is not None else None
        self.course_list.clear()
        for row in rows:
            item = QTreeWidgetItem(
                [row.title, row.instructor, "archived" if row.archived else "published"]
            )
            item.setData(0, ID_ROLE, row.id)
            item.setData(1, ID_ROLE, row.archived)
            self.course_list.addTopLevelItem(item)
            if row.id == keep:
                self.course_list.setCurrentItem(item)
        self.course_list.resizeColumnToContents(0)
        self._archive_label()

    def _archive_label(self) -> None:
        item = self.course_list.currentItem()
        self.archive_button.setEnabled(item is not None)
        archived = bool(item.data(1, ID_ROLE)) if item is not None else False
        self.archive_button.setText("Restore" if archived else "Archive…")

    def _archive(self) -> None:
        item = self.course_list.currentItem()
        if item is not None:
            self.archive_requested.emit(item.data(0, ID_ROLE), not item.data(1, ID_ROLE))

    # ------------------------------------------------------------------ audit
    def _audit_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.audit_filter = QComboBox()
        for label, action in (
            ("Everything", ""),
            ("Users", "user"),
            ("Grants", "enrollment"),
            ("Refunds", "order"),
            ("Categories", "category"),
            ("Courses", "course"),
        ):
            self.audit_filter.addItem(label, action)
        self.audit_filter.currentIndexChanged.connect(
            lambda: self.audit_requested.emit(self.audit_filter.currentData())
        )
        self.audit_refresh = QPushButton("Refresh")
        self.audit_refresh.clicked.connect(
            lambda: self.audit_requested.emit(self.audit_filter.currentData())
        )
        row.addWidget(self.audit_filter)
        row.addStretch(1)
        row.addWidget(self.audit_refresh)
        self.audit_note = _note()
        self.audit = QTreeWidget()
        self.audit.setHeaderLabels(["When", "Admin", "What", "Why"])
        self.audit.setRootIsDecorated(False)
        self.audit.setWordWrap(True)
        column.addLayout(row)
        column.addWidget(self.audit_note)
        column.addWidget(self.audit, 1)
        return tab

    def show_audit(self, page: AuditPage | None, problem: str = "") -> None:
        self.audit.clear()
        for entry in page.items if page else []:
            item = QTreeWidgetItem(
                [
                    entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    entry.actor_email,
                    entry.summary,
                    entry.reason,
                ]
            )
            item.setToolTip(2, entry.summary)
            item.setToolTip(3, entry.reason)
            self.audit.addTopLevelItem(item)
        for column in range(2):
            self.audit.resizeColumnToContents(column)
        total = page.total if page else 0
        self.audit_note.setText(problem or f"{total} entries; the audit cannot be edited.")

    # ------------------------------------------------------------------ waiting decisions
    def show_decisions(self, decisions: list[Decision]) -> None:
        self.decisions.clear()
        for decision in decisions:
            if decision.refused:
                text = f"⚠ Refused: {decision.description}: {decision.refused} (Enter to dismiss)"
            else:
                text = f"Waiting to sync: {decision.description} (Enter to take back)"
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, decision.seq)
            item.setForeground(Qt.GlobalColor.darkRed if decision.refused else Qt.GlobalColor.gray)
            item.setToolTip(text)
            self.decisions.addItem(item)
        self.decisions.setVisible(bool(decisions))
