"""Every table of the authoritative schema (DESIGN.md section 3), imported so that
`Base.metadata` is complete for Alembic."""

from lmsdesk_server.db.models.accounts import (
    AccountCode,
    RecoveryCode,
    RefreshToken,
    User,
    UserRole,
)
from lmsdesk_server.db.models.admin import AdminAction
from lmsdesk_server.db.models.analytics import (
    CourseDailyMetric,
    CourseView,
    EnrollmentProgress,
    LearningDay,
)
from lmsdesk_server.db.models.catalog import (
    Category,
    Course,
    CourseSection,
    CourseTag,
    CourseTagMap,
    Lesson,
    LessonPrerequisite,
    LessonResource,
    MediaAsset,
    Quiz,
    QuizQuestion,
)
from lmsdesk_server.db.models.commerce import (
    Order,
    PaymentEvent,
    TestCheckoutSession,
    WebhookDelivery,
)
from lmsdesk_server.db.models.community import (
    CommunityAnswer,
    CommunityEditConflict,
    CommunityQuestion,
    CommunityReport,
    CommunitySeen,
    CommunityVote,
    DiscussionPost,
    DiscussionThread,
)
from lmsdesk_server.db.models.grading import AssignmentSubmission
from lmsdesk_server.db.models.learning import (
    Certificate,
    CourseRating,
    Enrollment,
    LessonProgress,
    QuizAttempt,
    WishlistItem,
)
from lmsdesk_server.db.models.mail import MailMessage
from lmsdesk_server.db.models.moderation import DraftConflict, ModerationReview
from lmsdesk_server.db.models.ops import LoginFailure, ServerSecret
from lmsdesk_server.db.models.schedule import (
    Cohort,
    CohortWeek,
    Program,
    ProgramCertificate,
)
from lmsdesk_server.db.models.storefront import (
    CartItem,
    Coupon,
    CouponRedemption,
    OrderItem,
    RedemptionStatus,
    Subscription,
)
from lmsdesk_server.db.models.sync import Device, MutationResult, PartitionClock, SyncTombstone

__all__ = [
    "AccountCode",
    "AdminAction",
    "AssignmentSubmission",
    "CartItem",
    "Category",
    "Certificate",
    "Cohort",
    "CohortWeek",
    "CommunityAnswer",
    "CommunityEditConflict",
    "CommunityQuestion",
    "CommunityReport",
    "CommunitySeen",
    "CommunityVote",
    "Coupon",
    "CouponRedemption",
    "Course",
    "CourseDailyMetric",
    "CourseRating",
    "CourseSection",
    "CourseTag",
    "CourseTagMap",
    "CourseView",
    "Device",
    "DiscussionPost",
    "DiscussionThread",
    "DraftConflict",
    "Enrollment",
    "EnrollmentProgress",
    "LearningDay",
    "Lesson",
    "LessonPrerequisite",
    "LessonProgress",
    "LessonResource",
    "LoginFailure",
    "MailMessage",
    "MediaAsset",
    "ModerationReview",
    "MutationResult",
    "Order",
    "OrderItem",
    "PartitionClock",
    "PaymentEvent",
    "Program",
    "ProgramCertificate",
    "Quiz",
    "QuizAttempt",
    "QuizQuestion",
    "RecoveryCode",
    "RedemptionStatus",
    "RefreshToken",
    "ServerSecret",
    "Subscription",
    "SyncTombstone",
    "TestCheckoutSession",
    "User",
    "UserRole",
    "WebhookDelivery",
    "WishlistItem",
]
