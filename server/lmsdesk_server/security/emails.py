"""One account per address a person would read as the same: normalisation and look-alike keys.

`canonical_email` is what is stored and looked up: NFKC (fullwidth letters and ligatures such as
"ﬁ" become plain letters) and lower case. `email_skeleton` is the key two addresses share when
they look alike: the confusable skeleton of Unicode TR39 (Cyrillic "а" and Latin "a", "1" and
"l" share a prototype), made stricter for addresses by dropping combining marks and invisible
format characters as well, so "stu\u0301dent@" and "student@" are one account.

The prototype table comes from Unicode's confusables.txt as packaged by confusable-homoglyphs
(the maintained copy on PyPI; it stores the pairs both ways, so the direction of each mapping
is recovered below), loaded once on first use.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources

_LRM = "\u200e"  # the package wraps right-to-left characters in these


def canonical_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email.strip()).lower()


def email_skeleton(email: str) -> str:
    prototypes = _prototypes()
    text = _strip_marks(unicodedata.normalize("NFD", canonical_email(email)))
    mapped = "".join(prototypes.get(char, char) for char in text)
    return _strip_marks(unicodedata.normalize("NFD", mapped)).lower()


def _strip_marks(text: str) -> str:
    # Mn: combining marks; Cf: zero-width and other invisible format characters.
    return "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Me", "Cf"))


@cache
def _prototypes() -> dict[str, str]:
    """source character -> its prototype string. In confusables.txt every source is one code
    point and maps to exactly one prototype, and prototypes are never sources; the package
    lists each pair under both characters, so a one-character key with a single entry is a
    source unless the two are each other's only entry (then either may be the prototype:
    both map to the smaller, which keeps them one class)."""
    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    pairs: dict[str, list[str]] = {
        key.replace(_LRM, ""): [entry["c"].replace(_LRM, "") for entry in entries]
        for key, entries in json.loads(raw).items()
    }
    table: dict[str, str] = {}
    for char, targets in pairs.items():
        if len(char) != 1 or len(targets) != 1:
            continue  # a prototype: it lists every source that maps to it
        target = targets[0]
        if len(target) > 1 or len(pairs.get(target, [])) > 1:
            table[char] = target
        else:
            table[char] = min(char, target)
    return table
