"""Markdown that people wrote, shown as rich text: no raw HTML (it is shown as the text it is),
no images fetched from anywhere (they become links), links opened only when clicked and only
for the web."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy

from lmsdesk.services.community_views import safe_markdown

_FEATURES = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)


def markdown_html(text: str) -> str:
    """The HTML Qt draws for a post: built by Qt's own Markdown reader with HTML turned off,
    so what reaches the label is only what Markdown itself can express."""
    document = QTextDocument()
    document.setMarkdown(safe_markdown(text), _FEATURES)
    return document.toHtml()


def open_web_link(link: str) -> None:
    url = QUrl(link)
    if url.scheme() in ("http", "https"):
        QDesktopServices.openUrl(url)


class MarkdownLabel(QLabel):
    """A post's body: wraps, grows with its text, selectable, links open in the browser."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(self.textFormat().RichText)
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(open_web_link)
        self.setTextInteractionFlags(self.textInteractionFlags().TextBrowserInteraction)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.set_markdown(text)

    def set_markdown(self, text: str) -> None:
        self.source_text = text
        self.setText(markdown_html(text))
