"""A certificate on screen, verified offline, and exported as PDF with QPdfWriter."""

from __future__ import annotations

from html import escape
from pathlib import Path

import segno
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.certificates import CertificateView
from lmsdesk.ui.theme import ACCENT


def draw_qr(painter: QPainter, area: QRectF, text: str) -> None:
    """A QR code of `text` filling the square `area` (black modules on white)."""
    matrix = segno.make(text, error="m").matrix
    size = len(matrix) + 8  # four modules of quiet zone on each side
    module = area.width() / size
    painter.fillRect(area, QColor("#ffffff"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(
                    QRectF(
                        area.x() + (x + 4) * module, area.y() + (y + 4) * module, module, module
                    ),
                    QColor("#000000"),
                )


def write_pdf(certificate: CertificateView, path: Path) -> None:
    """A one-page landscape A4 certificate."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"Certificate {certificate.number}")
    writer.setCreator("LMSDesk")
    painter = QPainter(writer)
    try:
        page = QRectF(0, 0, writer.width(), writer.height())
        paint_certificate(painter, page, writer.resolution(), certificate)
    finally:
        painter.end()


def paint_certificate(
    painter: QPainter, page: QRectF, resolution: int, certificate: CertificateView
) -> None:
    """The certificate's page, on a PDF or (to look at it) on an image."""
    painter.setPen(QPen(QColor(ACCENT), resolution / 40))
    painter.drawRect(page.adjusted(20, 20, -20, -20))
    lines = [
        ("Certificate of completion", 30, True),
        ("This certifies that", 14, False),
        (certificate.student_name, 28, True),
        ("has completed the course", 14, False),
        (certificate.course_title, 22, True),
        (f"Issued {certificate.issued_at:%d %B %Y} · No. {certificate.number}", 11, False),
        ("Signed with the issuer's Ed25519 key; scan the code to check it online.", 9, False),
    ]
    top = page.height() * 0.14
    for text, points, bold in lines:
        font = QFont("DejaVu Sans", points)
        font.setBold(bold)
        painter.setFont(font)
        height = painter.fontMetrics().height() * 1.9
        painter.setPen(QColor("#1f2933"))
        painter.drawText(
            QRectF(0, top, page.width(), height), int(Qt.AlignmentFlag.AlignCenter), text
        )
        top += height
    if certificate.verify_url:
        # Bottom right: scanned, it opens the certificate's public page on the server.
        side = page.height() * 0.2
        corner = QRectF(page.width() - side - 60, page.height() - side - 60, side, side)
        draw_qr(painter, corner, certificate.verify_url)
        font = QFont("DejaVu Sans", 8)
        painter.setFont(font)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(
            QRectF(
                60,
                page.height() - 60 - painter.fontMetrics().height() * 2,
                corner.x(),
                painter.fontMetrics().height() * 2,
            ),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
            f"Check it at {certificate.verify_url}",
        )


class CertificateDialog(QDialog):
    def __init__(self, certificate: CertificateView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.certificate = certificate
        self.setWindowTitle("Certificate")
        self.setMinimumWidth(460)
        title = QLabel("Certificate of completion")
        title.setObjectName("dialogTitle")
        body = QLabel(
            f"<p>{escape(certificate.student_name)} completed "
            f"<b>{escape(certificate.course_title)}</b>.</p>"
            f"<p>Issued {certificate.issued_at.astimezone():%d %B %Y}<br>"
            f"Number <b>{certificate.number}</b></p>"
        )
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link = QLabel(
            f"Anyone can check it at <a href='{escape(certificate.verify_url)}'>"
            f"{escape(certificate.verify_url)}</a>"
        )
        self.link.setWordWrap(True)
        self.link.setOpenExternalLinks(True)
        self.link.setVisible(bool(certificate.verify_url))
        self.status = QLabel(certificate.status_text)
        self.status.setWordWrap(True)
        self.status.setObjectName("okText" if certificate.verified else "warningText")
        self.export = QPushButton("Export PDF…")
        self.export.setObjectName("primary")
        self.export.clicked.connect(self._export)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        self.saved = QLabel()
        self.saved.setObjectName("pageSubtitle")
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.export)
        layout = QVBoxLayout(self)
        for widget in (title, body, self.status, self.link):
            layout.addWidget(widget)
        layout.addLayout(buttons)

    def _export(self) -> None:
        suggested = f"{self.certificate.course_title} certificate.pdf".replace("/", "-")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export certificate", suggested, "PDF (*.pdf)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        write_pdf(self.certificate, path)
        self.saved.setText(f"Saved {path.name}")
