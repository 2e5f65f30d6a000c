"""Draw the texts of the relations development set (seeded, reproducible).

    python bench/relations_dev/draw.py [--shared ../shared] [--texts-out DIR]
                                       [--extra N | --briefings N | --extra2 N | --extra3 N]

Writes ``bench/relations_dev/selection.csv`` (id, corpus, date, countries found, split)
and, with ``--texts-out``, the drawn texts as JSONL batches to read while labelling (kept
outside the repository: the shared corpora's text is never copied into the project).

The draw: 400 Wikipedia current-events summaries spread over every year of
``wce-dev.jsonl`` (three quarters among texts naming two or more countries, so most can
hold a relation or show two countries that are not related; a quarter from all texts),
70 Reuters-21578 articles of at most 150 words naming two or more countries, and 40
briefings of the bundled sample corpus. Each text goes to ``tune`` or ``test`` by one
seeded draw, half each within every corpus.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.countries import extract_mentions
from analytics.ingest import load_corpus_with_report
from analytics.paths import sample_corpus_dir

HERE = Path(__file__).resolve().parent
SEED = 20261204
N_WCE, N_REUTERS, N_SAMPLE = 400, 70, 40


def _countries(briefings: pd.DataFrame) -> pd.Series:
    mentions = extract_mentions(briefings)
    counts = mentions.groupby("briefing_id")["iso3"].nunique()
    return briefings["briefing_id"].map(counts).fillna(0).astype(int)


def _spread_over_years(table: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` rows, as even across years as the years' sizes allow."""
    years = table["date"].astype(str).str[:4]
    groups = {year: rows.index.to_numpy() for year, rows in table.groupby(years)}
    share = {year: n // len(groups) for year in groups}
    for year in sorted(groups, key=lambda y: -len(groups[y]))[: n - sum(share.values())]:
        share[year] += 1
    picked: list[int] = []
    spare = 0
    for year in sorted(groups, key=lambda y: len(groups[y])):
        want = share[year] + spare
        take = min(want, len(groups[year]))
        spare = want - take
        picked += list(rng.choice(groups[year], size=take, replace=False))
    return table.loc[picked]


def select(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(SEED)
    wce = pd.read_json(shared / "corpora/wikipedia-current-events/wce-dev.jsonl", lines=True)
    wce = wce.rename(columns={"id": "briefing_id"})
    wce["n_countries"] = _countries(wce[["briefing_id", "text"]].assign(date=pd.NaT))
    multi = wce[wce["n_countries"] >= 2]
    n_multi = N_WCE * 3 // 4
    chosen_multi = _spread_over_years(multi, n_multi, rng)
    rest = wce.drop(index=chosen_multi.index)
    chosen_any = _spread_over_years(rest, N_WCE - n_multi, rng)
    wce_rows = pd.concat([chosen_multi, chosen_any]).assign(corpus="wce")

    reuters = load_corpus_with_report([shared / "corpora/reuters21578/reuters.jsonl"]).briefings
    reuters = reuters[reuters["text"].str.split().str.len() <= 150].reset_index(drop=True)
    reuters["n_countries"] = _countries(reuters)
    candidates = reuters[reuters["n_countries"] >= 2]
    reuters_rows = candidates.loc[rng.choice(candidates.index, N_REUTERS, replace=False)]
    reuters_rows = reuters_rows.assign(corpus="reuters")

    sample = load_corpus_with_report([sample_corpus_dir()]).briefings
    sample["n_countries"] = _countries(sample)
    sample_rows = sample.loc[rng.choice(sample.index, N_SAMPLE, replace=False)]
    sample_rows = sample_rows.assign(corpus="sample")

    rows = pd.concat([wce_rows, reuters_rows, sample_rows], ignore_index=True)
    rows["date"] = pd.to_datetime(rows["date"], utc=True).dt.strftime("%Y-%m-%d")
    split = np.empty(len(rows), dtype=object)
    for _, members in rows.groupby("corpus").groups.items():
        order = rng.permutation(np.asarray(members))
        split[order[: len(order) // 2]] = "tune"
        split[order[len(order) // 2 :]] = "test"
    rows["split"] = split
    columns = ["briefing_id", "corpus", "date", "n_countries", "split"]
    return rows[columns].rename(columns={"briefing_id": "id"}), rows


def select_extra(shared: Path, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` more current-events texts naming two countries or more, all for ``tune``.

    Drawn (seeded) across years from the texts not in ``selection.csv``: more rows to
    tune on, while ``test`` stays as it was drawn.
    """
    rng = np.random.default_rng(SEED + 1)
    taken = set(pd.read_csv(HERE / "selection.csv", dtype=str)["id"])
    rows = _wce_naming_two(shared, taken, n, rng)
    rows["split"] = "tune"
    columns = ["briefing_id", "corpus", "date", "n_countries", "split"]
    return rows[columns].rename(columns={"briefing_id": "id"}), rows


def select_briefings(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` more sample briefings, half for ``tune-briefings``, half for ``test-briefings``.

    Drawn (seeded) from the bundled sample's briefings not in ``selection.csv``: briefings are
    the product's own format, where a summary relates countries across its sentences, and the
    first draw held only 20 of them in each half.
    """
    rng = np.random.default_rng(SEED + 2)
    taken = set(pd.read_csv(HERE / "selection.csv", dtype=str)["id"])
    sample = load_corpus_with_report([sample_corpus_dir()]).briefings
    sample = sample[~sample["briefing_id"].isin(taken)].reset_index(drop=True)
    sample["n_countries"] = _countries(sample)
    rows = sample.loc[rng.choice(sample.index, n, replace=False)].assign(corpus="sample")
    rows["date"] = pd.to_datetime(rows["date"], utc=True).dt.strftime("%Y-%m-%d")
    return _halves(rows, rng, "tune-briefings", "test-briefings")


def _wce_naming_two(
    shared: Path, taken: set[str], n: int, rng: np.random.Generator
) -> pd.DataFrame:
    """``n`` current-events texts naming two countries or more, none of ``taken``, drawn
    (seeded) across years, with their dates as days."""
    wce = pd.read_json(shared / "corpora/wikipedia-current-events/wce-dev.jsonl", lines=True)
    wce = wce.rename(columns={"id": "briefing_id"})
    wce = wce[~wce["briefing_id"].isin(taken)].reset_index(drop=True)
    wce["n_countries"] = _countries(wce[["briefing_id", "text"]].assign(date=pd.NaT))
    rows = _spread_over_years(wce[wce["n_countries"] >= 2], n, rng).assign(corpus="wce")
    rows["date"] = pd.to_datetime(rows["date"], utc=True).dt.strftime("%Y-%m-%d")
    return rows


def _halves(
    rows: pd.DataFrame, rng: np.random.Generator, tune: str, test: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``rows`` split in two by one seeded permutation (the first half, rounded down, to
    ``tune``), as the selection file's columns and as drawn."""
    order = rng.permutation(len(rows))
    split = np.empty(len(rows), dtype=object)
    split[order[: len(rows) // 2]] = tune
    split[order[len(rows) // 2 :]] = test
    rows["split"] = split
    columns = ["briefing_id", "corpus", "date", "n_countries", "split"]
    return rows[columns].rename(columns={"briefing_id": "id"}), rows


def select_extra2(shared: Path, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` more current-events texts naming two countries or more, half to tune, half to test.

    Drawn (seeded) across years from the texts of no earlier selection file, then split by one
    seeded permutation into ``tune-extra2`` (for tuning) and ``test-extra`` (only measured): a
    held-out check of rules tuned on the earlier halves, and more texts to tune on.
    """
    rng = np.random.default_rng(SEED + 3)
    taken: set[str] = set()
    for name in ("selection.csv", "selection-extra.csv", "selection-briefings.csv"):
        taken |= set(pd.read_csv(HERE / name, dtype=str)["id"])
    rows = _wce_naming_two(shared, taken, n, rng)
    return _halves(rows, rng, "tune-extra2", "test-extra")


def select_extra3(shared: Path, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` more current-events texts naming two countries or more, half to tune, half to test.

    Drawn (seeded) across years from the texts of no earlier selection file, then split by one
    seeded permutation into ``tune-extra3`` (for tuning) and ``test-extra3`` (only measured):
    a fresh held-out check of the rules tuned on every earlier half.
    """
    rng = np.random.default_rng(SEED + 4)
    taken: set[str] = set()
    for name in (
        "selection.csv",
        "selection-extra.csv",
        "selection-briefings.csv",
        "selection-extra2.csv",
    ):
        taken |= set(pd.read_csv(HERE / name, dtype=str)["id"])
    rows = _wce_naming_two(shared, taken, n, rng)
    return _halves(rows, rng, "tune-extra3", "test-extra3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    parser.add_argument("--texts-out", type=Path)
    parser.add_argument(
        "--extra", type=int, help="draw this many more texts for tune (selection-extra.csv)"
    )
    parser.add_argument(
        "--briefings",
        type=int,
        help="draw this many more sample briefings, half each for tune-briefings and "
        "test-briefings (selection-briefings.csv)",
    )
    parser.add_argument(
        "--extra2",
        type=int,
        help="draw this many more texts, half each for tune-extra2 and test-extra "
        "(selection-extra2.csv)",
    )
    parser.add_argument(
        "--extra3",
        type=int,
        help="draw this many more texts, half each for tune-extra3 and test-extra3 "
        "(selection-extra3.csv)",
    )
    args = parser.parse_args()
    if args.extra3:
        selection, rows = select_extra3(args.shared, args.extra3)
        selection.to_csv(HERE / "selection-extra3.csv", index=False)
    elif args.extra2:
        selection, rows = select_extra2(args.shared, args.extra2)
        selection.to_csv(HERE / "selection-extra2.csv", index=False)
    elif args.briefings:
        selection, rows = select_briefings(args.briefings)
        selection.to_csv(HERE / "selection-briefings.csv", index=False)
    elif args.extra:
        selection, rows = select_extra(args.shared, args.extra)
        selection.to_csv(HERE / "selection-extra.csv", index=False)
    else:
        selection, rows = select(args.shared)
        selection.to_csv(HERE / "selection.csv", index=False)
    print(selection.groupby(["corpus", "split"]).size().to_string())
    if args.texts_out:
        args.texts_out.mkdir(parents=True, exist_ok=True)
        with open(args.texts_out / "texts.jsonl", "w", encoding="utf-8") as handle:
            for row in rows.itertuples(index=False):
                record = {
                    "id": row.briefing_id,
                    "corpus": row.corpus,
                    "date": row.date,
                    "text": row.text,
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
