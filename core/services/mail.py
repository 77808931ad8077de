"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise printed to the log (development).

Every message is also appended to ``app.extensions["gongzhi.outbox"]`` so tests can read it.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("gongzhi.mail")


def send_mail(to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    current_app.extensions.setdefault("gongzhi.outbox", []).append(msg)
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        log.warning("mail to %s: %s\n%s", to, subject, body)
        return
    with smtplib.SMTP(server, current_app.config["MAIL_PORT"]) as smtp:
        smtp.send_message(msg)


def mail_configured() -> bool:
    """Whether mail really leaves this site (a server is set). Notifications are e-mailed
    only then; account mail (invitations, resets) is logged in development instead."""
    return bool(current_app.config.get("MAIL_SERVER"))
