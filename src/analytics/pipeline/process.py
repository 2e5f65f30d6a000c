"""From a briefing table to every artefact the views need, in memory.

The store (``analytics.pipeline.ingest`` writes it) persists what this module computes;
uploads in the dashboard use it directly so they never touch a shared cache or the disk.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.artefacts import Artefacts
from analytics.errors import EngineError
from analytics.paths import data_dir
from analytics.pipeline.deltatables import DeferredTable
from analytics.version import VERSION

Progress = Callable[[float, str], None]


def _noop(fraction: float, message: str) -> None:
    return None


def fingerprint_state(briefings: pd.DataFrame) -> dict[str, int]:
    """What the corpus fingerprint is made of: a sum of per-briefing hashes and a count.

    Each briefing's id and text are hashed; the sum (modulo 2**64) does not depend
    on row order, and the state of a corpus with rows added is the states combined.
    """
    hashes = pd.util.hash_pandas_object(
        briefings[[S.BRIEFING_ID, S.TEXT]].astype("str"), index=False
    ).to_numpy(dtype=np.uint64)
    return {"sum": int(hashes.sum(dtype=np.uint64)), "n": len(hashes)}


def combine_fingerprint_states(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    """The state of two disjoint sets of briefings together."""
    return {"sum": (int(first["sum"]) + int(second["sum"])) % 2**64, "n": first["n"] + second["n"]}


def fingerprint_from_state(state: dict[str, int]) -> str:
    """The 16-hex-digit fingerprint of a ``fingerprint_state``."""
    digest = hashlib.sha1(f"{int(state['sum'])}:{int(state['n'])}".encode())
    return digest.hexdigest()[:16]


def corpus_fingerprint(briefings: pd.DataFrame) -> str:
    """A short content hash of the corpus: same ids and texts give the same value."""
    return fingerprint_from_state(fingerprint_state(briefings))


def reference_versions() -> dict[str, str]:
    """Content hashes of the editable reference tables, so exports say what produced them."""
    versions = {"analytics": VERSION}
    for name in (
        "countries.csv",
        "gazetteer.csv",
        "actors.csv",
        "places.csv",
        "person-names.csv",
        "cues.csv",
        "modifiers.csv",
        "certainty.csv",
        "cue_families.csv",
        "topic_stopwords.csv",
    ):
        path = data_dir() / name
        if path.exists():
            versions[path.stem] = hashlib.sha1(path.read_bytes()).hexdigest()[:12]
    return versions


def compute_mentions(briefings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country mentions and the per-briefing country table."""
    from analytics.countries import briefing_countries, extract_mentions

    mentions = extract_mentions(briefings)
    return mentions, briefing_countries(briefings, mentions)


def compute_interactions(briefings: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Sentence-level country-pair interactions."""
    from analytics.relations import score_interactions

    return score_interactions(briefings, mentions)


def compute_watchlist(briefings: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Expected events: forward-looking sentences with acting countries, cue and window."""
    from analytics.watchlist import expected_events

    return expected_events(briefings, mentions)


def compute_sentence_tables(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interactions and the watchlist, the roles of a sentence both read worked out once.

    Parameters:
        briefings: the briefing table.
        mentions: its country mentions.
        progress: called with ``(fraction_done, message)`` before each table.
        timings: when given, filled with the seconds of ``relations`` and ``watchlist``.

    Returns:
        ``(interactions, watchlist)``.
    """
    from analytics.relations import shared_roles

    progress = progress or _noop
    timings = timings if timings is not None else {}
    with shared_roles():
        progress(0.65, "Scoring tensions and alliances")
        tick = time.perf_counter()
        interactions = compute_interactions(briefings, mentions)
        timings["relations"] = time.perf_counter() - tick
        progress(0.9, "Listing expected events")
        tick = time.perf_counter()
        watchlist = compute_watchlist(briefings, mentions)
        timings["watchlist"] = time.perf_counter() - tick
    return interactions, watchlist


def fit_topic_model(
    briefings: pd.DataFrame, *, n_topics: int | str = "auto", previous: Any = None
) -> Any:
    """Fit the topic model on every briefing (aligned to ``previous`` when given).

    The fitted model keeps ``embedding_``, the briefings' vectors in their order.
    """
    from analytics.topics import briefing_text_for_topics

    return fit_topic_model_on_texts(
        briefing_text_for_topics(briefings), n_topics=n_topics, previous=previous
    )


def fit_topic_model_on_texts(
    texts: list[str],
    *,
    n_topics: int | str = "auto",
    previous: Any = None,
    document_frequencies: Any = None,
) -> Any:
    """Fit the topic model on topic texts (``briefing_text_for_topics``), as ``fit_topic_model``.

    A batched ingest fits on a sample of the corpus' texts this way, with the
    ``document_frequencies`` of the whole corpus (``compute_document_frequencies`` of its
    parts, summed) giving the vocabulary and IDF.
    """
    from analytics.topics import TopicModel, align_topics

    model = TopicModel(n_topics=n_topics, random_state=0)
    model.fit(texts, document_frequencies=document_frequencies)
    if previous is not None:
        model = align_topics(previous, model)
    return model


def compute_document_frequencies(briefings: pd.DataFrame) -> Any:
    """How many of ``briefings`` hold each topic term (``topics.document_frequencies``).

    Returns:
        A ``DocumentFrequencies``; those of disjoint parts add up with
        ``topics.combine_document_frequencies``.
    """
    from analytics.topics import briefing_text_for_topics, document_frequencies

    return document_frequencies(briefing_text_for_topics(briefings))


def fit_topics(
    briefings: pd.DataFrame, *, n_topics: int | str = "auto", previous: Any = None
) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    """Fit the topic model (aligned to ``previous`` when given) and tabulate it.

    Returns:
        ``(model, topics, topic_summary)``.
    """
    from analytics.topics import assign_topics, topic_summary

    model = fit_topic_model(briefings, n_topics=n_topics, previous=previous)
    # The fit already embedded every briefing: reuse it rather than read the texts again.
    topics = assign_topics(model, briefings, embedding=model.embedding_)
    return model, topics, topic_summary(model, briefings, topics)


def assign_with_model(model: Any, briefings: pd.DataFrame) -> pd.DataFrame:
    """Assign briefings to an already fitted topic model, without refitting."""
    from analytics.topics import assign_topics

    return assign_topics(model, briefings)


def summarise_topics(model: Any, briefings: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """Topic summary table for ``topics`` (all briefings assigned so far)."""
    from analytics.topics import topic_summary

    return topic_summary(model, briefings, topics)


def process_tables(
    briefings: pd.DataFrame,
    *,
    n_topics: int | str = "auto",
    previous_model: Any = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[BriefingTables, pd.DataFrame, Any]:
    """The per-briefing tables of a corpus, its topic summary and its fitted topic model.

    Parameters are those of ``process``.

    Returns:
        ``(tables, topic_summary, topic_model)``.
    """
    progress = progress or _noop
    timings = timings if timings is not None else {}
    progress(0.05, f"Finding country mentions in {len(briefings):,} briefings")
    tick = time.perf_counter()
    mentions, countries = compute_mentions(briefings)
    timings["mentions"] = time.perf_counter() - tick
    progress(0.35, "Clustering topics")
    tick = time.perf_counter()
    model, topics, summary = fit_topics(briefings, n_topics=n_topics, previous=previous_model)
    timings["topics"] = time.perf_counter() - tick
    interactions, watchlist = compute_sentence_tables(briefings, mentions, progress, timings)
    progress(1.0, "Done")
    return BriefingTables(mentions, countries, topics, interactions, watchlist), summary, model


def process(
    briefings: pd.DataFrame,
    report: pd.DataFrame,
    *,
    n_topics: int | str = "auto",
    previous_model: Any = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[Artefacts, Any]:
    """Compute every artefact of a corpus in memory.

    Parameters:
        briefings: the canonical briefing table (see ``analytics.ingest.load_files``).
        report: its load report.
        n_topics: ``"auto"`` or a fixed number of topics.
        previous_model: a fitted topic model whose ids the new topics keep.
        progress: called with ``(fraction_done, message)`` between stages.
        timings: when given, filled with the seconds each stage took.

    Returns:
        ``(artefacts, topic_model)``.
    """
    tables, summary, model = process_tables(
        briefings,
        n_topics=n_topics,
        previous_model=previous_model,
        progress=progress,
        timings=timings,
    )
    return assemble_artefacts(briefings, report, tables, summary), model


# A per-briefing table: its rows here, or kept on a cluster's workers until a generation
# writes them there (``DeferredTable``).
Table: TypeAlias = pd.DataFrame | DeferredTable


def rows_here(table: Table) -> pd.DataFrame:
    """What this process holds of ``table``: every column, or a deferred table's light ones."""
    return table if isinstance(table, pd.DataFrame) else table.light


def whole_table(table: Table) -> pd.DataFrame:
    """``table`` with every column.

    Raises:
        EngineError: when its rows are on a cluster's workers (a deferred table).
    """
    if isinstance(table, pd.DataFrame):
        return table
    raise EngineError(
        "this step needs whole tables, but the engine kept the rows on its workers; "
        f"got a deferred table of {table.n_rows} rows"
    )


@dataclass(frozen=True)
class BriefingTables:
    """The per-briefing artefacts of a set of briefings (a corpus or one partition).

    The local engine holds every table here; the Dask engine keeps their rows on its
    workers (``DeferredTable``) for the generation to write there. ``rollup_counts``:
    the rollups' counts of these briefings (``analytics.pipeline.rollups.count_rollups``,
    kind -> table), when the engine counted them; ``None`` when not.
    """

    mentions: Table
    countries: Table
    topics: Table
    interactions: Table
    watchlist: Table
    rollup_counts: dict[str, pd.DataFrame] | None = None


def corpus_versions(summary: pd.DataFrame) -> dict[str, str]:
    """What produced a corpus' artefacts: ``reference_versions`` and the topic count."""
    versions = reference_versions()
    versions["topic_model"] = f"k={len(summary)}"
    return versions


def assemble_artefacts(
    briefings: pd.DataFrame, report: pd.DataFrame, tables: BriefingTables, summary: pd.DataFrame
) -> Artefacts:
    """Every artefact of a corpus from its per-briefing tables and topic summary.

    Raises:
        EngineError: when a table's rows are on a cluster's workers.
    """
    return Artefacts(
        briefings=briefings,
        report=report,
        mentions=whole_table(tables.mentions),
        countries=whole_table(tables.countries),
        topics=whole_table(tables.topics),
        topic_summary=summary,
        interactions=whole_table(tables.interactions),
        fingerprint=corpus_fingerprint(briefings),
        versions=corpus_versions(summary),
        watchlist=whole_table(tables.watchlist),
    )
