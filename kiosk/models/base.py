"""Declarative base with a naming convention, so every constraint has a stable name in migrations."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def built_on(dialect: str) -> Callable[..., bool]:
    """Return Alembic's include_object for a database: it leaves out what the models build only elsewhere.

    A few schema items exist on one database only (Constraint.ddl_if / Index.ddl_if, e.g. the answers'
    block range index on PostgreSQL); Alembic's comparison does not read that condition itself.
    """

    def include(item: Any, _name: Any, _type: str, reflected: bool, _compare_to: Any) -> bool:
        condition = getattr(item, "_ddl_if", None)  # SQLAlchemy keeps ddl_if's arguments here
        if reflected or condition is None or condition.dialect is None:
            return True
        wanted = condition.dialect
        return dialect == wanted if isinstance(wanted, str) else dialect in wanted

    return include
