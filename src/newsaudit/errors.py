"""One error tree: every failure a user can cause is a NewsauditError with a one-line message."""

from __future__ import annotations


class NewsauditError(Exception):
    """Base of every error newsaudit raises on purpose; its message is one line for the user."""


class InputError(NewsauditError):
    """The input could not be read or is not an article (empty, binary, too large, bad encoding)."""


class FetchError(InputError):
    """A URL could not be fetched (unreachable, refused address, wrong content type, too large)."""


class RecordError(InputError):
    """A JSON or JSONL record is malformed."""


class ModelError(NewsauditError):
    """A shipped model is missing or cannot be loaded."""


class StoreError(NewsauditError):
    """The corpus database is unusable (corrupt, locked, wrong schema)."""


class QueryError(NewsauditError):
    """A search or match query is invalid (for example empty)."""
