"""Invitations by e-mail, through the core's mail module, when a mail server is set."""
from __future__ import annotations

from flask import current_app, render_template

from kiosk import mail
from kiosk.models import Invitation


def send_invitation(invitation: Invitation, link: str) -> bool:
    """E-mail an invitation link; return False when no mail server is configured (the admin passes it on)."""
    config = current_app.config
    if not mail.configured(config):
        return False
    text = render_template("admin/mail/invitation.txt", invitation=invitation, link=link)
    mail.send([mail.Mail(to=invitation.email, subject="Invitasjon til Si ifra", text=text)], config)
    return True
