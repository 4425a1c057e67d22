"""The demo course catalogue, as data. `demo_seed` turns it into rows."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "lmsdesk-demo"  # demo accounts only; printed by seed-demo and shown in the README

DEMO_USERS: list[dict[str, Any]] = [
    {"email": "admin@example.com", "full_name": "Ada Admin", "roles": ["admin"]},
    {"email": "instructor@example.com", "full_name": "Ines Instructor", "roles": ["instructor"]},
    {"email": "student@example.com", "full_name": "Sam Student", "roles": ["student"]},
]

#: Accounts the admin console shows (no one signs in as them): one suspended, one that has
#: not confirmed its email yet.
DEMO_OTHER_USERS: list[dict[str, Any]] = [
    {
        "email": "suspended@example.com",
        "full_name": "Sid Suspended",
        "roles": ["student"],
        "active": False,
        "verified": True,
    },
    {
        "email": "new.learner@example.com",
        "full_name": "Nia New",
        "roles": ["student"],
        "active": True,
        "verified": False,
    },
]

#: A review the catalog shows, by an account with a picture: (writer, course slug, stars, title,
#: body).
DEMO_REVIEW = (
    "new.learner@example.com",
    "offline-first-basics",
    5,
    "A calm first course",
    "The video picked up where I stopped on the train. Short, clear, and the quiz explains "
    "its answers.",
)

#: The admin's earlier decisions, as the audit shows them: (key, action, kind, target key,
#: summary, reason, hours ago).
DEMO_AUDIT: list[tuple[str, str, str, str, str, str, int]] = [
    (
        "suspend-spam",
        "user.suspend",
        "user",
        "suspended@example.com",
        "suspended@example.com: suspended",
        "Posted links to a pirated copy of a paid course",
        30,
    ),
    (
        "archive-python2",
        "course.archive",
        "course",
        "course:python-2-to-3",
        "Archived “Moving From Python 2”",
        "Python 2 reached its end of life; kept for the students who have it",
        20,
    ),
    (
        "category-teaching",
        "category.create",
        "category",
        "category:teaching",
        "Added category “Teaching”",
        "",
        48,
    ),
]

# (slug, name, parent slug)
DEMO_CATEGORIES = [
    ("development", "Development", None),
    ("databases", "Databases", "development"),
    ("desktop-apps", "Desktop apps", "development"),
    ("teaching", "Teaching", None),
]

_SYNC_QUIZ = {
    "passing_percent": 60,
    "max_attempts": 3,
    "time_limit_seconds": 600,
    "shuffle_questions": True,
    "questions": [
        {
            "type": "single_choice",
            "prompt": "You finish a lesson on a plane. When does the server learn about it?",
            "options": ["Never", "When the laptop is online again", "Only if you click Sync"],
            "correct": 1,
            "explanation": "Changes wait in the local queue and sync when the network returns.",
        },
        {
            "type": "multiple_choice",
            "prompt": "Which of these are kept while you are offline?",
            "options": ["Video position", "Completed lessons", "Quiz answers", "Nothing"],
            "correct": [0, 1, 2],
            "explanation": "Everything you do offline is stored locally first.",
        },
        {
            "type": "true_false",
            "prompt": "A dropped connection halfway through a sync can count a change twice.",
            "options": ["True", "False"],
            "correct": False,
            "explanation": "Each change carries a sequence number; the server ignores repeats.",
        },
        {
            "type": "short_answer",
            "prompt": "One word: a copy of your courses is kept on your ___.",
            "options": [],
            "correct": ["computer", "laptop", "device"],
            "explanation": "The local store lives on your computer.",
        },
    ],
}

_SQLITE_QUIZ = {
    "passing_percent": 50,
    "max_attempts": None,
    "time_limit_seconds": None,
    "shuffle_questions": False,
    "questions": [
        {
            "type": "single_choice",
            "prompt": "What lets readers keep reading while one writer writes?",
            "options": ["WAL mode", "VACUUM", "A bigger disk"],
            "correct": 0,
            "explanation": "Write-ahead logging separates readers from the writer.",
        },
        {
            "type": "true_false",
            "prompt": "Foreign keys are enforced by default on every SQLite connection.",
            "options": ["True", "False"],
            "correct": False,
            "explanation": "PRAGMA foreign_keys = ON must be set per connection.",
        },
    ],
}


def _course(
    slug: str, title: str, *, status: str, price_cents: int, text_file: str, quiz: dict[str, Any]
) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": title,
        "status": status,
        "price_cents": price_cents,
        "text_file": text_file,
        "quiz": quiz,
    }


DEMO_COURSES: list[dict[str, Any]] = [
    {
        **_course(
            "offline-first-basics",
            "Offline-First Apps: The Basics",
            status="approved",
            price_cents=0,
            text_file="how-sync-works.md",
            quiz=_SYNC_QUIZ,
        ),
        "subtitle": "Learn anywhere, sync later: how LMSDesk keeps your progress safe",
        "description": "A short, free tour of learning offline: a video that resumes where "
        "you stopped, a text lesson, and a quiz.",
        "category": "desktop-apps",
        "level": "beginner",
        "tags": ["offline", "sync"],
    },
    {
        **_course(
            "practical-sqlite",
            "Practical SQLite",
            status="approved",
            price_cents=1999,
            text_file="sqlite-basics.md",
            quiz=_SQLITE_QUIZ,
        ),
        "subtitle": "The database in a file, used well",
        "description": "WAL mode, transactions and foreign keys: the SQLite you need for a "
        "desktop app.",
        "category": "databases",
        "level": "intermediate",
        "tags": ["sqlite", "databases"],
    },
    {
        **_course(
            "sync-engines",
            "Sync Engines in Practice",
            status="approved",
            price_cents=2999,
            text_file="how-sync-works.md",
            quiz=_SYNC_QUIZ,
        ),
        "subtitle": "Queues, cursors and conflicts, from the laptop to the server",
        "description": "How an offline-first app keeps every device in step: an outbox that "
        "survives a crash, a change feed with cursors, and merges nobody notices.",
        "category": "development",
        "level": "advanced",
        "tags": ["sync", "offline"],
        # On sale for two weeks from the day the demo is seeded (renewed when it has ended).
        "sale": {"price_cents": 1499, "days": 14},
    },
    {
        **_course(
            "qt-for-python",
            "Qt for Python, Step by Step",
            status="pending",
            price_cents=2900,
            text_file="how-sync-works.md",
            quiz=_SQLITE_QUIZ,
        ),
        "subtitle": "Build responsive desktop apps with PySide6",
        "description": "Widgets, signals and background work without freezing the window.",
        "category": "desktop-apps",
        "level": "beginner",
        "tags": ["qt", "python"],
    },
    {
        **_course(
            "quizzes-that-teach",
            "Designing Quizzes That Teach",
            status="draft",
            price_cents=900,
            text_file="how-sync-works.md",
            quiz=_SYNC_QUIZ,
        ),
        "subtitle": "A draft in progress",
        "description": "Questions that help people learn, not just score.",
        "category": "teaching",
        "level": "all_levels",
        "tags": ["teaching"],
    },
    {
        **_course(
            "python-2-to-3",
            "Moving From Python 2",
            status="archived",
            price_cents=0,
            text_file="how-sync-works.md",
            quiz=_SYNC_QUIZ,
        ),
        "subtitle": "Archived by an admin: out of the catalog, kept for its students",
        "description": "print as a function, bytes and str, and the rest of the move.",
        "category": "development",
        "level": "intermediate",
        "tags": ["python"],
    },
]


#: Coupons the storefront shows: (code, issuer, percent off, amount off in cents, course slugs,
#: max redemptions). An admin's for any course, and the instructor's for one of theirs.
DEMO_COUPONS: list[tuple[str, str, int | None, int | None, list[str], int | None]] = [
    ("WELCOME20", "admin", 20, None, [], None),
    ("SQLITE5", "instructor", None, 500, ["practical-sqlite"], 100),
]
