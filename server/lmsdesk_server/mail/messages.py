"""The mails the server sends, each as plain text and HTML (a multipart/alternative message):
what happened, the code to type in the app, the link for a browser, and how long it lasts."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from html import escape

DEFAULT_SENDER = formataddr(("LMSDesk", "no-reply@lmsdesk.invalid"))


@dataclass(frozen=True)
class Mail:
    """One message as the outbox stores it."""

    to: str
    subject: str
    text: str
    html: str


def as_email(
    mail: Mail, *, sender: str = DEFAULT_SENDER, message_id: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = message_id or make_msgid(domain="lmsdesk.invalid")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def _html(greeting: str, paragraphs: list[str], code: str, link: str | None, closing: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    anchor = f'<p><a href="{escape(link, quote=True)}">{escape(link)}</a></p>' if link else ""
    return (
        '<!doctype html><html><body style="font-family: sans-serif; color: #1f2933">'
        f"<p>{escape(greeting)}</p>{body}"
        f'<p style="font-size: 20px; letter-spacing: 2px"><b>{escape(code)}</b></p>'
        f"{anchor}"
        f'<p style="color: #5f6368">{escape(closing)}</p></body></html>'
    )


def verification_mail(*, to: str, name: str, code: str, link: str, days: int) -> Mail:
    greeting = f"Hello {name},"
    paragraphs = [
        "Please confirm that this is your email address for LMSDesk. Type this code in the "
        "app (Account → Verify email), or open the link below.",
    ]
    closing = (
        f"The code works for {days} days. If you did not create an LMSDesk account, ignore "
        "this mail: nothing happens without the code."
    )
    text = "\n\n".join([greeting, *paragraphs, code, link, closing]) + "\n"
    return Mail(
        to=to,
        subject="Confirm your email address for LMSDesk",
        text=text,
        html=_html(greeting, paragraphs, code, link, closing),
    )


def password_reset_mail(*, to: str, name: str, code: str, minutes: int) -> Mail:
    greeting = f"Hello {name},"
    paragraphs = [
        "Someone asked to reset the password of your LMSDesk account. If it was you, type this "
        "code in the app's “Forgot password” window and choose a new password. Every device "
        "signed in to your account is then signed out.",
    ]
    closing = (
        f"The code works once, for {minutes} minutes. If you did not ask, ignore this mail: "
        "your password stays as it is."
    )
    text = "\n\n".join([greeting, *paragraphs, code, closing]) + "\n"
    return Mail(
        to=to,
        subject="Reset your LMSDesk password",
        text=text,
        html=_html(greeting, paragraphs, code, None, closing),
    )
