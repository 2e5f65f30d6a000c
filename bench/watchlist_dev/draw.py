"""Draw the sentences of the watchlist development set (seeded, reproducible).

    python bench/watchlist_dev/draw.py [--shared ../shared] [--texts-out FILE] [--extra2] [--extra3]
        [--extra4]

Writes ``bench/watchlist_dev/selection.csv`` (corpus, id, date, section, sentence index,
half) and, with ``--texts-out``, the drawn sentences as JSONL to read while labelling (kept
outside the repository: the shared corpora's text is never copied into the project).

The draw: sentences that look forward by a word any reader would take as such ("will",
"expected to", "could" but not "could have", "next", "plans to", "due to be"...; a broad
pattern, not the product's rules),
three quarters among those that also carry a time word (a month, a weekday, a year,
"week", "tomorrow"...) and a quarter among the rest: 80 from Wikipedia current events
(``wce-dev.jsonl``), 50 from Reuters-21578 articles, 40 from the bundled sample corpus; then,
with the next seed, 20 more Wikipedia and 10 more Reuters sentences among those that also
name a calendar day, so explicit dates are measured on more than a handful. A third draw
(its own seed, none of the sentences already drawn) makes the ``tune-extra`` and
``test-extra`` halves: 70 Wikipedia and 60 Reuters sentences, five in six among those naming a
calendar day outside a wire dateline (or a numeric date) and the rest among those naming a
month or a weekday, so that explicit dates are measured on some forty per half. The bundled
sample has too few such sentences (four) to add. A fourth draw (the next seed) adds 16
Wikipedia and 14 Reuters sentences naming a calendar day to the same two halves, as the
third's first labels held some thirty explicit dates per half. A fifth draw (``--extra2``,
its own seed, none of the sentences already drawn) makes the ``tune-extra2`` and
``test-extra2`` halves: 140 sentences, 117 naming a calendar day outside a wire dateline and
23 naming a month or a weekday only. The sample gives what it has (one and five); Wikipedia
gives 60 and 10, Reuters 56 and 8. Wikipedia's are taken across its years: each year's pool
is shuffled and the years are taken in turn, so every year gives as many as it can. One
seeded permutation splits the 140 into two halves of 70. A sixth draw (``--extra3``, which
implies the fifth; its own seed, none of the sentences already drawn) makes the
``tune-extra3`` and ``test-extra3`` halves with the same 70 / 64 / 6 from the three corpora,
weighted toward sentences holding a time: Wikipedia 40 naming a calendar day, 10 a month or a
weekday only and 20 a relative time only ("next week", "in the coming months", "by the end of
the year", "by 2010"), Reuters 36, 8 and 20, the sample 6 relative ones (it has no calendar
day left). A seventh draw (``--extra4``, which implies the fifth and sixth; its own seed, none
of the sentences already drawn) makes the ``tune-extra4`` and ``test-extra4`` halves: 120
sentences from Wikipedia and Reuters only (the sample has few forward sentences left), weighted
as the sixth: Wikipedia 30 naming a calendar day, 10 a month or a weekday only and 20 a
relative time only, Reuters 30, 8 and 22. Without ``--extra2`` the draw is the first four only,
as it was written.
Sentences are those of ``analytics.text.split_sentences`` in each section, as the product
numbers them. Each corpus is split in half into ``tune`` and ``test`` by one seeded draw.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.ingest import load_corpus_with_report
from analytics.paths import sample_corpus_dir
from analytics.text import segment_table, split_sentences

HERE = Path(__file__).resolve().parent
SEED = 20261205
DRAWN = {"wce": 80, "reuters": 50, "sample": 40}
# A second, smaller draw among sentences naming a calendar day ("on 3 May", "March 12"),
# so explicit dates are measured on more than a handful: its own seed, after the first.
DATED = {"wce": 20, "reuters": 10}
DAY = re.compile(
    r"\b(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}\b|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b)"
)
FORWARD = re.compile(
    r"\b(?:will|shall|won't|expected\s+to|expects|plans?\s+to|planned|scheduled|set\s+to|"
    r"is\s+to|are\s+to|(?:could|may|might)(?!\s+have\b)|likely\s+to|next|coming|upcoming|"
    r"later\s+this|tomorrow|ahead\s+of|intends?\s+to|aims?\s+to|due\s+to\s+(?:be|begin|"
    r"start|take|hold|meet|vote|open|visit|return|arrive|end|expire|sign|resume|close))\b"
)
# The third draw: sizes per corpus, of which five in six name a calendar day.
EXTRA = {"wce": 70, "reuters": 60}
EXTRA_DATED = {"wce": 16, "reuters": 14}
NUMERIC_DATE = re.compile(r"\b(?:(?:19|20)\d\d-[01]\d-[0-3]\d|[0-3]?\d/[01]?\d/(?:19|20)\d\d)\b")
MONTH_OR_WEEKDAY = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# A wire dateline ("LONDON, March 2 - "): the report's own date, not one the sentence names.
DATELINE = re.compile(r"^[^a-z]{2,60}?,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+-\s+")
TIME = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|(?:19|20)\d\d|week|weeks|weekend|month|months|year|"
    r"years|tomorrow|today|days|quarter|spring|summer|autumn|fall|winter)\b"
)


# The fifth draw: (sentences naming a calendar day, sentences naming a month or weekday only).
EXTRA2 = {"wce": (60, 10), "reuters": (56, 8), "sample": (1, 5)}
EXTRA2_HALVES = ("tune-extra2", "test-extra2")
# The sixth draw (the ninth round of rules): (sentences naming a calendar day, naming a month
# or weekday only, naming a relative time and neither), the same 70 / 64 / 6 from the three
# corpora as the fifth draw.
EXTRA3 = {"wce": (40, 10, 20), "reuters": (36, 8, 20), "sample": (0, 0, 6)}
EXTRA3_HALVES = ("tune-extra3", "test-extra3")
# The seventh draw (the tenth round of rules): the same three kinds, 60 and 60 from Wikipedia
# and Reuters.
EXTRA4 = {"wce": (30, 10, 20), "reuters": (30, 8, 22)}
EXTRA4_HALVES = ("tune-extra4", "test-extra4")
RELATIVE_TIME = re.compile(
    r"\b(?:(?:next|this|coming|following)\s+(?:few\s+)?(?:days?|weeks?|weekend|months?|"
    r"years?|quarter|spring|summer|autumn|fall|winter|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)|later\s+(?:this|in\s+the|next)|tomorrow|tonight|"
    r"(?:within|in|over|after)\s+(?:the\s+next\s+)?(?:a|two|three|four|five|six|\d+|"
    r"several|a\s+few)\s+(?:days?|weeks?|months?|years?)|within\s+(?:days|weeks|months)|"
    r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:week|month|year|decade)|"
    r"(?:early|mid|late)[-\s](?:next|this)?\s*(?:week|month|year)|"
    r"by\s+(?:the\s+)?(?:end|spring|summer|autumn|fall|winter)|"
    r"(?:early|mid|late)[-\s](?:19|20)\d\d|(?:in|by|before|until)\s+(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def sentences(briefings: pd.DataFrame) -> pd.DataFrame:
    """Every sentence of every section: id, date, section, sentence index, text."""
    segments = segment_table(briefings)
    dates = briefings.drop_duplicates(S.BRIEFING_ID).set_index(S.BRIEFING_ID)[S.DATE]
    rows = []
    for bid, section, text in zip(
        segments[S.BRIEFING_ID], segments[S.SECTION], segments[S.TEXT], strict=True
    ):
        if section == S.SECTION_TITLE:
            continue
        for index, (start, end) in enumerate(split_sentences(text)):
            rows.append((bid, section, index, " ".join(text[start:end].split())))
    table = pd.DataFrame(rows, columns=["id", "section", "sentence_index", "sentence"])
    table["date"] = pd.to_datetime(table["id"].map(dates), utc=True).dt.strftime("%Y-%m-%d")
    return table


def corpora(shared: Path) -> dict[str, pd.DataFrame]:
    """The three corpora as briefing tables."""
    wce = pd.read_json(shared / "corpora/wikipedia-current-events/wce-dev.jsonl", lines=True)
    wce = pd.DataFrame(
        {
            S.BRIEFING_ID: wce["id"].astype(str),
            S.DATE: pd.to_datetime(wce["date"], utc=True),
            S.TITLE: "",
            S.TEXT: wce["text"].astype(str),
        }
    )
    reuters = load_corpus_with_report([shared / "corpora/reuters21578/reuters.jsonl"]).briefings
    sample = load_corpus_with_report([sample_corpus_dir()]).briefings
    return {"wce": wce, "reuters": reuters, "sample": sample}


def _across_years(pool: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` rows of ``pool``, taken in turn from each year (each year's rows shuffled)."""
    by_year = [
        list(rng.permutation(group.index.to_numpy()))
        for _, group in pool.groupby(pool["date"].str[:4], sort=True)
    ]
    picked: list = []
    while len(picked) < n:
        before = len(picked)
        for queue in by_year:
            if queue and len(picked) < n:
                picked.append(queue.pop(0))
        if len(picked) == before:
            raise ValueError(f"the pool holds {len(picked)} rows, fewer than {n}")
    return pool.loc[picked]


def draw_extra2(tables: dict[str, pd.DataFrame], taken_rows: pd.DataFrame) -> pd.DataFrame:
    """The fifth draw (see the module docstring), none of ``taken_rows``."""
    return _draw_by_time_kind(tables, taken_rows, EXTRA2, EXTRA2_HALVES, SEED + 4)


def draw_extra3(tables: dict[str, pd.DataFrame], taken_rows: pd.DataFrame) -> pd.DataFrame:
    """The sixth draw (see the module docstring), none of ``taken_rows``."""
    return _draw_by_time_kind(tables, taken_rows, EXTRA3, EXTRA3_HALVES, SEED + 5)


def draw_extra4(tables: dict[str, pd.DataFrame], taken_rows: pd.DataFrame) -> pd.DataFrame:
    """The seventh draw (see the module docstring), none of ``taken_rows``."""
    return _draw_by_time_kind(tables, taken_rows, EXTRA4, EXTRA4_HALVES, SEED + 6)


def _draw_by_time_kind(
    tables: dict[str, pd.DataFrame],
    taken_rows: pd.DataFrame,
    counts: dict[str, tuple[int, ...]],
    halves: tuple[str, str],
    seed: int,
) -> pd.DataFrame:
    """Forward-looking sentences of each corpus, none of ``taken_rows``, drawn across years:
    ``counts[corpus]`` of those naming a calendar day, then a month or weekday only, then
    (a third count, when given) a relative time only; split in two halves by one seeded
    permutation."""
    rng = np.random.default_rng(seed)
    taken = pd.MultiIndex.from_frame(taken_rows[["id", "section", "sentence_index"]])
    picked = []
    for corpus, wanted in counts.items():
        table = tables[corpus]
        table = table[table["sentence"].str.split().str.len().between(6, 70)]
        keys = pd.MultiIndex.from_frame(table[["id", "section", "sentence_index"]])
        body = table["sentence"].str.replace(DATELINE, "", regex=True)
        forward = table["sentence"].str.contains(FORWARD) & ~keys.isin(taken)
        dated = body.str.contains(DAY) | body.str.contains(NUMERIC_DATE)
        named = ~dated & body.str.contains(MONTH_OR_WEEKDAY)
        relative = ~dated & ~named & body.str.contains(RELATIVE_TIME)
        kinds = (forward & dated, forward & named, forward & relative)
        for mask, n in zip(kinds[: len(wanted)], wanted, strict=True):
            if n:
                picked.append(_across_years(table[mask], n, rng).assign(corpus=corpus))
    rows = pd.concat(picked)
    n = len(rows)
    rows["split"] = rng.permutation(np.array([halves[0]] * (n // 2) + [halves[1]] * (n - n // 2)))
    return rows


def draw(
    shared: Path, extra2: bool = False, extra3: bool = False, extra4: bool = False
) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    chosen = []
    tables = {corpus: sentences(briefings) for corpus, briefings in corpora(shared).items()}
    for corpus, table in tables.items():
        table = table[table["sentence"].str.split().str.len().between(6, 70)]
        forward = table[table["sentence"].str.contains(FORWARD)]
        timed = forward["sentence"].str.contains(TIME)
        n = DRAWN[corpus]
        n_timed = n * 3 // 4
        picked = [
            forward[timed].loc[rng.choice(forward[timed].index, n_timed, replace=False)],
            forward[~timed].loc[rng.choice(forward[~timed].index, n - n_timed, replace=False)],
        ]
        rows = pd.concat(picked).assign(corpus=corpus)
        halves = np.array(["tune"] * (n // 2) + ["test"] * (n - n // 2))
        rows["split"] = rng.permutation(halves)
        chosen.append(rows)
    dated_rng = np.random.default_rng(SEED + 1)
    for corpus, n in DATED.items():
        table = tables[corpus]
        table = table[table["sentence"].str.split().str.len().between(6, 70)]
        taken = pd.MultiIndex.from_frame(pd.concat(chosen)[["id", "section", "sentence_index"]])
        keys = pd.MultiIndex.from_frame(table[["id", "section", "sentence_index"]])
        pool = table[
            table["sentence"].str.contains(FORWARD)
            & table["sentence"].str.contains(DAY)
            & ~keys.isin(taken)
        ]
        rows = pool.loc[dated_rng.choice(pool.index, n, replace=False)].assign(corpus=corpus)
        rows["split"] = dated_rng.permutation(
            np.array(["tune"] * (n // 2) + ["test"] * (n - n // 2))
        )
        chosen.append(rows)
    extra_rng = np.random.default_rng(SEED + 2)
    for corpus, n in EXTRA.items():
        table = tables[corpus]
        table = table[table["sentence"].str.split().str.len().between(6, 70)]
        taken = pd.MultiIndex.from_frame(pd.concat(chosen)[["id", "section", "sentence_index"]])
        keys = pd.MultiIndex.from_frame(table[["id", "section", "sentence_index"]])
        body = table["sentence"].str.replace(DATELINE, "", regex=True)
        forward = table["sentence"].str.contains(FORWARD) & ~keys.isin(taken)
        dated = body.str.contains(DAY) | body.str.contains(NUMERIC_DATE)
        named = ~dated & body.str.contains(MONTH_OR_WEEKDAY)
        n_dated = n * 5 // 6
        picked = [
            table[forward & dated].loc[
                extra_rng.choice(table[forward & dated].index, n_dated, replace=False)
            ],
            table[forward & named].loc[
                extra_rng.choice(table[forward & named].index, n - n_dated, replace=False)
            ],
        ]
        rows = pd.concat(picked).assign(corpus=corpus)
        rows["split"] = extra_rng.permutation(
            np.array(["tune-extra"] * (n // 2) + ["test-extra"] * (n - n // 2))
        )
        chosen.append(rows)
    more_rng = np.random.default_rng(SEED + 3)
    for corpus, n in EXTRA_DATED.items():
        table = tables[corpus]
        table = table[table["sentence"].str.split().str.len().between(6, 70)]
        taken = pd.MultiIndex.from_frame(pd.concat(chosen)[["id", "section", "sentence_index"]])
        keys = pd.MultiIndex.from_frame(table[["id", "section", "sentence_index"]])
        body = table["sentence"].str.replace(DATELINE, "", regex=True)
        pool = table[
            table["sentence"].str.contains(FORWARD)
            & ~keys.isin(taken)
            & (body.str.contains(DAY) | body.str.contains(NUMERIC_DATE))
        ]
        rows = pool.loc[more_rng.choice(pool.index, n, replace=False)].assign(corpus=corpus)
        rows["split"] = more_rng.permutation(
            np.array(["tune-extra"] * (n // 2) + ["test-extra"] * (n - n // 2))
        )
        chosen.append(rows)
    if extra2 or extra3 or extra4:
        chosen.append(draw_extra2(tables, pd.concat(chosen)))
    if extra3 or extra4:
        chosen.append(draw_extra3(tables, pd.concat(chosen)))
    if extra4:
        chosen.append(draw_extra4(tables, pd.concat(chosen)))
    selection = pd.concat(chosen, ignore_index=True)
    return selection[["corpus", "id", "date", "section", "sentence_index", "split", "sentence"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    parser.add_argument("--texts-out", type=Path)
    parser.add_argument(
        "--extra2", action="store_true", help="add the fifth draw (tune-extra2, test-extra2)"
    )
    parser.add_argument(
        "--extra3",
        action="store_true",
        help="add the fifth and sixth draws (tune-extra3, test-extra3)",
    )
    parser.add_argument(
        "--extra4",
        action="store_true",
        help="add the fifth, sixth and seventh draws (tune-extra4, test-extra4)",
    )
    args = parser.parse_args()
    selection = draw(args.shared, extra2=args.extra2, extra3=args.extra3, extra4=args.extra4)
    selection.drop(columns="sentence").to_csv(HERE / "selection.csv", index=False)
    if args.texts_out:
        with open(args.texts_out, "w", encoding="utf-8") as handle:
            for row in selection.to_dict("records"):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(selection.groupby(["corpus", "split"]).size().to_string())


if __name__ == "__main__":
    main()
