"""The public course page: what a link shared on the web shows (description, curriculum,
instructor, ratings, price), with "Buy" and "Open in LMSDesk" (`lmsdesk://` links the
installer registers). Plain HTML, everything escaped, no scripts."""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

from lmsdesk.contracts.enums import LessonType
from lmsdesk.contracts.storefront import PublicCourse, PublicCourseDetail, course_link
from lmsdesk_server.html_pages import page

_KINDS = {
    LessonType.VIDEO: "Video",
    LessonType.TEXT: "Reading",
    LessonType.QUIZ: "Quiz",
    LessonType.ASSIGNMENT: "Assignment",
}


def _price(cents: int, currency: str) -> str:
    return "Free" if cents == 0 else f"{cents / 100:,.2f} {escape(currency)}"


def _shown_price(course: PublicCourse) -> str:
    """The price, or during a sale the sale price beside the regular one struck through."""
    regular = _price(course.price_cents, course.currency)
    if course.sale_price_cents is None or course.sale_ends_at is None:
        return regular
    until = f"{course.sale_ends_at:%d %b %Y %H:%M} UTC"
    return (
        f"<s>{regular}</s> {_price(course.sale_price_cents, course.currency)}"
        f" <span class='muted'>on sale until {until}</span>"
    )


def _minutes(seconds: int | None) -> str:
    return f" · {max(1, round(seconds / 60))} min" if seconds else ""


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return "".join(f"<p>{escape(b)}</p>" for b in blocks)


def course_page(detail: PublicCourseDetail) -> HTMLResponse:
    course = detail.course
    if course.rating_average is not None:
        rating = (
            f"<p class='rating'>Rated {course.rating_average:.1f} out of 5 "
            f"({course.rating_count} rating{'s' if course.rating_count != 1 else ''})</p>"
        )
    else:
        rating = "<p class='rating'>No ratings yet</p>"
    curriculum = "".join(
        f"<li><strong>{escape(section.title)}</strong><ul>"
        + "".join(
            f"<li>{escape(lesson.title)} <span class='muted'>{_KINDS.get(lesson.lesson_type, '')}"
            f"{_minutes(lesson.duration_seconds)}"
            f"{' · free preview' if lesson.is_preview else ''}</span></li>"
            for lesson in section.lessons
        )
        + "</ul></li>"
        for section in detail.sections
    )
    reviews = "".join(
        f"<blockquote><strong>{review.rating}/5 · {escape(review.title)}</strong>"
        f"<br>{escape(review.body)}<br><span class='muted'>{escape(review.reviewer_name)}"
        "</span></blockquote>"
        for review in detail.reviews[:5]
    )
    teacher = detail.instructor
    action = "Enroll for free" if course.price_cents == 0 else "Buy in LMSDesk"
    body = (
        f"<h1>{escape(course.title)}</h1>"
        f"<p class='subtitle'>{escape(course.subtitle)}</p>"
        f"{rating}"
        f"<div class='price'>{_shown_price(course)}</div>"
        f"<p><a class='button pay' href='{escape(course_link(course.id, buy=True))}'>{action}</a>"
        f"<a class='button' href='{escape(course.app_url)}'>Open in LMSDesk</a></p>"
        "<p class='muted'>The buttons open the LMSDesk app. No app yet? "
        "Install LMSDesk, then come back to this page.</p>"
        f"<h2>About this course</h2>{_paragraphs(detail.description)}"
        f"<h2>Curriculum</h2><ol class='curriculum'>{curriculum}</ol>"
        f"<h2>Your instructor</h2><p><strong>{escape(teacher.name)}</strong>"
        f"{'<br>' + escape(teacher.headline) if teacher.headline else ''}</p>"
        f"{_paragraphs(teacher.bio)}" + (f"<h2>What students say</h2>{reviews}" if reviews else "")
    )
    return page(course.title, body, wide=True)


def missing_page() -> HTMLResponse:
    return page(
        "Course not found",
        "<h1>Course not found</h1><p>No course in the catalog has this address. It may have "
        "been withdrawn, or the link is incomplete.</p>",
        status_code=404,
    )
