"""Outgoing e-mail (invitations) over SMTP, when MAIL_SERVER is set."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, render_template

from kiosk.models import Invitation


def send_invitation(invitation: Invitation, link: str) -> bool:
    """E-mail an invitation link; return False when no mail server is configured."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = invitation.email
    message["Subject"] = "Invitasjon til Si ifra"
    message.set_content(render_template("admin/mail/invitation.txt", invitation=invitation, link=link))
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_STARTTLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return True
