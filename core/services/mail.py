"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise printed to the log (development).

Every message is also appended to ``app.extensions["gongzhi.outbox"]`` so tests can read it.
Header values are made safe here, whatever their source: a community name or a person's
name with a line break or control character in it (typed before forms cleaned input, or
set by a script) must not break the message or add headers.
"""

from __future__ import annotations

import logging
import re
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("gongzhi.mail")

# Control characters, line/paragraph separators and lone surrogates: a space in a header.
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")


class MailError(Exception):
    """The message could not be handed to the mail server (it is logged)."""


def header_text(value: str) -> str:
    """``value`` as one line that is safe in a mail header."""
    return " ".join(_UNSAFE_IN_HEADER.sub(" ", value).split())


def send_mail(to: str, subject: str, body: str) -> None:
    """Send, or raise ``MailError`` if the server cannot be reached or refuses."""
    msg = EmailMessage()
    msg["From"] = header_text(current_app.config["MAIL_FROM"])
    msg["To"] = header_text(to)
    msg["Subject"] = header_text(subject)
    msg.set_content(body)
    current_app.extensions.setdefault("gongzhi.outbox", []).append(msg)
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        log.warning("mail to %s: %s\n%s", msg["To"], msg["Subject"], body)
        return
    try:
        with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=30) as smtp:
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        log.exception("mail to %s could not be sent", msg["To"])
        raise MailError(str(exc)) from exc


def mail_configured() -> bool:
    """Whether mail really leaves this site (a server is set). Notifications are e-mailed
    only then; account mail (invitations, resets) is logged in development instead."""
    return bool(current_app.config.get("MAIL_SERVER"))
