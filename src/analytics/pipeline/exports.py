"""The tables a store can be exported as: the same for the command line and for scripts.

``export_table(store, "relations", ExportOptions(freq="week"))`` gives exactly the table
``python -m analytics export relations --freq week`` writes; ``EXPORTS`` names each table
with one line saying what it holds; ``write_export`` puts the CSV on disk.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics import schema as S
from analytics.errors import InputError
from analytics.pipeline.layout import write_whole
from analytics.pipeline.store import Store


@dataclass(frozen=True)
class ExportOptions:
    """What an export may be asked for beyond the store.

    Parameters:
        freq: the period of ``relations`` (``week``, ``month``, ``quarter``...).
        include_forward: count forward-looking interactions in ``relations``.
        kinds: the mention kinds that count in ``mentions`` (``None``: the stored table).
        topics: refit topics with this many for ``topics`` / ``topic-summary`` (ids aligned).
    """

    freq: str = "month"
    include_forward: bool = False
    kinds: Sequence[str] | None = None
    topics: int | None = None


def parse_kinds(value: str) -> list[str]:
    """``"name,alias"`` as a list of mention kinds.

    Raises:
        InputError: when a kind is unknown or none is given.
    """
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in S.MENTION_KINDS]
    if unknown or not kinds:
        raise InputError(
            f"--kinds takes a comma-separated list of {', '.join(S.MENTION_KINDS)}; got {value!r}"
        )
    return kinds


def _briefings(store: Store, options: ExportOptions) -> pd.DataFrame:
    return store.table("briefings")


def _report(store: Store, options: ExportOptions) -> pd.DataFrame:
    return store.table("report")


def _mentions(store: Store, options: ExportOptions) -> pd.DataFrame:
    from analytics.countries import briefing_countries

    if not options.kinds:
        return store.table("countries")
    return briefing_countries(
        store.table("briefings"), store.table("mentions"), kinds=list(options.kinds)
    )


def _topics_with_override(
    store: Store, options: ExportOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored topics, or a refit with ``topics`` topics aligned to the stored ids."""
    if options.topics is None:
        return store.table("topics"), store.table("topic_summary")
    from analytics.pipeline.process import fit_topics

    if options.topics < 1:
        raise InputError(f"--topics must be a positive number of topics; got {options.topics!r}")
    _, topics, summary = fit_topics(
        store.table("briefings"), n_topics=options.topics, previous=store.topic_model()
    )
    return topics, summary


def _topics(store: Store, options: ExportOptions) -> pd.DataFrame:
    return _topics_with_override(store, options)[0]


def _topic_summary(store: Store, options: ExportOptions) -> pd.DataFrame:
    return _topics_with_override(store, options)[1]


def _interactions(store: Store, options: ExportOptions) -> pd.DataFrame:
    return store.table("interactions")


def _relations(store: Store, options: ExportOptions) -> pd.DataFrame:
    from analytics.relations import relations_over_time

    relations = relations_over_time(
        store.table("interactions"),
        store.table("briefings"),
        options.freq,
        include_forward=options.include_forward,
    )
    # The documented column order first; the baseline behind the spike flag explains it.
    ordered = [*S.RELATION_COLUMNS, S.BASELINE]
    return relations[ordered + [c for c in relations.columns if c not in ordered]]


def _watchlist(store: Store, options: ExportOptions) -> pd.DataFrame:
    from analytics.pipeline.follow_ups import follow_up_of

    return follow_up_of(store.path, store.artefacts())


EXPORTS: dict[str, tuple[Callable[[Store, ExportOptions], pd.DataFrame], str]] = {
    "briefings": (_briefings, "the briefing table, one row per briefing"),
    "report": (_report, "the load report: every input file and row with its status"),
    "mentions": (_mentions, "one row per briefing and country with count and evidence"),
    "topics": (_topics, "one row per briefing with its topic and weight"),
    "topic-summary": (_topic_summary, "one row per topic: label, top terms, size"),
    "interactions": (_interactions, "one row per country pair per sentence, with cues"),
    "relations": (_relations, "tension and alliance per country pair per period"),
    "watchlist": (
        _watchlist,
        "one row per expected event: countries, cue, certainty, window, follow-up and evidence",
    ),
}


def export_table(store: Store, name: str, options: ExportOptions | None = None) -> pd.DataFrame:
    """The table ``name`` of ``store`` (one of ``EXPORTS``), as the command line exports it.

    Raises:
        InputError: when ``name`` is not an export, or an option is not accepted.
    """
    if name not in EXPORTS:
        raise InputError(f"unknown export; expected one of {', '.join(EXPORTS)}, got {name!r}")
    build, _ = EXPORTS[name]
    return build(store, options or ExportOptions())


def write_export(data: bytes, out: str | Path, store_dir: str | Path) -> None:
    """Write an export's bytes to ``out``: never among the store's files, never half a file.

    The bytes go to a hidden file beside ``out`` that is renamed onto it once whole, so an
    export that fails (a full disk) or is stopped leaves an earlier file of that name as it
    was. A device, a pipe or a device path (``/dev/stdout``) is written directly.

    Parameters:
        data: the CSV bytes (``analytics.views.to_csv``).
        out: the file to write.
        store_dir: the folder of the store exported.

    Raises:
        InputError: when ``out`` lies inside the store folder, where it would replace (or
            sit among) the store's own files.
        OSError: when ``out`` cannot be written; ``out`` is then unchanged.
    """
    target = Path(out).resolve()
    if target.is_relative_to(Path(store_dir).resolve()):
        raise InputError(
            f"an export must be written outside the store folder {str(store_dir)!r} (it would "
            f"replace or sit among the store's own files); got {str(out)!r}"
        )
    try:
        mode: int | None = Path(out).stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(out))
    if (mode is not None and not stat.S_ISREG(mode)) or _names_a_device(out):
        # /dev/stdout, a pipe: written in place; what it leads to is not ours to replace.
        Path(out).write_bytes(data)
        return
    write_whole(target, data)


def _names_a_device(out: str | Path) -> bool:
    """``out`` is given as a device path (``/dev/stdout``, ``/proc/self/fd/1``), which may lead
    to a shell's redirected output file: writing there must not swap that file for another."""
    return Path(os.path.abspath(out)).parts[1:2] in (("dev",), ("proc",))
