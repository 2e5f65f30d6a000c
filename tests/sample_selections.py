"""The sample corpus stored in two ingests, and filters drawn at random over it: shared by
the tests that prove two ways of selecting or holding a corpus give the same views."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from analytics import schema as S
from analytics.pipeline import Store, ensure_store
from analytics.views import Filters


def store_in_two_ingests(folder: Path, project_root: Path) -> Store:
    """The sample corpus stored in ``folder/store`` in two ingests (every other file, then
    the rest), so every table was appended to once and has files of both."""
    files = sorted((project_root / "data" / "sample").glob("*.txt"))
    first, second = folder / "first", folder / "second"
    manifest = pd.read_csv(project_root / "data" / "sample" / "manifest.csv")
    for target, chosen in ((first, files[::2]), (second, files[1::2])):
        target.mkdir()
        for path in chosen:
            shutil.copy(path, target / path.name)
        # Each half with its own lines of the manifest (dates, titles, sources).
        names = {path.name for path in chosen}
        manifest[manifest["file"].isin(names)].to_csv(target / "manifest.csv", index=False)
    ensure_store([first], folder / "store")
    stored, _ = ensure_store([second], folder / "store", add=True)
    return stored


@st.composite
def filter_choices(
    draw: st.DrawFn, artefacts, days: Sequence[date | None], words: Sequence[str]
) -> Filters:
    """Filters over ``artefacts``: dates among ``days``, searches among ``words``, the
    corpus' commonest countries, its topics and sources, and values it does not have."""
    countries = list(artefacts.countries[S.ISO3].value_counts().index[:6]) + ["ATA"]
    topics = [int(t) for t in artefacts.topic_summary[S.TOPIC_ID]] + [999]
    sources = sorted(artefacts.briefings[S.SOURCE].dropna().unique())[:4] + ["Nobody's desk"]
    first, last = draw(st.sampled_from(days)), draw(st.sampled_from(days))
    if first is not None and last is not None and first > last:
        first, last = last, first
    return Filters(
        start=first,
        end=last,
        countries=tuple(draw(st.lists(st.sampled_from(countries), max_size=3))),
        country_match=draw(st.sampled_from(["any", "all"])),
        topics=tuple(draw(st.lists(st.sampled_from(topics), max_size=2))),
        sources=tuple(draw(st.lists(st.sampled_from(sources), max_size=2))),
        search=draw(st.sampled_from(words)),
        section=draw(st.sampled_from([None, *S.SEGMENT_SECTIONS])),
    )
