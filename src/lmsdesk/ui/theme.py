"""The application's look: Fusion with a calm light palette and a few style rules."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#2f6fde"
DANGER = "#b3261e"
OK = "#1e7d32"
MUTED = "#5f6368"

STYLE_SHEET = f"""
QListWidget#navigation {{
    background: #f3f5f9; border: none; border-right: 1px solid #dde1e8;
    font-size: 14px; padding-top: 8px; outline: 0;
}}
QListWidget#navigation::item {{ padding: 9px 14px; border-radius: 6px; margin: 2px 8px; }}
QListWidget#navigation::item:selected {{ background: {ACCENT}; color: white; }}
QListWidget#navigation::item:hover:!selected {{ background: #e4e9f2; }}
QLabel#pageTitle {{ font-size: 22px; font-weight: 600; }}
QLabel#pageSubtitle, QLabel#emptyState {{ color: {MUTED}; font-size: 13px; }}
QLabel#dialogTitle {{ font-size: 18px; font-weight: 600; }}
QLabel#errorText {{ color: {DANGER}; }}
QLabel#warningText {{ color: #8a5300; }}
QLabel#okText {{ color: {OK}; }}
QFrame#offlineBanner {{ background: #fff4d6; border-bottom: 1px solid #f0d88a; }}
QListWidget#courseList {{ border: none; background: transparent; font-size: 13px; }}
QListWidget#courseList::item {{ padding: 10px 6px; border-bottom: 1px solid #e6e9ef; }}
QListWidget#courseList::item:selected {{
    background: #e4ecfb; color: #1f2933; border-left: 3px solid {ACCENT};
}}
QFrame#card {{ background: white; border: 1px solid #dde1e8; border-radius: 8px; }}
QLabel#avatar {{ background: #dde6f3; color: #3b4a60; border-radius: 36px; font-size: 22px;
                 font-weight: 600; }}
QPushButton#primary {{
    background: {ACCENT}; color: white; border: none; border-radius: 5px; padding: 6px 16px;
}}
QLabel#cardTitle {{ font-size: 15px; font-weight: 600; }}
QLabel#courseTitle {{ font-size: 20px; font-weight: 600; }}
QLabel#price {{ font-size: 20px; font-weight: 600; color: #1f2933; }}
QFrame#divider {{ color: #e6e9ef; }}
QTableWidget#purchases {{ border: none; background: white; font-size: 13px; }}
QPushButton#primary:disabled {{ background: #9db7e8; }}
QLabel#feedbackBanner {{
    background: #fdecea; border: 1px solid #f5c2bd; border-radius: 6px; padding: 8px 10px;
    color: #6b1a14;
}}
QFrame#conflictBanner {{ background: #fff4d6; border: 1px solid #f0d88a; border-radius: 6px; }}
QPushButton#linkButton {{ border: none; color: {ACCENT}; padding: 2px 0; text-align: left; }}
QPushButton#linkButton:hover {{ text-decoration: underline; }}
QTreeWidget::item {{ padding: 3px 0; }}
QLabel#thumbnail {{
    background: #eef1f6; border: 1px dashed #c5cbd6; border-radius: 4px; color: {MUTED};
}}
QFrame#noticeBanner {{ background: #e8f1fd; border-bottom: 1px solid #c9d8f5; }}
QLabel#figure {{ font-size: 16px; font-weight: 600; color: #1f2933; }}
QFrame#undoBar {{ background: #eef3fc; border: 1px solid #c9d8f5; border-radius: 6px; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#fbfcfe"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
