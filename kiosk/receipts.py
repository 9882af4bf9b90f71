"""Receipt codes: a person who asks for one can follow what happened to their free-text answer.

A code is ten characters from the short-link alphabet (kiosk/shortcodes.py), shown as two groups of
five. Only an HMAC-SHA256 of the code is stored, keyed with a key derived from the app's secret for
this purpose alone (like kiosk/encryption.py), so a copy of the database does not turn hashes back
into codes by trying them all. The receipt row points to the free text and goes when the text goes
(kiosk/storage.py deletes it with its period).

Why guessing is hopeless: the alphabet has 31 characters, so there are 31**10 = 819,628,286,980,801
(about 8.2 * 10**14) codes. Failed look-ups are limited to RECEIPT_FAILURES_PER_MINUTE (30) per app
server process; with 8 processes that is 240 a minute, 345,600 a day. Even with 100,000 codes alive
at once, one guess hits some code with a chance of 1 in 8.2 * 10**9, so the expected number of
guesses before the first hit is 8.2 * 10**9: about 23,700 days, or 65 years of guessing at the limit,
to learn how far one anonymous, already de-identified text came. The limit is global, not per IP:
the app never looks at addresses; the price is that a flood of wrong codes makes everyone wait a minute.

Operations flush; callers commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.ids import id_range, period_of
from kiosk.ledger import STATUS_WORDS
from kiosk.models import Digest, FreeText, HideReason, IdempotencyKey, LedgerEntry, Receipt, Submission, TextStatus
from kiosk.models.ledger import ledger_text
from kiosk.models.reporting import DigestStatus, DigestText
from kiosk.models.types import pick
from kiosk.shortcodes import ALPHABET

LENGTH = 10
GROUP = 5
# Dashes and spaces people put between the groups, in every form a phone keyboard offers.
_SEPARATORS = str.maketrans("", "", " -\u2010\u2011\u2012\u2013\u2014\u2212_.\t\u00a0")


class ReceiptTaken(Exception):
    """The free text already has a receipt with another code: a text has at most one."""


class NoFreeText(LookupError):
    """There is no free text to follow (the submission is unknown, not this tablet's, or had none)."""


def new_code() -> str:
    """Return a random code of LENGTH characters from the alphabet (made with secrets)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """Return a normalised code as people read it: two groups of five, "K7QXP M2HRT"."""
    return f"{code[:GROUP]} {code[GROUP:]}"


def normalise(typed: str) -> str | None:
    """Return typed in canonical form, or None when it cannot be a code.

    Case, spaces, dashes and full-width characters (NFKC) are forgiven. No look-alike letters are
    mapped: the alphabet leaves out both sides of each pair (0/O, 1/I/L), so a typed O or 1 has no
    one character it could have meant, and such a code is simply not one.
    """
    cleaned = unicodedata.normalize("NFKC", typed).translate(_SEPARATORS).upper()
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


@lru_cache(maxsize=16)
def _key(secret: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"siifra receipt codes").derive(secret)


def _hashes(code: str) -> list[str]:
    """Return the code's HMAC under the current secret first, then under each fallback (a rotated secret)."""
    config = current_app.config
    keys = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
    return [
        hmac.new(_key(s if isinstance(s, bytes) else s.encode()), code.encode(), hashlib.sha256).hexdigest()
        for s in keys
    ]


def texts_of(session: Session, submission_id: uuid.UUID) -> list[uuid.UUID]:
    """Return the ids of a submission's free-text answers.

    Free text has the submission's period in its id, so the key range of that period is read, not the
    whole table (free_text.submission_id has no index of its own).
    """
    day = period_of(submission_id)
    low, high = id_range(day, day)
    query = select(FreeText.id).where(FreeText.id >= low, FreeText.id < high, FreeText.submission_id == submission_id)
    return list(session.scalars(query.order_by(FreeText.id)))


def attach(session: Session, code: str, free_text_ids: Sequence[uuid.UUID]) -> None:
    """Store the code's hash with each free text; the same code again changes nothing.

    Raises NoFreeText when there is none, ReceiptTaken when a text already follows another code.
    """
    if not free_text_ids:
        raise NoFreeText()
    digest = _hashes(code)[0]
    existing = session.execute(
        select(Receipt.free_text_id, Receipt.code_hash).where(Receipt.free_text_id.in_(free_text_ids))
    ).all()
    if any(code_hash != digest for _id, code_hash in existing):
        raise ReceiptTaken()
    have = {text_id for text_id, _hash in existing}
    session.add_all(Receipt(code_hash=digest, free_text_id=i) for i in free_text_ids if i not in have)
    session.flush()


def issue(session: Session, free_text_ids: Sequence[uuid.UUID]) -> str:
    """Make a code for these free-text answers, store its hash, and return the code (shown once, never kept)."""
    code = new_code()
    attach(session, code, free_text_ids)
    return code


def attach_for_device(session: Session, key: uuid.UUID, code: str, device_id: int) -> None:
    """Attach a code made on a tablet to the free text of the submission it sent under key.

    Raises NoFreeText unless that tablet sent a submission with free text under this idempotency key.
    """
    submission_id = session.scalars(
        select(IdempotencyKey.submission_id)
        .join(Submission, Submission.id == IdempotencyKey.submission_id)
        .where(IdempotencyKey.key == key, Submission.device_id == device_id)
    ).first()
    if submission_id is None:
        raise NoFreeText()
    attach(session, code, texts_of(session, submission_id))


@dataclass(frozen=True)
class Step:
    """One step on the way of a text, in plain words; reached is False for steps still ahead."""

    name: str
    words: str
    reached: bool
    detail: str = ""


def status(session: Session, code: str, *, lang: str) -> list[list[Step]] | None:
    """Return the steps of each free text the code follows, or None when no text has this code."""
    ids = list(session.scalars(select(Receipt.free_text_id).where(Receipt.code_hash.in_(_hashes(code)))))
    if not ids:
        return None
    items = session.scalars(select(FreeText).where(FreeText.id.in_(ids)).order_by(FreeText.id)).all()
    with force_locale(lang):
        return [_steps(session, item, lang) for item in items]


def _steps(session: Session, item: FreeText, lang: str) -> list[Step]:
    steps = [Step("received", _("Mottatt: vi har fått det du skrev."), True)]
    read = item.status is not TextStatus.PENDING
    steps.append(Step("read", _("Lest: noen har lest det.") if read else _("Lest: ikke ennå."), read))
    if item.status is TextStatus.HIDDEN:
        steps.append(Step("not_shown", _("Ikke vist."), True, _hidden_why(item.hide_reason)))
        return steps
    steps.append(_digest_step(session, item))
    steps.append(_ledger_step(session, item, lang))
    return steps


def _hidden_why(reason: HideReason | None) -> str:
    """Return why a text was not shown, in general terms: never a moderator's own words."""
    if reason is HideReason.PERSONAL:
        return _("Det ble ikke vist videre, fordi det kunne vise hvem noen er.")
    if reason is HideReason.OFFENSIVE:
        return _("Det ble ikke vist videre, fordi det kunne såre noen.")
    if reason is HideReason.SPAM:
        return _("Det ble ikke vist videre, fordi det ikke handlet om tjenesten.")
    if reason is HideReason.DUPLICATE:
        return _("Det ble ikke vist videre, fordi det samme var skrevet før. Det er med der.")
    return _("Det ble ikke vist videre. Det skjer når en tekst kan vise hvem noen er, eller ikke handler om tjenesten.")


def _digest_step(session: Session, item: FreeText) -> Step:
    digest = session.scalars(
        select(Digest)
        .join(DigestText, DigestText.digest_id == Digest.id)
        .where(DigestText.free_text_id == item.id, Digest.status == DigestStatus.READY)
        .order_by(Digest.first_day)
    ).first()
    if digest is None or item.status is not TextStatus.RELEASED:
        return Step("digest", _("Med i rapporten til brukerrådet: ikke ennå."), False)
    period = _(
        "%(first)s – %(last)s", first=format_date(digest.first_day, "long"), last=format_date(digest.last_day, "long")
    )
    return Step("digest", _("Med i rapporten til brukerrådet for %(period)s.", period=period), True)


def _ledger_step(session: Session, item: FreeText, lang: str) -> Step:
    entry = session.scalars(
        select(LedgerEntry)
        .join(ledger_text, ledger_text.c.entry_id == LedgerEntry.id)
        .where(ledger_text.c.free_text_id == item.id)
        .order_by(LedgerEntry.changed_on.desc(), LedgerEntry.id.desc())
    ).first()
    if entry is None:
        return Step("ledger", _("I «Dette har vi gjort»: ikke ennå."), False)
    detail = " ".join(
        part for part in (pick(entry.heard, lang), pick(entry.done, lang) or pick(entry.reason, lang)) if part
    )
    return Step("ledger", _("I «Dette har vi gjort»: %(status)s.", status=STATUS_WORDS[entry.status]), True, detail)
