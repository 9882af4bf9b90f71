"""Outgoing e-mail over SMTP: the one place that talks to the mail server (invitations, moderators' notes,
council digests). Host, port, STARTTLS or TLS, and credentials come from the configuration."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any


class MailError(Exception):
    """The mail server could not be reached or refused the message; the text says what happened."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message."""

    filename: str
    data: bytes
    mimetype: str = "application/pdf"


@dataclass(frozen=True)
class Mail:
    """One message to one address: a plain text part, optionally an HTML part, and attachments."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def configured(config: Mapping[str, Any]) -> bool:
    """Return True when a mail server is set (without one, links are shown to staff instead)."""
    return bool(config.get("MAIL_SERVER"))


def build(mail: Mail, sender: str) -> EmailMessage:
    """Return the message as it goes on the wire; the subject is encoded properly for Norwegian letters."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or "localhost")
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, subtype = attachment.mimetype.split("/", 1)
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send(mails: Iterable[Mail], config: Mapping[str, Any]) -> None:
    """Send messages over one SMTP connection; raise MailError if the server cannot be used."""
    mails = list(mails)
    if not mails:
        return
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    try:
        if config.get("MAIL_USE_TLS"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=20, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=20)
        with smtp:
            if config.get("MAIL_USE_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for mail in mails:
                smtp.send_message(build(mail, config["MAIL_FROM"]))
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
