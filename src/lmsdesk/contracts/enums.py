"""Every status and kind that crosses the wire. Each status column has a state machine; the
allowed transitions live beside the service that changes it, the values live here, once."""

from __future__ import annotations

from enum import StrEnum


class CourseStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class CourseLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    ALL_LEVELS = "all_levels"


class LessonType(StrEnum):
    VIDEO = "video"
    TEXT = "text"
    QUIZ = "quiz"
    #: Work a student hands in (text, a file or a link) and the instructor grades by hand.
    ASSIGNMENT = "assignment"


class ResourceKind(StrEnum):
    PDF = "pdf"
    LINK = "link"
    FILE = "file"


class MediaStatus(StrEnum):
    UPLOADING = "uploading"
    READY = "ready"
    FAILED = "failed"


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    #: Written out in full and graded by hand: the attempt waits for review.
    ESSAY = "essay"


class SubmissionKind(StrEnum):
    """What an assignment accepts: written text, an uploaded file, a link."""

    TEXT = "text"
    FILE = "file"
    LINK = "link"


class SubmissionStatus(StrEnum):
    """submitted -> graded (a grade may be changed again: graded -> graded)."""

    SUBMITTED = "submitted"
    GRADED = "graded"


class AttemptStatus(StrEnum):
    """graded (every answer graded by the server), or pending_review -> graded once the
    instructor has scored its essay answers."""

    GRADED = "graded"
    PENDING_REVIEW = "pending_review"


class ReviewDecision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    # A disputed payment suspends access until the dispute closes (DESIGN.md section 6).
    SUSPENDED = "suspended"
    REFUNDED = "refunded"
    REVOKED = "revoked"


class EnrollmentSource(StrEnum):
    PURCHASE = "purchase"
    FREE = "free"
    ADMIN_GRANT = "admin_grant"
    #: The all-access plan (contracts.subscriptions): while it lasts.
    SUBSCRIPTION = "subscription"


class PaymentProvider(StrEnum):
    STRIPE = "stripe"
    PAYSTACK = "paystack"
    TEST = "test"


class OrderStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"
    # The student cancelled the checkout (the provider's session was expired on their request).
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class ProgressStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class MutationStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    MERGED = "merged"
    CONFLICT = "conflict"
    REJECTED = "rejected"
