"""E-mail: what a notification or a digest says, and sending it through SMTP (stdlib smtplib).

Mail is off when no SMTP host is configured. The address is the recipient's own, stored in its
preferences; it is used here and nowhere else, and never logged.
"""

from __future__ import annotations

import email.utils
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy.engine import Row


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    text: str


FOOTER = "\n\n--\nTalentFlow notifications. Change what you receive with PUT /v1/preferences.\n"


def single_letter(notification: Row) -> Letter:
    return Letter(f"[TalentFlow] {notification.title}"[:200], f"{notification.title}\n\n{notification.body}{FOOTER}")


def digest_letter(notifications: Sequence[Row]) -> Letter:
    """One e-mail summarising every queued notification, oldest first."""
    lines = [f"You have {len(notifications)} new notification{'s' if len(notifications) != 1 else ''}:", ""]
    for n in notifications:
        lines.append(f"- {n.title}")
        lines.append(f"  {n.body}")
    return Letter(f"[TalentFlow] {len(notifications)} new notification{'s' if len(notifications) != 1 else ''}",
                  "\n".join(lines) + FOOTER)


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
