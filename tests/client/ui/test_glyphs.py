"""Every character the client shows can be drawn by the font it runs with (DejaVu Sans, the
only font a fresh Debian has): a symbol the font lacks shows as an empty box, as the
"🎓 Certificate" button did. Pictures are icons (lmsdesk.ui.icons), never emoji."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QIcon, QRawFont

import lmsdesk
from lmsdesk.ui.icons import NAMES, icon

CLIENT = Path(lmsdesk.__file__).parent


def _shown_strings() -> list[tuple[str, int, str]]:
    """Every string literal in the client's code, with where it is."""
    found = []
    for path in sorted(CLIENT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((str(path.relative_to(CLIENT)), node.lineno, node.value))
    return found


@pytest.mark.usefixtures("qapp")
def test_every_character_in_the_client_is_in_the_installed_font() -> None:
    font = QRawFont.fromFont(QFont("DejaVu Sans"))
    if not font.isValid():
        pytest.skip("DejaVu Sans is not installed (the setup installs fonts-dejavu-core)")
    missing = [
        f"{where}:{line}: {char!r} (U+{ord(char):04X})"
        for where, line, text in _shown_strings()
        for char in set(text)
        if ord(char) > 0x7F and not char.isspace() and not font.supportsCharacter(ord(char))
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.usefixtures("qapp")
def test_every_icon_draws() -> None:
    for name in NAMES:
        picture = icon(name).pixmap(16, 16).toImage()
        assert not picture.isNull(), name
        assert any(picture.pixelColor(x, y).alpha() > 0 for x in range(16) for y in range(16)), (
            f"{name} draws nothing"
        )
    assert isinstance(icon("lock"), QIcon)
