"""Email transports: `outbox` keeps messages for the dev inbox, `smtp` sends with STARTTLS."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from portal.notify import OutgoingMessage, PermanentFailure, SendResult, TemporaryFailure

SMTP_TIMEOUT = 20.0


def build_email(message: OutgoingMessage) -> EmailMessage:
    """A multipart/alternative email (plain text first, then HTML) with every header set."""
    email = EmailMessage()
    email["From"] = message.sender
    email["To"] = message.to
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email["Subject"] = message.subject or ""
    email["Date"] = formatdate(localtime=False, usegmt=True)
    if message.message_id:
        email["Message-ID"] = message.message_id
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return email


class OutboxEmail:
    """Sends nothing: the dispatcher stores the rendered message and the dev inbox shows it."""

    def send(self, message: OutgoingMessage) -> SendResult:
        return SendResult(provider_message_id=None)

    def close(self) -> None:
        pass


class SmtpEmail:
    """SMTP with STARTTLS and login as configured; one connection reused across a batch."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls = starttls
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        try:
            connection.ehlo()
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: OutgoingMessage) -> SendResult:
        """Send one email; raises TemporaryFailure (retry) or PermanentFailure (give up)."""
        email = build_email(message)
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = self._connect()
                self.connection.send_message(email)
                return SendResult(provider_message_id=message.message_id)
            except smtplib.SMTPServerDisconnected as error:
                self.close()
                if attempt == 2:  # a reused connection may have timed out: reconnect once
                    raise TemporaryFailure(f"SMTP server disconnected: {error}") from error
            except smtplib.SMTPRecipientsRefused as error:
                self.close()
                codes = [code for code, _ in error.recipients.values()]
                text = f"SMTP refused the recipient: {error.recipients}"
                if codes and all(400 <= code < 500 for code in codes):
                    raise TemporaryFailure(text) from error
                raise PermanentFailure(text) from error
            except smtplib.SMTPResponseException as error:
                self.close()
                detail = error.smtp_error.decode(errors="replace") if error.smtp_error else ""
                text = f"SMTP {error.smtp_code}: {detail}"[:500]
                if 500 <= error.smtp_code < 600 and error.smtp_code not in (530, 535):
                    raise PermanentFailure(text) from error
                raise TemporaryFailure(text) from error
            except (smtplib.SMTPException, OSError) as error:
                self.close()
                raise TemporaryFailure(f"SMTP unavailable: {error}") from error
        raise TemporaryFailure("SMTP send failed")  # pragma: no cover

    def close(self) -> None:
        """Quit the connection if one is open; never raises."""
        if self.connection is None:
            return
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()
        self.connection = None
