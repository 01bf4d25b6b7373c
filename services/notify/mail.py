"""E-mail: what a notification or a digest says, and sending it through SMTP (stdlib smtplib).

Mail is off when no SMTP host is configured. The address is the recipient's own, stored in its
preferences; it is used here and nowhere else, and never logged.
"""

from __future__ import annotations

import email.utils
import json
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from services.notify.store import Notification

from services.notify import texts


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    text: str


def _texts(notification: Notification, language: texts.Language, zone: str, data: dict | None = None) -> tuple[str, str]:
    """A stored notification's title and body, written again in the reader's language and zone
    (from `data`, the stored data with the names known now, when given)."""
    if data is None:
        data = notification.data if not isinstance(notification.data, str) else json.loads(notification.data)
    return texts.render_stored(notification.type, data or {}, recipient_kind=notification.recipient_kind,
                               stored_body=notification.body, language=language, zone=zone)


def single_letter(notification: Notification, language: texts.Language = texts.DEFAULT_LANGUAGE,
                  zone: str = texts.DEFAULT_ZONE, data: dict | None = None) -> Letter:
    fixed = texts.letter_texts(language)
    title, body = _texts(notification, language, zone, data)
    return Letter(f"{fixed['brand']} {title}"[:200], f"{title}\n\n{body}\n\n--\n{fixed['footer']}\n")


def digest_letter(notifications: Sequence[Notification], language: texts.Language = texts.DEFAULT_LANGUAGE,
                  zone: str = texts.DEFAULT_ZONE, datas: Sequence[dict] | None = None) -> Letter:
    """One e-mail summarising every queued notification, oldest first, with the same texts as the inbox."""
    fixed = texts.letter_texts(language)
    heading = texts.digest_heading(len(notifications), language)
    lines = [heading + ("：" if language == "zh" else ":"), ""]
    for i, n in enumerate(notifications):
        title, body = _texts(n, language, zone, datas[i] if datas is not None else None)
        lines.append(f"- {title}")
        lines.append(f"  {body}")
    return Letter(f"{fixed['brand']} {heading}", "\n".join(lines) + f"\n\n--\n{fixed['footer']}\n")


class PermanentMailError(Exception):
    """The server refused the address or the message for good: retrying would not help."""


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int = 25
    sender: str = "TalentFlow <notify@talentflow.local>"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_s: float = 10.0

    def send(self, to: str, letter: Letter) -> None:
        """Send one message; PermanentMailError for a refusal, OSError/SMTPException to retry."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = letter.subject
        message["Date"] = email.utils.formatdate(localtime=False)
        message["Message-ID"] = email.utils.make_msgid(domain="talentflow.local")
        message.set_content(letter.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPAuthenticationError:
            raise  # our configuration, not this message: retry (and let the operator fix the login)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise PermanentMailError(type(exc).__name__) from None
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentMailError(f"SMTP {exc.smtp_code}") from None
            raise
