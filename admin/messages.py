"""Kind, specific messages for the account errors that services raise."""

from __future__ import annotations

from flask_babel import gettext as _

from admin.accounts import AccountError
from admin.passwords import MIN_LENGTH


def password_messages(error: AccountError) -> list[str]:
    """Return the messages that explain an AccountError to a staff member."""
    texts = {
        "too_short": _("Passordet må ha minst %(n)s tegn. En setning på flere ord er lett å huske.", n=MIN_LENGTH),
        "common": _("Dette passordet er blant de vanligste, og lett å gjette. Velg et annet."),
        "guessable": _("Passordet er for lett å gjette. Bruk flere ord, eller en lengre setning."),
        "bad_email": _("E-postadressen ser ikke riktig ut."),
        "email_taken": _("Det finnes allerede en konto med denne e-postadressen."),
        "council_needed": _("Velg hvilket brukerråd medlemmet hører til."),
        "invitation_invalid": _("Invitasjonen er brukt eller for gammel. Be om en ny."),
    }
    if error.problems:
        return [texts[p] for p in error.problems]
    return [texts.get(error.key, _("Noe gikk galt. Prøv igjen."))]
