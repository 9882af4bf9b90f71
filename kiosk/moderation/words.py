"""Local words: what is always redacted in free text from a location. Operations flush; the caller commits."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kiosk.models import LocalWord
from kiosk.moderation.normalise import normalise

MAX_LENGTH = 120


class BadWord(ValueError):
    """A local word cannot be added (empty, too long, or there already)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# Built once: every submission with free text reads the list, and building the select cost more than running it.
_WORDS = select(LocalWord.word).where(LocalWord.location_id == bindparam("location")).order_by(LocalWord.word)


def local_words(session: Session, location_id: int) -> list[str]:
    """Return the words always redacted at a location."""
    return list(session.connection().execute(_WORDS, {"location": location_id}).scalars())


def add_word(session: Session, location_id: int, word: str) -> LocalWord:
    """Add a word (a name, a nickname, a house's name) to a location's list."""
    cleaned = " ".join(normalise(word).split())
    if not cleaned:
        raise BadWord("empty")
    if len(cleaned) > MAX_LENGTH:
        raise BadWord("too_long")
    if cleaned.casefold() in {w.casefold() for w in local_words(session, location_id)}:
        raise BadWord("exists")
    entry = LocalWord(location_id=location_id, word=cleaned)
    session.add(entry)
    session.flush()
    return entry


def remove_word(session: Session, entry: LocalWord) -> None:
    """Take a word off its location's list."""
    session.delete(entry)
    session.flush()
