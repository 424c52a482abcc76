"""A place in a keyset-paged list, as an opaque text a link or an API client hands back."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

MAX_ID = 2**31 - 1
MAX_LENGTH = 120  # an encoded cursor is about 60 characters


class InvalidCursor(ValueError):
    """The text is not a cursor a list gave out."""


@dataclass(frozen=True)
class Cursor:
    """The sort key of a row (None: it has none, and sorts after those that do) and its id,
    which breaks ties."""

    key: datetime | None
    id: int

    def encode(self) -> str:
        raw = json.dumps([self.key.isoformat() if self.key else None, self.id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor ``text`` encodes; InvalidCursor when it is not one."""
        try:
            if len(text) > MAX_LENGTH:
                raise InvalidCursor(text)
            key, row_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if not (type(row_id) is int and 0 < row_id <= MAX_ID):
                raise InvalidCursor(text)
            if key is None:
                return cls(None, row_id)
            when = datetime.fromisoformat(key)
            if when.tzinfo is None:
                raise InvalidCursor(text)
            return cls(when, row_id)
        except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:
            raise InvalidCursor(text) from error
