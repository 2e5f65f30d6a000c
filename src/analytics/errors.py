"""One exception hierarchy for the whole core.

Every message says what was received and what is accepted, so a page can show it
to the analyst unchanged with ``st.error``.
"""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base class of every error the analytics core raises on purpose."""


class InputError(AnalyticsError, ValueError):
    """An input file, table or argument cannot be used as given."""


class EmptyCorpusError(InputError):
    """No briefing could be loaded from the inputs."""


class StoreError(AnalyticsError):
    """A processed-corpus store is missing, truncated or corrupted."""


class EngineError(AnalyticsError):
    """The engine an ingest runs on (a Dask cluster) cannot be used or failed."""


class FeedError(AnalyticsError):
    """A feed could not be fetched: refused, timed out, an HTTP error, too large."""


class NotFittedError(AnalyticsError):
    """A model was used before it was fitted."""
