"""Ids read from SQLite's 16-byte BLOBs are the very UUIDs uuid.UUID(bytes=...) would make."""

import copy
import pickle
import uuid

import hypothesis.strategies as st
from hypothesis import given

from kiosk.models.types import _uuid_of


@given(st.binary(min_size=16, max_size=16))
def test_made_as_uuid_makes_them(raw: bytes) -> None:
    made, expected = _uuid_of(raw), uuid.UUID(bytes=raw)
    assert type(made) is uuid.UUID
    assert (made, made.int, made.bytes, str(made), hash(made), made.is_safe) == (
        expected,
        expected.int,
        expected.bytes,
        str(expected),
        hash(expected),
        expected.is_safe,
    )
    assert pickle.loads(pickle.dumps(made)) == expected and copy.deepcopy(made) == expected
    assert sorted([made, uuid.UUID(int=2**127)]) == sorted([expected, uuid.UUID(int=2**127)])


def test_this_python_takes_the_quick_way() -> None:
    # On a Python whose UUID no longer has just these two slots, _uuid_of is uuid.UUID's own way.
    assert _uuid_of.__name__ == "make"
