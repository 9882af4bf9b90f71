"""What each audit action means, in words staff read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "login": _l("Logget inn"),
    "logout": _l("Logget ut"),
    "two_factor_enabled": _l("Slo på totrinnsinnlogging"),
    "two_factor_too_many_codes": _l("Skrev feil kode for mange ganger og må logge inn på nytt"),
    "recovery_codes_renewed": _l("Laget nye gjenopprettingskoder"),
    "user_created_cli": _l("Konto laget på kommandolinjen"),
    "user_invited": _l("Inviterte en ansatt"),
    "invitation_accepted": _l("Tok imot invitasjon"),
    "user_enabled": _l("Aktiverte en konto"),
    "user_disabled": _l("Sperret en konto"),
    "user_role_changed": _l("Endret rolle"),
    "council_created": _l("Laget brukerråd"),
    "council_updated": _l("Endret brukerråd"),
    "location_created": _l("Laget sted"),
    "location_updated": _l("Endret sted"),
    "location_retired": _l("Tok sted ut av bruk"),
    "location_restored": _l("Tok sted i bruk igjen"),
    "form_created": _l("Laget skjema"),
    "form_texts_updated": _l("Endret tittel eller innledning"),
    "form_version_created": _l("Laget ny versjon av skjema"),
    "question_added": _l("La til spørsmål"),
    "question_updated": _l("Endret spørsmål"),
    "question_moved": _l("Flyttet spørsmål"),
    "question_removed": _l("Fjernet spørsmål"),
    "form_published": _l("Publiserte skjema"),
    "form_retired": _l("Tok skjema ut av bruk"),
    "form_restored": _l("Tok skjema i bruk igjen"),
    "device_added": _l("La til nettbrett"),
    "device_renamed": _l("Ga nettbrett nytt navn"),
    "device_moved": _l("Flyttet nettbrett"),
    "device_code_issued": _l("Laget tilkoblingskode"),
    "device_revoked": _l("Koblet fra nettbrett"),
    "link_created": _l("Laget kort lenke"),
    "link_retired": _l("Tok lenke ut av bruk"),
    "link_restored": _l("Tok lenke i bruk igjen"),
    "text_released": _l("Slapp fram et fritekstsvar"),
    "text_second_look": _l("Slapp fram et fritekstsvar (venter på moderator nummer to)"),
    "text_hidden": _l("Skjulte et fritekstsvar"),
    "text_redacted": _l("Sladdet mer i et fritekstsvar"),
    "text_original_seen": _l("Så hva en sladding skjulte"),
    "text_redaction_undone": _l("Fjernet en sladding"),
    "text_quote_set": _l("Endret sitatvalg"),
    "local_word_added": _l("La til et ord som alltid sladdes"),
    "local_word_removed": _l("Fjernet et ord som alltid sladdes"),
    "retention_changed": _l("Endret hvor lenge svar beholdes"),
    "digest_built": _l("Laget et sammendrag"),
    "digest_sent_again": _l("Sendte et sammendrag på nytt"),
    "digest_email_changed": _l("Endret e-post med sammendrag"),
    "theme_saved": _l("Lagret et tema"),
    "theme_removed": _l("Fjernet et tema"),
    "ledger_saved": _l("Lagret en oppføring i «Dette har vi gjort»"),
    "ledger_removed": _l("Fjernet en oppføring fra «Dette har vi gjort»"),
}


def action_label(action: str) -> str:
    """Return the words for an audit action, or the action's name if it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


# Language names in the staff member's own language (the switch shows each language's own name).
LANGUAGE_LABELS = {"nb": _l("bokmål"), "nn": _l("nynorsk"), "en": _l("engelsk")}
