"""Insights (instructor) and Overview (admin) against a live server with the demo's ninety days
of activity: the figures, every chart with its table and exact tooltips, one course's funnel,
CSV export, the kept copy when offline; looked at in both window sizes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lmsdesk_server.db.engine import transaction
from lmsdesk_server.demo.activity import ActivitySeeder
from lmsdesk_server.demo.content import DEMO_PASSWORD
from lmsdesk_server.demo.seed import demo_id
from tests.client.ui.test_every_screen_fits import Looker, _wait
from tests.support.live_server import LiveServer
from tests.support.network import CuttableLink
from tests.support.publishing import own_live_server  # noqa: F401 - activity of its own
from tests.support.ui import AppFactory, sign_in

PAID = demo_id("course:practical-sqlite")


@pytest.fixture(scope="module")
def active_server(live_server: LiveServer) -> LiveServer:
    with transaction(live_server.context.session_factory) as session:
        ActivitySeeder(session, lambda _note: None, demo_id).run()
    return live_server


def test_an_instructor_reads_their_insights_online_and_offline(
    qtbot: QtBot,
    start_app: AppFactory,
    active_server: LiveServer,  # noqa: ARG001 - the activity to show
    link: CuttableLink,
    shots: Path,
    tmp_path: Path,
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "instructor@example.com", password=DEMO_PASSWORD)
    looker = Looker(qtbot, app, shots, "instructor")
    window, page = app.window, app.window.insights_page
    window.go_to_page("Insights")
    _wait(qtbot, lambda: page.body.currentWidget() is page.tabs)
    assert page.course.count() >= 3  # all courses, and each published one
    assert page.figures.values["Revenue"].text().endswith("USD")
    assert page.figures.values["Enrollments"].text() != "0"
    assert "as of" in page.status.text()
    page.range.preset.setCurrentIndex(2)  # the last 90 days
    _wait(qtbot, lambda: app.insights.metrics is not None and len(app.insights.metrics.days) == 90)
    for index in range(page.tabs.count()):
        if page.tabs.isTabEnabled(index):
            page.tabs.setCurrentIndex(index)
            looker.look(f"insights-all-{page.tabs.tabText(index).lower().replace(' ', '-')}")
    sales = page.sales
    assert sales is not None
    metrics = app.insights.metrics
    assert metrics is not None
    busiest = max(range(90), key=lambda i: metrics.days[i].revenue_cents)
    tip = sales.tooltip_at(busiest)
    assert f"{metrics.days[busiest].revenue_cents / 100:,.2f} USD" in tip
    assert sales.table.rowCount() == 90

    # One course: the funnel and the hardest questions.
    page.course.setCurrentIndex(page.index_of(PAID))
    _wait(
        qtbot, lambda: app.insights.metrics is not None and app.insights.metrics.course_id == PAID
    )
    assert page.tabs.isTabEnabled(3)
    page.tabs.setCurrentIndex(3)
    looker.look("insights-funnel")
    funnel = page.funnel
    assert funnel is not None
    assert "Started:" in funnel.tooltip_at(0)
    page.tabs.setCurrentIndex(4)
    looker.look("insights-questions")

    # CSV export, to the file the user picked.
    target = tmp_path / "figures.csv"
    app.insights.save_path = lambda _parent, _name: target
    page.export.click()
    _wait(qtbot, target.exists)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 90
    assert "revenue_USD" in rows[0]

    # Offline: the copy fetched last, said so.
    link.cut()
    page.refresh.click()
    _wait(qtbot, lambda: page.status.text().startswith("Offline"))
    assert page.body.currentWidget() is page.tabs
    assert not looker.problems, "\n".join(looker.problems)


def test_an_admin_reads_the_platform_overview(
    qtbot: QtBot,
    start_app: AppFactory,
    active_server: LiveServer,  # noqa: ARG001 - the activity to show
    link: CuttableLink,
    shots: Path,
) -> None:
    app = start_app(link.url)
    with qtbot.waitSignal(app.sync.finished, timeout=30_000):
        sign_in(qtbot, app, link.url, "admin@example.com", password=DEMO_PASSWORD)
    looker = Looker(qtbot, app, shots, "admin")
    window = app.window
    window.go_to_page("Admin")
    admin = window.admin_page
    admin.tabs.setCurrentWidget(admin.overview)
    overview = admin.overview
    _wait(qtbot, lambda: overview.body.currentWidget() is overview.tabs)
    assert "%" in overview.figures.values["Conversion"].text()
    assert overview.figures.values["New users"].text() != "0"
    for index in range(overview.tabs.count()):
        overview.tabs.setCurrentIndex(index)
        looker.look(f"overview-{overview.tabs.tabText(index).lower().replace(' ', '-')}")
    assert overview.top.rowCount() >= 1
    assert not looker.problems, "\n".join(looker.problems)
