"""Forms, their immutable published versions, questions and answer options."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.types import Texts, TextsType, str_enum


class QuestionKind(enum.StrEnum):
    """The kinds of question a form can ask."""

    SMILEY = "smiley"
    SCALE = "scale"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    FREE_TEXT = "free_text"

    @property
    def has_options(self) -> bool:
        """Return True when answers pick from the question's options."""
        return self in (QuestionKind.SMILEY, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Form(Base):
    """A questionnaire; what respondents see is its newest published version."""

    __tablename__ = "form"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column()
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    versions: Mapped[list[FormVersion]] = relationship(
        back_populates="form", order_by="FormVersion.number", cascade="all, delete-orphan"
    )

    @property
    def published(self) -> FormVersion | None:
        """Return the newest published version, or None."""
        done = [v for v in self.versions if v.published_at is not None]
        return done[-1] if done else None


class FormVersion(Base):
    """One version of a form. Once published it never changes, so old answers keep their meaning."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("form_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("form.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[Texts] = mapped_column(TextsType)
    intro: Mapped[Texts] = mapped_column(TextsType, default=dict)
    published_at: Mapped[datetime | None] = mapped_column(default=None)

    form: Mapped[Form] = relationship(back_populates="versions")
    questions: Mapped[list[Question]] = relationship(
        back_populates="form_version", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Base):
    """A question in a form version."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("form_version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    text: Mapped[Texts] = mapped_column(TextsType)
    help: Mapped[Texts] = mapped_column(TextsType, default=dict)
    # Scale questions: the ends of the scale and what they mean.
    scale_min: Mapped[int | None] = mapped_column(default=None)
    scale_max: Mapped[int | None] = mapped_column(default=None)
    scale_min_label: Mapped[Texts] = mapped_column(TextsType, default=dict)
    scale_max_label: Mapped[Texts] = mapped_column(TextsType, default=dict)

    form_version: Mapped[FormVersion] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )


class Option(Base):
    """A choice in a question; a smiley question has five, position 1 (worst) to 5 (best)."""

    __tablename__ = "option"
    __table_args__ = (UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[Texts] = mapped_column(TextsType)

    question: Mapped[Question] = relationship(back_populates="options")
