"""A mail backend whose server is down, for the tests of what a failing mail server does."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    """Every message fails as a server that closed the connection would make it fail; the
    error's text names the recipient, as real servers' answers often do."""

    def send_messages(self, email_messages):
        recipients = ", ".join(address for message in email_messages for address in message.to)
        raise smtplib.SMTPServerDisconnected(
            f"Connection unexpectedly closed while sending to {recipients}"
        )
