"""Country-pair interactions: who did what to whom, with evidence, and over time."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import parallel, settings
from analytics import schema as S
from analytics.errors import InputError
from analytics.relations import (
    Lexicon,
    default_lexicon,
    pair_net,
    pair_summary,
    relations_over_time,
    score_interactions,
    score_sentence,
)
from analytics.relations import corpus as corpus_module
from analytics.relations import roles as roles_module
from analytics.relations import scoring as scoring_module
from analytics.text import segment_table, split_sentences

# Surfaces of the unit-test sentences: (iso3, kind).
ACTORS = {
    "Britain": ("GBR", "name"),
    "United States": ("USA", "name"),
    "U.S.": ("USA", "alias"),
    "Russia": ("RUS", "name"),
    "Ukraine": ("UKR", "name"),
    "Japan": ("JPN", "name"),
    "Japanese": ("JPN", "demonym"),
    "China": ("CHN", "name"),
    "Chinese": ("CHN", "demonym"),
    "Taiwan": ("TWN", "name"),
    "South Korea": ("KOR", "name"),
    "Iran": ("IRN", "name"),
    "London": ("GBR", "capital"),
    "LONDON": ("GBR", "capital"),
    "Pacific": ("", "place"),
}
_ACTOR_PATTERN = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(s) for s in sorted(ACTORS, key=len, reverse=True)) + ")"
)


@pytest.fixture(scope="module")
def lexicon(fixtures_dir: Path) -> Lexicon:
    folder = fixtures_dir / "relations"
    return Lexicon(
        pd.read_csv(folder / "cues.csv", dtype=str, keep_default_na=False),
        pd.read_csv(folder / "modifiers.csv", dtype=str, keep_default_na=False),
    )


def sentence_mentions(text: str) -> list[tuple[int, int, str, str]]:
    return [
        (m.start(), m.end(), *ACTORS[m.group()])
        for m in _ACTOR_PATTERN.finditer(text)
        if ACTORS[m.group()][1] != "place"
    ]


def table_mentions(briefings: pd.DataFrame, actors: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Mention rows for every surface in ``actors``, spans relative to the section text."""
    pattern = re.compile(
        r"(?<![\w.])(" + "|".join(re.escape(s) for s in sorted(actors, key=len, reverse=True)) + ")"
    )
    rows = []
    segments = segment_table(briefings)
    for briefing_id, section, text in zip(
        segments[S.BRIEFING_ID], segments[S.SECTION], segments[S.TEXT], strict=True
    ):
        for index, (start, end) in enumerate(split_sentences(text)):
            for match in pattern.finditer(text, start, end):
                iso3, kind = actors[match.group()]
                rows.append(
                    (briefing_id, section, index, match.start(), match.end(), match.group())
                    + (iso3, kind, 1.0)
                )
    return pd.DataFrame(rows, columns=list(S.MENTION_COLUMNS))


def briefing_table(rows: list[dict]) -> pd.DataFrame:
    records = []
    for number, row in enumerate(rows):
        record = dict.fromkeys(S.BRIEFING_COLUMNS, "")
        record[S.BRIEFING_ID] = row.get(S.BRIEFING_ID, f"b{number}")
        record[S.DATE] = pd.Timestamp(row.get(S.DATE, "2024-01-01"), tz="UTC")
        record[S.DUPLICATE_OF] = pd.NA
        record.update({k: v for k, v in row.items() if k not in (S.BRIEFING_ID, S.DATE)})
        records.append(record)
    return pd.DataFrame(records)


# -- one sentence: structure, modifiers, evidence --------------------------------

SENTENCE_CASES = [
    (
        "Britain and the United States condemned Russia's strike on Ukraine.",
        [
            ("GBR", "RUS", -2.0, "verbal_conflict", "condemned", False),
            ("GBR", "USA", 1.0, "neutral", "condemned", False),
            ("RUS", "UKR", -9.0, "material_conflict", "strike", False),
            ("RUS", "USA", -2.0, "verbal_conflict", "condemned", False),
        ],
    ),
    (
        "Japan violated the semiconductor agreement with the United States.",
        [("JPN", "USA", -4.0, "material_conflict", "violated", False)],
    ),
    ("Japan violated the semiconductor agreement.", []),
    (
        "U.S.-Japan trade talks collapsed.",
        [("JPN", "USA", -4.0, "verbal_conflict", "collapsed", False)],
    ),
    (
        "Leaders praised the Japan-U.S.-South Korea partnership.",
        [
            ("JPN", "KOR", 4.0, "verbal_cooperation", "partnership", False),
            ("JPN", "USA", 4.0, "verbal_cooperation", "partnership", False),
            ("KOR", "USA", 4.0, "verbal_cooperation", "partnership", False),
        ],
    ),
    (
        "The importance of the U.S.-Japan alliance grew amid tensions with China.",
        [
            ("CHN", "JPN", -3.0, "verbal_conflict", "tensions", False),
            ("CHN", "USA", -3.0, "verbal_conflict", "tensions", False),
            ("JPN", "USA", 4.0, "verbal_cooperation", "alliance", False),
        ],
    ),
    (
        "Tensions between China and Taiwan rose.",
        [("CHN", "TWN", -3.0, "verbal_conflict", "Tensions", False)],
    ),
    (
        "Japan condemns China.",
        [("CHN", "JPN", -2.0, "verbal_conflict", "condemns", False)],
    ),
    (
        "Japan is condemning China.",
        [("CHN", "JPN", -2.0, "verbal_conflict", "condemning", False)],
    ),
    ("Japan did not condemn China.", []),
    ("Japan didn't condemn China.", []),
    (
        "Japan refused to sign an agreement with China.",
        [("CHN", "JPN", -4.0, "verbal_conflict", "refused to sign an agreement", False)],
    ),
    (
        "There was no sign of cooperation between Japan and China.",
        [("CHN", "JPN", -1.75, "verbal_conflict", "no sign of cooperation", False)],
    ),
    (
        "Japan lifted sanctions on China.",
        [("CHN", "JPN", 2.0, "material_cooperation", "lifted sanctions", False)],
    ),
    (
        "Japan refused to lift sanctions on China.",
        [("CHN", "JPN", -4.0, "material_conflict", "refused to lift sanctions", False)],
    ),
    (
        "Japan could impose tariffs on China.",
        [("CHN", "JPN", -4.0, "material_conflict", "tariffs", True)],
    ),
    (
        "Japan plans to sign an agreement with China.",
        [("CHN", "JPN", 8.0, "verbal_cooperation", "sign an agreement", True)],
    ),
    (
        "Japan condemned China and may act later.",
        [("CHN", "JPN", -2.0, "verbal_conflict", "condemned", False)],
    ),
    (
        "Japan condemned China; Japan could support China.",
        [("CHN", "JPN", -2.0, "verbal_conflict", "condemned", False)],
    ),
    (
        "Japan condemned and violated its agreement with China.",
        [("CHN", "JPN", -3.0, "material_conflict", "condemned|violated", False)],
    ),
    (
        "Britain supported sanctions against Iran.",
        [("GBR", "IRN", -4.0, "material_conflict", "sanctions", False)],
    ),
    (
        "China and Taiwan signed an agreement, while Japan condemned Russia.",
        [
            ("CHN", "TWN", 8.0, "verbal_cooperation", "signed an agreement", False),
            ("JPN", "RUS", -2.0, "verbal_conflict", "condemned", False),
        ],
    ),
    # The relative clause is about Japan (it signed); China is not paired with Russia.
    (
        "Japan, which signed an agreement with China, condemned Russia.",
        [
            ("CHN", "JPN", 8.0, "verbal_cooperation", "signed an agreement", False),
            ("JPN", "RUS", -2.0, "verbal_conflict", "condemned", False),
        ],
    ),
    ("Japan condemned the strike.", []),
    ("Japan and China reported higher exports.", []),
    ("Japan and China marked the end of World War Two.", []),
    (
        "LONDON, March 3 - Japan condemned China.",
        [("CHN", "JPN", -2.0, "verbal_conflict", "condemned", False)],
    ),
    (
        "Japan and China held talks in London.",
        [("CHN", "JPN", 1.0, "verbal_cooperation", "talks", False)],
    ),
    (
        "Japan condemned the Pacific strike on China.",
        [("CHN", "JPN", -2.0, "verbal_conflict", "condemned", False)],
    ),
]
SENTENCE_IDS = [
    "subject-object-structure",
    "noun-object-of-conflict-verb",
    "one-country",
    "noun-before-conflict-verb",
    "hyphen-compound-three",
    "compound-and-cross-pairs",
    "between-group",
    "inflection-s",
    "inflection-ing",
    "negation-cancels-conflict",
    "contraction-cancels-conflict",
    "negation-flips-cooperation",
    "negation-no-sign-of",
    "reversal-flips-conflict",
    "negated-reversal-keeps-cue",
    "hedge-could",
    "hedge-plans-to",
    "hedge-after-cue-ignored",
    "factual-wins-over-forward",
    "verbs-govern-mean",
    "conflict-wins-sign-disagreement",
    "clause-split-while",
    "relative-clause",
    "one-country-with-cue",
    "co-mention-no-cue",
    "stop-phrase",
    "dateline-not-actor",
    "capital-as-location",
    "place-kind-ignored",
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES, ids=SENTENCE_IDS)
def test_score_sentence_relates_the_right_pairs(
    lexicon: Lexicon, text: str, expected: list[tuple]
) -> None:
    assert score_sentence(text, sentence_mentions(text), lexicon) == expected


def test_score_sentence_forward_section_marks_every_pair(lexicon: Lexicon) -> None:
    text = "Japan condemned China."
    [row] = score_sentence(text, sentence_mentions(text), lexicon, forward_section=True)
    assert row[-1] is True


def test_score_sentence_coaction_weight_zero_gives_neutral_zero(lexicon: Lexicon) -> None:
    text = "Britain and the United States condemned Russia."
    rows = score_sentence(text, sentence_mentions(text), lexicon, coaction_weight=0.0)
    assert ("GBR", "USA", 0.0, "neutral", "condemned", False) in rows


def test_score_sentence_accepts_mentions_without_kind(lexicon: Lexicon) -> None:
    text = "Japan condemned China."
    mentions = [(start, end, iso3) for start, end, iso3, _ in sentence_mentions(text)]
    assert score_sentence(text, mentions, lexicon)[0][:3] == ("CHN", "JPN", -2.0)


# -- the corpus table ----------------------------------------------------------------


@pytest.fixture
def two_briefings() -> pd.DataFrame:
    return briefing_table(
        [
            {
                S.BRIEFING_ID: "b1",
                S.DATE: "2024-03-05",
                S.TITLE: "Japan condemns China",
                S.HAPPENING: "Trade grew. Japan condemned China's strike on Taiwan.",
                S.NEXT: "Japan condemned China.",
            },
            {
                S.BRIEFING_ID: "b2",
                S.DATE: "2024-03-06",
                S.TEXT: "Exports to Japan rose. The Pacific was calm.",
            },
        ]
    )


def test_score_interactions_rows_hand_worked(lexicon: Lexicon, two_briefings) -> None:
    mentions = table_mentions(two_briefings, ACTORS)
    interactions = score_interactions(two_briefings, mentions, lexicon=lexicon)
    assert list(interactions.columns) == list(S.INTERACTION_COLUMNS)
    expected = [
        ("b1", "title", 0, "Japan condemns China", "CHN", "JPN", -2.0, "condemns", False),
        ("b1", "happening", 1, "Japan condemned China's strike on Taiwan.", "CHN", "JPN")
        + (-2.0, "condemned", False),
        ("b1", "happening", 1, "Japan condemned China's strike on Taiwan.", "CHN", "TWN")
        + (-9.0, "strike", False),
        ("b1", "next", 0, "Japan condemned China.", "CHN", "JPN", -2.0, "condemned", True),
    ]
    got = list(
        interactions[
            [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.SENTENCE, S.COUNTRY_A, S.COUNTRY_B]
            + [S.SCORE, S.CUES, S.FORWARD_LOOKING]
        ].itertuples(index=False, name=None)
    )
    assert got == expected
    assert (interactions[S.DATE] == pd.Timestamp("2024-03-05", tz="UTC")).all()
    assert interactions[S.FORWARD_LOOKING].dtype == bool


def test_score_interactions_parallel_equals_serial(
    lexicon: Lexicon, two_briefings, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = pd.concat(
        [
            two_briefings.assign(**{S.BRIEFING_ID: two_briefings[S.BRIEFING_ID] + f"-{n}"})
            for n in range(30)
        ],
        ignore_index=True,
    )
    mentions = table_mentions(many, ACTORS)
    serial = score_interactions(many, mentions, lexicon=lexicon)
    monkeypatch.setattr(corpus_module, "fork_workers", lambda: 2)
    with settings.override(relations_parallel_from=2):
        parallel = score_interactions(many, mentions, lexicon=lexicon)
    assert len(serial) == 30 * 4
    pd.testing.assert_frame_equal(parallel, serial)


def test_score_interactions_scores_each_sentence_as_score_sentence_does(
    lexicon: Lexicon, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The corpus path finds every sentence's cues and modifiers in batches; each sentence
    # must still score exactly as on its own, here for every hand-worked case plus
    # sentences without cues, with only a stop phrase, with curly apostrophes and with
    # letters that grow when lower-cased. The cases are joined into one text, so phrases
    # referring back across sentences (``test_anaphora.py``) are left out here.
    monkeypatch.setattr(
        corpus_module, "anaphor_mentions", lambda briefings, mentions, *_: mentions[:0]
    )
    texts = [case[0] for case in SENTENCE_CASES] + [
        "Japan and China met.",
        "Japan didn\u2019t condemn China.",
        "In May Japan and China may sign a deal.",
        "\u0130stanbul hosted Japan, which condemned China.",
        "Trade grew.",
    ]
    body = " ".join(texts)
    briefings = briefing_table([{S.TEXT: body}, {S.HAPPENING: body, S.NEXT: body}])
    rows = score_interactions(briefings, table_mentions(briefings, ACTORS), lexicon=lexicon)
    expected = []
    for briefing_id, section in (("b0", S.SECTION_BODY), ("b1", S.HAPPENING), ("b1", S.NEXT)):
        for index, (start, end) in enumerate(split_sentences(body)):
            sentence = body[start:end]
            pairs = score_sentence(
                sentence,
                sentence_mentions(sentence),
                lexicon,
                forward_section=section == S.NEXT,
            )
            expected += [(briefing_id, section, index, *pair) for pair in pairs]
    columns = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX, S.COUNTRY_A, S.COUNTRY_B, S.SCORE]
    columns += [S.CLASS, S.CUES, S.FORWARD_LOOKING]
    assert len(expected) > 3 * len(SENTENCE_CASES)
    assert list(rows[columns].itertuples(index=False, name=None)) == expected


def test_score_interactions_never_forks_beside_other_threads(
    lexicon: Lexicon, two_briefings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args, **kwargs):
        raise AssertionError("forked beside other threads")

    mentions = table_mentions(two_briefings, ACTORS)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 3)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    with settings.override(relations_parallel_from=2):
        assert len(score_interactions(two_briefings, mentions, lexicon=lexicon)) == 4


def test_score_interactions_ignores_place_mentions(lexicon: Lexicon) -> None:
    briefings = briefing_table([{S.TEXT: "Japan condemned the Pacific strike."}])
    actors = {"Japan": ("JPN", "name"), "Pacific": ("CHN", "place")}
    mentions = table_mentions(briefings, actors)
    assert score_interactions(briefings, mentions, lexicon=lexicon).empty


def test_score_interactions_empty_mentions_keep_columns(lexicon: Lexicon, two_briefings) -> None:
    empty = pd.DataFrame({column: [] for column in S.MENTION_COLUMNS})
    interactions = score_interactions(two_briefings, empty, lexicon=lexicon)
    assert interactions.empty
    assert list(interactions.columns) == list(S.INTERACTION_COLUMNS)


def test_score_interactions_accepts_cue_table(fixtures_dir: Path, two_briefings) -> None:
    cues = pd.read_csv(fixtures_dir / "relations" / "cues.csv", dtype=str, keep_default_na=False)
    mentions = table_mentions(two_briefings, ACTORS)
    interactions = score_interactions(two_briefings, mentions, lexicon=cues)
    assert set(interactions[S.COUNTRY_B]) == {"JPN", "TWN"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lexicon": "cues.csv"}, r"lexicon must be .* got 'str'"),
        ({"coaction_weight": -1.0}, r"coaction_weight must be between 0 and 10; got -1.0"),
    ],
    ids=["lexicon-type", "coaction-weight"],
)
def test_score_interactions_rejects_bad_arguments(two_briefings, kwargs: dict, match: str) -> None:
    mentions = table_mentions(two_briefings, ACTORS)
    with pytest.raises(InputError, match=match):
        score_interactions(two_briefings, mentions, **kwargs)


def test_score_interactions_rejects_mentions_without_columns(lexicon, two_briefings) -> None:
    mentions = table_mentions(two_briefings, ACTORS).drop(columns=[S.KIND])
    with pytest.raises(InputError, match=r"mentions must have columns .*missing \['kind'\]"):
        score_interactions(two_briefings, mentions, lexicon=lexicon)


# -- paraphrased seed: same structure as the user's example, our own words ------------

HEADINGS = {
    "What's Happening?": S.HAPPENING,
    "Why It's Important?": S.IMPORTANCE,
    "What's Next?": S.NEXT,
}


def read_sections(path: Path) -> pd.DataFrame:
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() in HEADINGS:
            current = HEADINGS[line.strip()]
            sections[current] = []
        elif current is not None and line.strip():
            sections[current].append(line.strip())
    row = {section: " ".join(lines) for section, lines in sections.items()}
    return briefing_table([{S.BRIEFING_ID: path.stem, S.DATE: "2026-01-15", **row}])


def assert_seed_relations(summary: pd.DataFrame) -> None:
    net = {
        (a, b): value
        for a, b, value in zip(
            summary[S.COUNTRY_A], summary[S.COUNTRY_B], summary[S.NET], strict=True
        )
    }
    assert net[("JPN", "USA")] > 0
    assert net[("JPN", "KOR")] > 0
    assert net[("KOR", "USA")] > 0
    assert net[("CHN", "JPN")] < 0
    assert net[("CHN", "TWN")] < 0
    # No pair with the wrong sign: China's pairs are tense, the three partners' are not.
    for (a, b), value in net.items():
        if "CHN" in (a, b):
            assert value < 0, (a, b)
        else:
            assert value > 0, (a, b)


def test_score_interactions_paraphrased_seed_signs(fixtures_dir: Path) -> None:
    folder = fixtures_dir / "relations"
    briefings = read_sections(folder / "alliance_briefing.txt")
    actor_table = pd.read_csv(folder / "alliance_mentions.csv")
    actors = {s: (i, k) for s, i, k in actor_table.itertuples(index=False, name=None)}
    interactions = score_interactions(briefings, table_mentions(briefings, actors))
    assert_seed_relations(pair_summary(interactions, include_forward=True))
    # The alliance also stands on what already happened, not only on plans.
    factual = pair_summary(interactions)
    assert factual.set_index([S.COUNTRY_A, S.COUNTRY_B]).loc[("JPN", "USA"), S.NET] > 0


# -- over time -------------------------------------------------------------------


@pytest.fixture
def monthly_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Jan 2 briefings, Feb 1, Mar 4, Apr none, May 1; one pair's interactions."""
    dates = ["2024-01-03", "2024-01-10", "2024-02-05"]
    dates += ["2024-03-01", "2024-03-08", "2024-03-15", "2024-03-22", "2024-05-02"]
    briefings = briefing_table([{S.DATE: date} for date in dates])
    rows = [
        ("2024-01-03", "CHN", "JPN", -2.0, "verbal_conflict", False),
        ("2024-01-10", "CHN", "JPN", 4.0, "verbal_cooperation", False),
        ("2024-03-01", "CHN", "JPN", -3.0, "verbal_conflict", False),
        ("2024-03-08", "CHN", "JPN", -3.0, "verbal_conflict", False),
        ("2024-03-15", "CHN", "JPN", -6.0, "material_conflict", False),
        ("2024-03-22", "CHN", "JPN", -9.0, "material_conflict", True),
        ("2024-03-22", "KOR", "USA", 4.0, "verbal_cooperation", False),
    ]
    interactions = pd.DataFrame(
        {
            S.BRIEFING_ID: [f"i{n}" for n in range(len(rows))],
            S.DATE: [pd.Timestamp(r[0], tz="UTC") for r in rows],
            S.SECTION: "body",
            S.SENTENCE_INDEX: 0,
            S.SENTENCE: "",
            S.COUNTRY_A: [r[1] for r in rows],
            S.COUNTRY_B: [r[2] for r in rows],
            S.SCORE: [r[3] for r in rows],
            S.CLASS: [r[4] for r in rows],
            S.CUES: "",
            S.FORWARD_LOOKING: [r[5] for r in rows],
        }
    )
    return interactions, briefings


def test_relations_over_time_monthly_hand_worked(monthly_case) -> None:
    interactions, briefings = monthly_case
    table = relations_over_time(interactions, briefings, "month", pairs=[("JPN", "CHN")])
    assert list(table.columns) == [*S.RELATION_COLUMNS[:-1], S.BASELINE, S.SPIKE]
    assert list(table[S.PERIOD].dt.month) == [1, 2, 3, 4, 5]
    assert list(table[S.N_INTERACTIONS]) == [2, 0, 3, 0, 0]
    assert list(table[S.TENSION]) == [2.0, 0.0, 12.0, 0.0, 0.0]
    assert list(table[S.ALLIANCE]) == [4.0, 0.0, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(table[S.NET], [1.0, np.nan, -4.0, np.nan, np.nan])
    # Shares per briefing of the whole corpus: 2, 1, 4, 0 (unobserved) and 1 briefings.
    np.testing.assert_allclose(table[S.TENSION_SHARE], [1.0, 0.0, 3.0, np.nan, 0.0])
    np.testing.assert_allclose(table[S.ALLIANCE_SHARE], [2.0, 0.0, 0.0, np.nan, 0.0])
    # Baseline: mean share of earlier observed periods, at least two of them.
    np.testing.assert_allclose(table[S.BASELINE], [np.nan, np.nan, 0.5, 4 / 3, 4 / 3])
    # March: 3.0 > 0.5 + 2 * std(1, 0) = 1.914, with 3 conflict interactions.
    assert list(table[S.SPIKE]) == [False, False, True, False, False]


def test_relations_over_time_spike_needs_enough_conflicts(monthly_case) -> None:
    interactions, briefings = monthly_case
    table = relations_over_time(
        interactions, briefings, "month", pairs=[("CHN", "JPN")], min_conflicts=4
    )
    assert not table[S.SPIKE].any()


def test_relations_over_time_include_forward_counts_plans(monthly_case) -> None:
    interactions, briefings = monthly_case
    table = relations_over_time(
        interactions, briefings, "month", pairs=[("CHN", "JPN")], include_forward=True
    )
    march = table[table[S.PERIOD] == pd.Timestamp("2024-03-01")].iloc[0]
    assert march[S.N_INTERACTIONS] == 4
    assert march[S.TENSION] == 21.0


def test_relations_over_time_all_pairs_share_the_calendar(monthly_case) -> None:
    interactions, briefings = monthly_case
    table = relations_over_time(interactions, briefings, "quarter")
    assert list(
        zip(table[S.COUNTRY_A], table[S.COUNTRY_B], table[S.PERIOD].dt.month, strict=True)
    ) == [
        ("CHN", "JPN", 1),
        ("CHN", "JPN", 4),
        ("KOR", "USA", 1),
        ("KOR", "USA", 4),
    ]
    assert list(table[S.ALLIANCE_SHARE]) == [4.0 / 7, 0.0, 4.0 / 7, 0.0]


def test_relations_over_time_listed_pair_without_interactions_gets_zeros(monthly_case) -> None:
    interactions, briefings = monthly_case
    table = relations_over_time(interactions, briefings, "month", pairs=[("USA", "GBR")])
    assert list(table[S.COUNTRY_A].unique()) == ["GBR"]
    assert len(table) == 5
    assert table[S.N_INTERACTIONS].sum() == 0


def test_relations_over_time_week_periods_start_monday(monthly_case) -> None:
    interactions, briefings = monthly_case
    table = relations_over_time(
        interactions,
        briefings,
        "week",
        pairs=[("CHN", "JPN")],
        start=pd.Timestamp("2024-01-01"),
        end=pd.Timestamp("2024-01-14"),
    )
    assert list(table[S.PERIOD]) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-08")]
    assert list(table[S.N_INTERACTIONS]) == [1, 1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"freq": "year"}, r"period must be one of day, week, month, quarter; got 'year'"),
        ({"freq": "month", "pairs": ["CHN"]}, r"pairs must be \(iso3, iso3\) tuples; got 'CHN'"),
        ({"freq": "month", "baseline_periods": 1}, r"baseline_periods must be at least 2; got 1"),
    ],
    ids=["unknown-freq", "malformed-pair", "short-baseline"],
)
def test_relations_over_time_rejects_bad_arguments(monthly_case, kwargs, match) -> None:
    interactions, briefings = monthly_case
    with pytest.raises(InputError, match=match):
        relations_over_time(interactions, briefings, **kwargs)


def test_pair_summary_hand_worked(monthly_case) -> None:
    interactions, _ = monthly_case
    summary = pair_summary(interactions)
    assert list(summary.columns) == [
        S.COUNTRY_A,
        S.COUNTRY_B,
        S.N_INTERACTIONS,
        S.TENSION,
        S.ALLIANCE,
        S.NET,
    ]
    assert list(summary.itertuples(index=False, name=None)) == [
        ("CHN", "JPN", 5, 14.0, 4.0, -2.0),
        ("KOR", "USA", 1, 0.0, 4.0, 4.0),
    ]
    with_plans = pair_summary(interactions, include_forward=True)
    assert with_plans.iloc[0][S.N_INTERACTIONS] == 6


def test_pair_summary_rejects_table_without_columns() -> None:
    with pytest.raises(InputError, match=r"interactions must have columns"):
        pair_summary(pd.DataFrame({S.COUNTRY_A: ["CHN"]}))


# -- the bundled lexicon on relation phrases (#14 item 4; invented sentences) -------------

BUNDLED_ACTORS = {
    "Xi Jinping": ("CHN", "leader"),
    "United States": ("USA", "name"),
    "Thai": ("THA", "demonym"),
    "Cambodian": ("KHM", "demonym"),
    "Chile": ("CHL", "name"),
    "Norway": ("NOR", "name"),
    "Georgia": ("GEO", "name"),
    "Russia": ("RUS", "name"),
    "Russian": ("RUS", "demonym"),
    "Moldova": ("MDA", "name"),
    "Romania": ("ROU", "name"),
    "Peru": ("PER", "name"),
    "Kenya": ("KEN", "name"),
    "Somalia": ("SOM", "name"),
    "Egypt": ("EGY", "name"),
    "Israel": ("ISR", "name"),
    "Armenia": ("ARM", "name"),
    "Azerbaijan": ("AZE", "name"),
    "Dutch": ("NLD", "demonym"),
    "Afghanistan": ("AFG", "name"),
    "Japan": ("JPN", "name"),
    "China": ("CHN", "name"),
    "Poland": ("POL", "name"),
    "Germany": ("DEU", "name"),
    "Kazakhstan": ("KAZ", "name"),
    "Serbia": ("SRB", "name"),
    "Croatia": ("HRV", "name"),
    "Brazil": ("BRA", "name"),
    "Argentina": ("ARG", "name"),
    "Iceland": ("ISL", "name"),
    "Portugal": ("PRT", "name"),
    "Canada": ("CAN", "name"),
    "Denmark": ("DNK", "name"),
    "Finland": ("FIN", "name"),
    "Uzbekistan": ("UZB", "name"),
    "Ukraine": ("UKR", "name"),
    "Estonia": ("EST", "name"),
    "Venezuelan": ("VEN", "demonym"),
    "Guyanese": ("GUY", "demonym"),
    "Kenyan": ("KEN", "demonym"),
    "Sudan": ("SDN", "name"),
    "Australian": ("AUS", "demonym"),
    "Egyptian": ("EGY", "demonym"),
    "Israeli": ("ISR", "demonym"),
    "Sweden": ("SWE", "name"),
    "Lisbon": ("PRT", "capital"),
    "Somali": ("SOM", "demonym"),
    "Ukrainian": ("UKR", "demonym"),
    "Argentine": ("ARG", "demonym"),
}
_BUNDLED_PATTERN = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(s) for s in sorted(BUNDLED_ACTORS, key=len, reverse=True))
    + r")(?!\w)"
)


@pytest.fixture(scope="module")
def bundled_lexicon() -> Lexicon:
    return Lexicon()


def bundled_mentions(text: str) -> list[tuple[int, int, str, str]]:
    return [
        (m.start(), m.end(), *BUNDLED_ACTORS[m.group()]) for m in _BUNDLED_PATTERN.finditer(text)
    ]


BUNDLED_CASES = [
    # symmetric verbs: "A and B <verb>" relates A and B
    (
        "Thai and Cambodian troops exchanged fire along the disputed frontier.",
        [("KHM", "THA", -8.0, "material_conflict", "exchanged fire", False)],
    ),
    (
        "Chile and Norway agreed to re-establish diplomatic ties.",
        [("CHL", "NOR", 4.5, "verbal_cooperation", "re-establish diplomatic ties", False)],
    ),
    (
        "Armenia and Azerbaijan agreed to a ceasefire.",
        [("ARM", "AZE", 8.0, "material_cooperation", "ceasefire", False)],
    ),
    # "and <title> of <country>" joins the office holder to the list
    (
        "Xi Jinping and President of the United States Barack Obama reach a deal on emissions.",
        [("CHN", "USA", 8.0, "verbal_cooperation", "reach a deal", False)],
    ),
    # a list acted on does nothing together: no pairs among the countries on the list
    (
        "Canada cancels the tariffs on Denmark, Finland and Norway after reaching an agreement.",
        [
            ("CAN", "DNK", 2.0, "material_cooperation", "cancels the tariffs", False),
            ("CAN", "FIN", 2.0, "material_cooperation", "cancels the tariffs", False),
            ("CAN", "NOR", 2.0, "material_cooperation", "cancels the tariffs", False),
        ],
    ),
    # "each other": a directed cue done by each to the other
    (
        "Russia and Ukraine accuse each other of espionage.",
        [("RUS", "UKR", -2.0, "verbal_conflict", "accuse", False)],
    ),
    # withholding aid reverses it
    (
        "Canada may withhold aid to Uzbekistan.",
        [("CAN", "UZB", -3.5, "material_conflict", "withhold aid", True)],
    ),
    # the agents of a passive act together ("mediated by A, B and C")
    (
        "The truce was mediated by Egypt, Kenya and Somalia.",
        [
            ("EGY", "KEN", 1.0, "neutral", "mediated", False),
            ("EGY", "SOM", 1.0, "neutral", "mediated", False),
            ("KEN", "SOM", 1.0, "neutral", "mediated", False),
        ],
    ),
    # mediators relate to each party of the clause, wherever it stands (rule 9)
    (
        "Under the deal mediated by Egypt and Kenya, Somalia is to free the prisoners.",
        [
            ("EGY", "KEN", 1.0, "neutral", "mediated", False),
            ("EGY", "SOM", 5.0, "verbal_cooperation", "mediated", False),
            ("KEN", "SOM", 5.0, "verbal_cooperation", "mediated", False),
        ],
    ),
    (
        "Somalia freed the prisoners, with Egypt and Kenya acting as mediators.",
        [
            ("EGY", "KEN", 1.0, "neutral", "mediators", False),
            ("EGY", "SOM", 5.0, "verbal_cooperation", "mediators", False),
            ("KEN", "SOM", 5.0, "verbal_cooperation", "mediators", False),
        ],
    ),
    # an act suffered somewhere: the sufferer's state and the place are not parties
    ("A Somali soldier was killed in Kenya.", []),
    ("The Kenyan soldier killed in Somalia was buried.", []),
    ("Two Kenyan soldiers are killed by gunfire in the Gedo region of Somalia.", []),
    # ... unlike the act done there
    (
        "Kenyan forces killed civilians in Somalia.",
        [("KEN", "SOM", -9.0, "material_conflict", "killed", False)],
    ),
    # a conflict noun before a list of places names where it happens, not whom it is with
    ("Norway asks for funds to end the wars in Somalia and Sudan.", []),
    # ... while one country after it may be its party
    (
        "Norway condemned the war in Somalia.",
        [("NOR", "SOM", -2.0, "verbal_conflict", "condemned", False)],
    ),
    # ... as does a harm suffered before a list of places
    ("Norway mourns soldiers killed in Somalia and Sudan.", []),
    # what talks are about is no party to them; whose programme is talked about is, and
    # so is a place where they are held
    ("Norway releases the minutes of discussions regarding Somalia.", []),
    ("Norway holds talks about Somalia.", []),
    (
        "Norway holds talks on Somalia's debt.",
        [("NOR", "SOM", 1.0, "verbal_cooperation", "holds talks", False)],
    ),
    # harm suffered with no agent named: the victims' state and the place are no parties
    ("An Australian soldier is killed in fighting in Afghanistan.", []),
    ("Two Kenyan soldiers die from a roadside bomb in Somalia.", []),
    # a border named by its country's adjective is where something is
    ("Egyptian police kill a migrant outside the Israeli border.", []),
    # a capital naming a treaty is no party to what is done with it
    ("Sweden ratifies the Treaty of Lisbon.", []),
    # a group acted on does not do what the subject goes on to do
    ("The EU imposes sanctions on Russia and expresses support for Ukraine.", []),
    ("The EU imposed sanctions on Russia, voiced support for Ukraine.", []),
    # fighting what no state is: a list does it together, no country is fought
    (
        "Russia and China fight terrorism together.",
        [("CHN", "RUS", 6.0, "material_cooperation", "fight", False)],
    ),
    ("Ukraine's president is fighting cancer in Germany.", []),
    ("Russia and China did not fight terrorism together.", []),
    ("Russia fights Ukraine.", [("RUS", "UKR", -10.0, "material_conflict", "fights", False)]),
    # a war shrine is a place of remembrance, not a war
    ("Japan's minister at the war shrine angers China.", []),
    # a topic label opening a summary relates no one
    ("Russia-Ukraine conflict: the talks in Geneva continue.", []),
    # also one led by its year
    ("2008 Russia-Ukraine conflict: the talks in Geneva continue.", []),
    # ... and a longer one, up to nine words, none a verb of saying or being
    (
        "International response to the 2011 Egyptian protests: Israel evacuates citizens "
        "from Egypt.",
        [],
    ),
    (
        "2008 Russia-Ukraine stand-off: Russia and Ukraine agree to hold talks.",
        [("RUS", "UKR", 4.0, "verbal_cooperation", "agree to hold", False)],
    ),
    # a list that agrees to act together
    (
        "Armenia, Kazakhstan and Russia agree to form a rapid reaction force.",
        [
            ("ARM", "KAZ", 4.0, "verbal_cooperation", "agree to form", False),
            ("ARM", "RUS", 4.0, "verbal_cooperation", "agree to form", False),
            ("KAZ", "RUS", 4.0, "verbal_cooperation", "agree to form", False),
        ],
    ),
    # an agreement signed in defiance of a third country is conflict with it
    (
        "Georgia signed a free trade pact with the European Union in defiance of Russia.",
        [("GEO", "RUS", -4.0, "verbal_conflict", "in defiance of", False)],
    ),
    # reversals of agreements: suspending or withdrawing from a pact is conflict
    (
        "Moldova suspends a defence pact with Romania.",
        [("MDA", "ROU", -3.0, "material_conflict", "suspends a defence pact", False)],
    ),
    (
        "Norway withdraws from its fishing treaty with Iceland.",
        [("ISL", "NOR", -0.5, "verbal_conflict", "withdraws from its fishing treaty", False)],
    ),
    # diplomatic measures
    (
        "Chile withdrew its ambassador from Peru.",
        [("CHL", "PER", -4.0, "material_conflict", "withdrew its ambassador", False)],
    ),
    (
        "Japan summoned China's ambassador.",
        [("CHN", "JPN", -3.0, "verbal_conflict", "summoned", False)],
    ),
    (
        "Portugal reopened its embassy in Canada.",
        [("CAN", "PRT", 4.5, "verbal_cooperation", "reopened its embassy", False)],
    ),
    (
        "The president of Brazil spoke by telephone with the president of Argentina.",
        [("ARG", "BRA", 1.0, "verbal_cooperation", "spoke by telephone", False)],
    ),
    # borders, trade and supplies
    # "re-open" is "reopen" spelt with a hyphen.
    (
        "Georgia re-opens its border with Russia.",
        [("GEO", "RUS", 4.0, "material_cooperation", "re-opens its border", False)],
    ),
    (
        "Kenya closed its border with Somalia.",
        [("KEN", "SOM", -4.0, "material_conflict", "closed its border", False)],
    ),
    (
        "Poland reintroduced border controls with Germany.",
        [("DEU", "POL", -3.0, "material_conflict", "border controls", False)],
    ),
    (
        "Russia halted gas supplies to Moldova.",
        [("MDA", "RUS", -4.0, "material_conflict", "halted gas supplies", False)],
    ),
    (
        "Kazakhstan banned imports of Russian poultry.",
        [("KAZ", "RUS", -4.0, "material_conflict", "banned imports", False)],
    ),
    (
        "Russia cut off trade with Estonia.",
        [("EST", "RUS", -4.0, "material_conflict", "cut off trade", False)],
    ),
    (
        "Canada lifted its import ban on Brazil.",
        [("BRA", "CAN", 2.0, "material_cooperation", "lifted its import ban", False)],
    ),
    # a joint act: a list that announces, says or calls for something acts together
    (
        "Chile, Peru and Argentina announced new fishing quotas.",
        [
            ("ARG", "CHL", 1.0, "neutral", "announced", False),
            ("ARG", "PER", 1.0, "neutral", "announced", False),
            ("CHL", "PER", 1.0, "neutral", "announced", False),
        ],
    ),
    (
        "Kenya, Somalia and Egypt all call for a ceasefire.",
        [
            ("EGY", "KEN", 1.0, "neutral", "call for a ceasefire", False),
            ("EGY", "SOM", 1.0, "neutral", "call for a ceasefire", False),
            ("KEN", "SOM", 1.0, "neutral", "call for a ceasefire", False),
        ],
    ),
    # the forces of a list act together, unless they act on each other
    (
        "Kenyan and Somali troops secured the town.",
        [("KEN", "SOM", 1.0, "neutral", "troops", False)],
    ),
    (
        "Kenyan and Somali troops clashed near the border.",
        [("KEN", "SOM", -10.0, "material_conflict", "clashed", False)],
    ),
    # a mutual verb's "between" list does it too
    (
        "Chile backed efforts to restore ties between Peru and Argentina.",
        [
            ("ARG", "CHL", 4.0, "verbal_cooperation", "backed|restore ties", False),
            ("ARG", "PER", 4.5, "verbal_cooperation", "restore ties", False),
            ("CHL", "PER", 4.0, "verbal_cooperation", "backed|restore ties", False),
        ],
    ),
    # a mutual noun right after one country names its topic ...
    ("The council demands a Somalia ceasefire as Kenya abstains.", []),
    # ... unless the next country is tied to it
    (
        "Chile trade talks resume with Peru on Monday.",
        [("CHL", "PER", 1.0, "verbal_cooperation", "talks", False)],
    ),
    # accepting, and sending a delegation
    (
        "Chile accepts an Argentine invitation to talks.",
        [("ARG", "CHL", 3.0, "verbal_cooperation", "accepts", False)],
    ),
    (
        "Chile sends a trade delegation to Peru.",
        [("CHL", "PER", 1.9, "verbal_cooperation", "sends a trade delegation", False)],
    ),
    # talks by another name, and concern voiced
    (
        "Chile resumed discussions with Peru.",
        [("CHL", "PER", 1.0, "verbal_cooperation", "discussions", False)],
    ),
    (
        "Chile is concerned about Peru's new quotas.",
        [("CHL", "PER", -2.0, "verbal_conflict", "concerned about", False)],
    ),
    # a member that is no country inside a list, or after its last country
    (
        "Chile, the European Union, Peru and Argentina announced new quotas.",
        [
            ("ARG", "CHL", 1.0, "neutral", "announced", False),
            ("ARG", "PER", 1.0, "neutral", "announced", False),
            ("CHL", "PER", 1.0, "neutral", "announced", False),
        ],
    ),
    (
        "Canada praised Chile, Peru and other Pacific states.",
        [
            ("CAN", "CHL", 3.4, "verbal_cooperation", "praised", False),
            ("CAN", "PER", 3.4, "verbal_cooperation", "praised", False),
        ],
    ),
    # ... but not a list acted on, a list too far from the act, or a negated act
    ("New quotas on Chile and Peru were announced.", []),
    ("Chile and Peru, two of the largest fishing nations, announced new quotas.", []),
    ("Chile and Peru did not join the initiative.", []),
    # joining someone in doing something: the joined act with the joiners ...
    (
        "Chile and Peru join Argentina in banning the new nets.",
        [
            ("ARG", "CHL", 1.0, "neutral", "join", False),
            ("ARG", "PER", 1.0, "neutral", "join", False),
            ("CHL", "PER", 1.0, "neutral", "join", False),
        ],
    ),
    ("Chile joins Peru in backing the quotas.", [("CHL", "PER", 1.0, "neutral", "joins", False)]),
    # ... but joining an organisation a country is in is no act with that country
    ("Chile joins Peru's fishing council.", []),
    ("Chile joins Peru, which backed the quotas.", []),
    # a joint act relates no one outside the list
    (
        "Chile and Peru said Argentina had new quotas.",
        [
            ("CHL", "PER", 1.0, "neutral", "said", False),
        ],
    ),
    # the office and name of one leader between two countries of a list
    (
        "Venezuelan President Nicolas Maduro and Guyanese President Irfaan Ali met on Tuesday.",
        [("GUY", "VEN", 1.0, "verbal_cooperation", "met", False)],
    ),
    (
        "The Kenyan president and the Somali prime minister met on Tuesday.",
        [("KEN", "SOM", 1.0, "verbal_cooperation", "met", False)],
    ),
    (
        "Russian troops and Ukrainian soldiers clashed near the border.",
        [("RUS", "UKR", -10.0, "material_conflict", "clashed", False)],
    ),
    # a list that undergoes the act in the passive does not act together; its agents do
    (
        "Kenya, Egypt and Peru have been invited by Brazil.",
        [
            ("BRA", "EGY", 4.0, "verbal_cooperation", "invited", False),
            ("BRA", "KEN", 4.0, "verbal_cooperation", "invited", False),
            ("BRA", "PER", 4.0, "verbal_cooperation", "invited", False),
        ],
    ),
    (
        "Kenya and Egypt invited Brazil.",
        [
            ("BRA", "EGY", 4.0, "verbal_cooperation", "invited", False),
            ("BRA", "KEN", 4.0, "verbal_cooperation", "invited", False),
            ("EGY", "KEN", 1.0, "neutral", "invited", False),
        ],
    ),
    (
        "Finland's bid remains blocked by Japan and Kazakhstan.",
        [
            ("FIN", "JPN", -4.0, "verbal_conflict", "blocked", False),
            ("FIN", "KAZ", -4.0, "verbal_conflict", "blocked", False),
            ("JPN", "KAZ", 1.0, "neutral", "blocked", False),
        ],
    ),
    (
        "Finland applied together with Denmark.",
        [("DNK", "FIN", 1.0, "verbal_cooperation", "together with", False)],
    ),
    # "with the help of" a list: the list does the act together
    (
        "Israel said that, with the help of Japan, Kenya and Egypt, it stopped the drones.",
        [
            ("EGY", "ISR", 4.0, "material_cooperation", "help", False),
            ("EGY", "JPN", 1.0, "neutral", "help", False),
            ("EGY", "KEN", 1.0, "neutral", "help", False),
            ("ISR", "JPN", 4.0, "material_cooperation", "help", False),
            ("ISR", "KEN", 4.0, "material_cooperation", "help", False),
            ("JPN", "KEN", 1.0, "neutral", "help", False),
        ],
    ),
    (
        "Kenya may side with Somalia.",
        [("KEN", "SOM", 3.5, "verbal_cooperation", "side with", True)],
    ),
    (
        "Chile and Peru have insisted on new quotas.",
        [("CHL", "PER", 1.0, "neutral", "insisted", False)],
    ),
    (
        "Kenya turned against Somalia.",
        [("KEN", "SOM", -4.0, "verbal_conflict", "turned against", False)],
    ),
    (
        "Kenya intercepts missiles launched from Somalia.",
        [("KEN", "SOM", -9.0, "material_conflict", "intercepts", False)],
    ),
    (
        "Kenya announced new funding for Somalia.",
        [("KEN", "SOM", 7.0, "material_cooperation", "funding", False)],
    ),
    # not acts: a place near a border, a call for a ceasefire, troops as a noun, a denial
    ("Kenya built a new airport close to the border with Somalia.", []),
    ("Egypt called for a ceasefire between Israel and the militants.", []),
    ("The last Dutch combat troops left Afghanistan.", []),
    ("Serbia denies attacking Croatia.", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), BUNDLED_CASES, ids=[text[:40] for text, _ in BUNDLED_CASES]
)
def test_score_sentence_bundled_lexicon_relation_phrases(
    bundled_lexicon: Lexicon, text: str, expected: list[tuple]
) -> None:
    assert score_sentence(text, bundled_mentions(text), bundled_lexicon) == expected


# -- real data (skipped without ../shared) -----------------------------------------


@pytest.mark.eval
def test_score_interactions_seed_briefing_signs(seed_file: Path) -> None:
    from analytics.countries import extract_mentions
    from analytics.ingest import load_corpus

    briefings = load_corpus(seed_file)
    interactions = score_interactions(briefings, extract_mentions(briefings))
    assert_seed_relations(pair_summary(interactions, include_forward=True))


@pytest.fixture(scope="module")
def reuters_interactions(reuters_jsonl: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analytics.countries import extract_mentions
    from analytics.ingest import load_files

    briefings = load_files([reuters_jsonl]).briefings
    return score_interactions(briefings, extract_mentions(briefings)), briefings


@pytest.mark.eval
def test_score_interactions_reuters_semiconductor_dispute(reuters_interactions) -> None:
    interactions, _ = reuters_interactions
    dispute = pair_net(interactions, ("USA", "JPN"), "1987-03-01", "1987-05-01")[0]
    june = pair_net(interactions, ("USA", "JPN"), "1987-06-01", "1987-07-01")[0]
    assert dispute < 0
    assert dispute < june


@pytest.mark.eval
def test_score_interactions_reuters_gulf_conflicts(reuters_interactions) -> None:
    interactions, _ = reuters_interactions
    assert pair_net(interactions, ("USA", "IRN"), "1987-10-01", "1987-11-01")[0] < 0
    assert pair_net(interactions, ("IRN", "IRQ"), "1987-01-01", "1988-01-01")[0] < 0


@pytest.mark.eval
def test_relations_over_time_reuters_october_gulf_spike(reuters_interactions) -> None:
    interactions, briefings = reuters_interactions
    table = relations_over_time(interactions, briefings, "month", pairs=[("USA", "IRN")])
    october = table[table[S.PERIOD] == pd.Timestamp("1987-10-01")].iloc[0]
    assert october[S.SPIKE]


@pytest.mark.eval
def test_score_interactions_sample_corpus_allies_positive(project_root: Path) -> None:
    sample = project_root / "data" / "sample"
    if not (sample / "manifest.csv").exists():
        pytest.skip("the bundled sample corpus is not present")
    from analytics.countries import extract_mentions
    from analytics.ingest import load_corpus

    briefings = load_corpus(sample)
    summary = pair_summary(score_interactions(briefings, extract_mentions(briefings)))
    net = summary.set_index([S.COUNTRY_A, S.COUNTRY_B])[S.NET]
    for pair in [("GBR", "USA"), ("DEU", "FRA"), ("JPN", "USA")]:
        assert net[tuple(sorted(pair))] > 0, pair


# -- cost linear in a briefing's length ------------------------------------------------
# Each step, patched in every module that calls it.
REFERENCE_STEPS = (
    (roles_module, "is_location"),
    (scoring_module, "_modifier_before"),
    (scoring_module, "_score_found"),
    (corpus_module, "_score_found"),
    (scoring_module, "_score_clause"),
)


@pytest.fixture(scope="module")
def sample_briefings(project_root: Path) -> pd.DataFrame:
    from analytics.ingest import load_corpus_with_report

    return load_corpus_with_report([project_root / "data" / "sample"]).briefings


def _as_one_sentence(briefings: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` sample texts as one briefing of one long sentence of many clauses."""
    text = " ".join(briefings[S.TEXT].head(n)).replace(". ", ", ").replace("\n", " ")
    return briefing_table([{S.BRIEFING_ID: "long", S.DATE: "2024-01-01", S.TEXT: text}])


@pytest.mark.parametrize("shape", ["sample", "one-long-sentence"])
def test_score_interactions_equals_the_reference_steps(
    sample_briefings: pd.DataFrame, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relations_reference

    from analytics.countries import extract_mentions

    briefings = sample_briefings if shape == "sample" else _as_one_sentence(sample_briefings, 40)
    mentions = extract_mentions(briefings)
    current = score_interactions(briefings, mentions)
    for module, name in REFERENCE_STEPS:
        monkeypatch.setattr(module, name, getattr(relations_reference, name))
    reference = score_interactions(briefings, mentions)
    assert len(current) > (400 if shape == "sample" else 100)
    pd.testing.assert_frame_equal(current, reference)


PARAGRAPH = (
    "Japan condemned China's strike on Taiwan. Britain and France signed a trade "
    "agreement. Talks continue."
)


def test_score_interactions_of_copies_repeats_the_paragraphs_rows(lexicon: Lexicon) -> None:
    copies = 40
    one = briefing_table([{S.BRIEFING_ID: "b", S.DATE: "2024-01-01", S.TEXT: PARAGRAPH}])
    many = one.assign(**{S.TEXT: "\n\n".join([PARAGRAPH] * copies)})
    actors = {**ACTORS, "France": ("FRA", "name")}
    single = score_interactions(one, table_mentions(one, actors), lexicon=lexicon)
    repeated = score_interactions(many, table_mentions(many, actors), lexicon=lexicon)
    # Japan-China and China-Taiwan in sentence 0, Britain-France in sentence 1.
    assert single[S.SENTENCE_INDEX].tolist() == [0, 0, 1]
    assert len(repeated) == copies * len(single)
    # Copy k holds sentences 3k, 3k + 1 and 3k + 2 of the section.
    expected_index = [3 * k + i for k in range(copies) for i in single[S.SENTENCE_INDEX]]
    assert repeated[S.SENTENCE_INDEX].tolist() == expected_index
    tiled = pd.concat([single] * copies, ignore_index=True)
    columns = [S.SENTENCE, S.COUNTRY_A, S.COUNTRY_B, S.SCORE, S.CLASS, S.CUES]
    pd.testing.assert_frame_equal(repeated[columns], tiled[columns])


def _gazetteer_pairs(text: str, lexicon: Lexicon) -> list[tuple[str, str, float, str]]:
    """The pairs of one sentence whose countries the gazetteer finds (capitals too)."""
    from analytics.countries import extract_mentions

    briefing = pd.DataFrame(
        [
            {
                S.BRIEFING_ID: "x",
                S.DATE: pd.Timestamp("2024-01-01", tz="UTC"),
                S.TITLE: "",
                S.HAPPENING: "",
                S.IMPORTANCE: "",
                S.NEXT: "",
                S.TEXT: text,
            }
        ]
    )
    found = extract_mentions(briefing)
    mentions = [
        (int(row[S.START]), int(row[S.END]), row[S.ISO3], row[S.KIND])
        for _, row in found.iterrows()
    ]
    return [
        (pair.country_a, pair.country_b, pair.score, pair.cues)
        for pair in score_sentence(text, mentions, lexicon)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The governments that react relate to what they react to, and share the reaction.
        (
            "The launch raised concerns in Seoul and Tokyo that Russia had armed Pyongyang.",
            [
                ("JPN", "KOR", 1.0, "raised concerns"),
                ("JPN", "RUS", -2.0, "raised concerns"),
                ("KOR", "RUS", -2.0, "raised concerns"),
            ],
        ),
        # British spelling of the causing verb; "about" names what they react to.
        (
            "The exercises fuelled suspicion in Manila about China.",
            [("CHN", "PHL", -2.0, "fuelled suspicion")],
        ),
        # Nothing named to react to: the reaction is to the country that raised it ...
        ("China's drills raised concern in Tokyo.", [("CHN", "JPN", -2.0, "raised concern")]),
        # ... also by a list of capitals, which is no list of places where it happens.
        (
            "Japan's moves raised concern in Beijing and Seoul.",
            [
                ("CHN", "JPN", -2.0, "raised concern"),
                ("CHN", "KOR", 1.0, "raised concern"),
                ("JPN", "KOR", -2.0, "raised concern"),
            ],
        ),
        # ... but not to a country that was only what the cause was about.
        ("Her views on Taiwan raised concern in Beijing.", []),
    ],
)
def test_a_reaction_felt_in_capitals_relates_them_to_what_they_react_to(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    # The shipped lexicon: its "raise * concern" family holds the causing verbs.
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A visit (CAMEO 042, +1.9) called off is undone: -1.9 / 2.
        ("India calls off a visit to Australia.", [("AUS", "IND", -0.95, "calls off a visit")]),
        # Talks (+1) put off: -1 / 2.
        (
            "India postponed the talks with Australia.",
            [("AUS", "IND", -0.5, "postponed the talks")],
        ),
    ],
    ids=["call-off", "postpone"],
)
def test_calling_off_or_putting_off_a_planned_act_reverses_it(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A list of places does nothing together: no +1 among them.
        ("Rebels based in Bangladesh, Myanmar and Bhutan are planning attacks.", []),
        ("Protests across France, Italy and Spain threaten the reform.", []),
        # After a state head the list is those states: they side with Niger together
        # (co-action, +1) and each sides with it (+3.5).
        (
            "The juntas in Mali and Burkina Faso may side with Niger.",
            [
                ("BFA", "MLI", 1.0, "side with"),
                ("BFA", "NER", 3.5, "side with"),
                ("MLI", "NER", 3.5, "side with"),
            ],
        ),
    ],
    ids=["based-in", "protests-across", "juntas-in"],
)
def test_a_list_of_places_does_nothing_together(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


def test_a_country_whose_border_an_act_is_near_is_its_place() -> None:
    # "offensive" (-10) near the border with Afghanistan: Afghanistan is where it happens.
    text = "Pakistani troops launch an offensive near the border with Afghanistan."
    assert _gazetteer_pairs(text, default_lexicon()) == []
    # Two countries joined before "border" are both the place, names or adjectives.
    text = "Pakistani forces attack militants near the Afghan-Pakistan border."
    assert _gazetteer_pairs(text, default_lexicon()) == []
    text = "Turkey strikes Syria near the Syria-Turkey border."
    assert _gazetteer_pairs(text, default_lexicon()) == [("SYR", "TUR", -9.0, "strikes")]
    text = "Israel and Egypt reject NATO forces along the Lebanese/Israeli border."
    assert _gazetteer_pairs(text, default_lexicon()) == [("EGY", "ISR", 1.0, "reject|forces")]
    # Closing the border with a country is an act on it (-4).
    assert _gazetteer_pairs("Syria closes its border with Iraq.", default_lexicon()) == [
        ("IRQ", "SYR", -4.0, "closes its border")
    ]


def test_a_country_inside_a_historical_events_name_is_not_a_party() -> None:
    # "the Armenian Genocide" names an event: only the recall (-4) relates Turkey and the
    # United States; "recognizing" (+4.5) relates no one to Armenia.
    text = (
        "Turkey recalls its ambassador to the United States over a vote on the Armenian Genocide."
    )
    assert _gazetteer_pairs(text, default_lexicon()) == [
        ("TUR", "USA", -4.0, "recalls its ambassador")
    ]
    # A war named in lower case is still one between its parties.
    text = "Chinese soldiers who fought in the Korean war are returned to China."
    assert _gazetteer_pairs(text, default_lexicon()) == [("CHN", "KOR", -10.0, "fought|war")]
    text = "Chinese soldiers who fought in the Korean War are returned to China."
    assert _gazetteer_pairs(text, default_lexicon()) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The meeting (+1) relates the two; the tensions they discuss (-3) do not.
        (
            "Iran meets France to discuss the tensions between Iran and France.",
            [("FRA", "IRN", 1.0, "meets")],
        ),
        (
            "The French president meets the Iranian president to talk about the strained "
            "relations of France and Iran.",
            [("FRA", "IRN", 1.0, "meets")],
        ),
        # A war talked about is not fought by the talkers (was FRA-SYR -10).
        ("Iran meets France to discuss the war in Syria.", [("FRA", "IRN", 1.0, "meets")]),
        # A directed conflict noun is still an act ("sanctions against", -4), and a cue
        # before "discuss" is not a topic.
        (
            "France and Britain discuss sanctions against Iran.",
            [
                ("FRA", "GBR", 1.0, "sanctions"),
                ("FRA", "IRN", -4.0, "sanctions"),
                ("GBR", "IRN", -4.0, "sanctions"),
            ],
        ),
    ],
    ids=["tensions", "strained-relations", "war-in", "directed-noun"],
)
def test_a_conflict_that_talks_are_about_is_their_topic(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


def test_suspending_flights_to_a_country_is_conflict_with_it() -> None:
    text = "Nigeria suspends flights to Saudi Arabia after pilgrims are deported."
    assert _gazetteer_pairs(text, default_lexicon()) == [("NGA", "SAU", -4.0, "suspends flights")]


def test_a_ship_sunk_by_a_state_relates_the_two() -> None:
    # "sunk" (CAMEO 190, -10) between the ship's state and the agent of the passive.
    assert _gazetteer_pairs("An Iranian frigate is sunk by U.S. forces.", default_lexicon()) == [
        ("IRN", "USA", -10.0, "sunk")
    ]
    # A currency sinking before any country is named relates no one: the treaty (+8) does.
    text = "The rouble sinks as Russia and Iran sign a treaty."
    assert _gazetteer_pairs(text, default_lexicon()) == [("IRN", "RUS", 8.0, "sign a treaty")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "fought alongside" (CAMEO 062, +6) is cooperation, not the fighting (-10).
        (
            "Russian troops fought alongside Syrian soldiers.",
            [("RUS", "SYR", 6.0, "fought alongside")],
        ),
        # A list that fights alongside a third acts together (+1) and each cooperates (+6).
        (
            "France and Britain fight alongside the United States.",
            [
                ("FRA", "GBR", 1.0, "fight alongside"),
                ("FRA", "USA", 6.0, "fight alongside"),
                ("GBR", "USA", 6.0, "fight alongside"),
            ],
        ),
    ],
    ids=["fought-alongside", "list-alongside"],
)
def test_fighting_alongside_a_country_is_cooperating_with_it(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # War games (CAMEO 15, -7.2, directed) held in a member's territory: the list acts
        # together (+1; "conduct" is a joint act), Russia is not the target of China's.
        (
            "Russia and China conduct war games in Russia.",
            [("CHN", "RUS", 1.0, "conduct|war games")],
        ),
        # A mutual cue (trading accusations, -2) relates the list's members, whatever
        # country of the list is named after it.
        (
            "Vietnam and China trade accusations over the sinking of a Vietnamese boat.",
            [("CHN", "VNM", -2.0, "trade accusations")],
        ),
        # A country after the cue that is not in the list is its object, as before; the
        # list acts together.
        (
            "Russia and China conduct war games near Japan.",
            [
                ("CHN", "JPN", -7.2, "war games"),
                ("CHN", "RUS", 1.0, "conduct|war games"),
                ("JPN", "RUS", -7.2, "war games"),
            ],
        ),
    ],
    ids=["own-member-is-the-place", "mutual-cue-own-member", "other-country-is-object"],
)
def test_a_list_does_not_act_on_its_own_member(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The agents of a passive joint act act together (co-action, +1 each pair).
        (
            "A statement is jointly issued by Britain, France and Germany.",
            [
                ("DEU", "FRA", 1.0, "jointly"),
                ("DEU", "GBR", 1.0, "jointly"),
                ("FRA", "GBR", 1.0, "jointly"),
            ],
        ),
        # Negated, they do nothing together.
        ("A statement is not jointly issued by Britain and France.", []),
        # Before a directed cue "jointly" is a joint act of the list before it, as before:
        # co-action (+1) between them, the cue (condemn, -2) towards the object.
        (
            "Britain and France jointly condemned Russia.",
            [
                ("FRA", "GBR", 1.0, "jointly|condemned"),
                ("FRA", "RUS", -2.0, "condemned"),
                ("GBR", "RUS", -2.0, "condemned"),
            ],
        ),
    ],
    ids=["jointly-issued-by", "not-jointly", "jointly-condemned"],
)
def test_the_agents_of_a_joint_act_in_the_passive_act_together(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The treaty's city is what is signed; the country named after it is not signed with.
        (
            "The Polish president signs the Treaty of Lisbon, leaving the Czech Republic as "
            "the last holdout.",
            [],
        ),
        # The strike is on the militants (a nationality); the country beyond is no target.
        ("A U.S. drone strike kills two Pakistani militants operating close to Afghanistan.", []),
        # A mutual act still joins the list that does it; the debt's country is no party.
        (
            "Leaders of Germany, France and Spain hold a meeting at the Seoul summit on Irish "
            "debt.",
            [
                ("DEU", "ESP", 1.0, "meeting"),
                ("DEU", "FRA", 1.0, "meeting"),
                ("ESP", "FRA", 1.0, "meeting"),
            ],
        ),
        # Envoys summoned to hear a protest about another country's ship do not act together.
        (
            "Israel summons the envoys of Sweden and Turkey to protest a Greek ship sailing for "
            "Gaza.",
            [("ISR", "SWE", -3.0, "summons"), ("ISR", "TUR", -3.0, "summons")],
        ),
        # A place of the target's own country does not stand between.
        (
            "The Israeli prime minister arrives in Washington for talks with the U.S. president.",
            [("ISR", "USA", 1.9, "arrives in")],
        ),
        # The act goes on to, or is done by, the country past the person or place.
        (
            "Poland extradites an Israeli citizen to Germany to face trial.",
            [("DEU", "POL", 5.0, "extradites")],
        ),
        (
            "Iran confirms the death of a general in an attack in Tehran by Israel.",
            [("IRN", "ISR", -9.0, "attack")],
        ),
    ],
)
def test_a_cue_on_someone_of_another_country_reaches_no_country_beyond(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Prisoners of war name people, not a war; exchanging them is mutual cooperation.
        (
            "Russia and Ukraine exchange prisoners of war, with 200 soldiers returned to each "
            "side.",
            [("RUS", "UKR", 5.0, "exchange prisoners of war")],
        ),
        (
            "India and Pakistan agree to swap 400 prisoners.",
            [("IND", "PAK", 5.0, "swap 400 prisoners")],
        ),
        (
            "Russia agrees a prisoner exchange with Ukraine.",
            [("RUS", "UKR", 5.0, "prisoner exchange")],
        ),
    ],
)
def test_prisoners_of_war_are_no_war_and_their_exchange_is_mutual(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A leader's office and name after the demonym are one person: the list goes on.
        (
            "Russian President Vladimir Putin and Chinese President Xi Jinping sign a deal.",
            [("CHN", "RUS", 8.0, "sign a deal")],
        ),
        (
            "French President Emmanuel Macron and German Chancellor Olaf Scholz hold talks.",
            [("DEU", "FRA", 1.0, "hold talks")],
        ),
        # A leader's title after "and" keeps the list together ...
        (
            "President Joe Biden and President Volodymyr Zelensky sign a security agreement.",
            [("UKR", "USA", 8.0, "sign a security agreement")],
        ),
        # ... but not after a comma, where it opens a clause of its own.
        (
            "Allies tightened sanctions on Russia, and President Joe Biden backed a plan to "
            "train Ukrainian pilots.",
            [("UKR", "USA", 3.5, "backed")],
        ),
        # A mutual noun whose last word is "between" owns the list after it.
        (
            "A meeting between the U.S. president and the Iraqi prime minister takes place.",
            [("IRQ", "USA", 1.0, "meeting between")],
        ),
        (
            "A hearing into the territorial row between Thailand and Cambodia begins.",
            [("KHM", "THA", -3.0, "row between")],
        ),
        # An office after a possessive, and "his" counterpart, keep the list together ...
        (
            "Japan's prime minister and his Chinese counterpart meet in Beijing.",
            [("CHN", "JPN", 1.0, "meet")],
        ),
        (
            "French President Emmanuel Macron and his German counterpart meet.",
            [("DEU", "FRA", 1.0, "meet")],
        ),
        (
            "Thailand's Army and Cambodia's Army exchange gunfire near the temple.",
            [("KHM", "THA", -8.0, "exchange gunfire")],
        ),
        # ... and so does "its ally" or "their partners" between two countries.
        (
            "Iran and its ally Syria condemn Israel.",
            [
                ("IRN", "ISR", -2.0, "condemn"),
                ("IRN", "SYR", 1.0, "condemn"),
                ("ISR", "SYR", -2.0, "condemn"),
            ],
        ),
        # ... but a name after a possessive (a firm, a person) does not.
        ("Russia's Gazprom and Ukraine's Naftogaz agree to set up joint ventures.", []),
        # ... and a comma before the person joins no list the person does not go on to.
        (
            "During a visit to India, British Prime Minister Rishi Sunak warns Pakistan.",
            [("GBR", "IND", 1.9, "visit"), ("GBR", "PAK", -3.0, "warns")],
        ),
    ],
)
def test_a_leaders_office_and_name_keep_a_list_together(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A relative clause right after acting countries is about them: they act in it.
        (
            "Russia, which has accused Ukraine of shelling, sends troops.",
            [("RUS", "UKR", -2.0, "accused")],
        ),
        (
            "Vladimir Putin, who met Xi Jinping in Beijing, returns home.",
            [("CHN", "RUS", 1.0, "met")],
        ),
        # ... also in the passive, where the list is acted on together ...
        (
            "Iran and Saudi Arabia, which have been criticized by Canada, join the council.",
            [("CAN", "IRN", -2.0, "criticized"), ("CAN", "SAU", -2.0, "criticized")],
        ),
        # ... but "where" names a place, not who acts there.
        ("Kerry arrives in Turkey, where he is to hold talks on relations with Israel.", []),
    ],
)
def test_a_relative_clause_is_about_the_countries_before_it(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A meeting, call or visit opening the sentence is its subject's.
        (
            "After a call with the Egyptian president, Biden said aid would flow.",
            [("EGY", "USA", 1.0, "call with")],
        ),
        (
            "During a visit to India, British Prime Minister Rishi Sunak warns Pakistan.",
            [("GBR", "IND", 1.9, "visit"), ("GBR", "PAK", -3.0, "warns")],
        ),
        # Not a place the meeting is held in, nor an act that is no meeting.
        ("At a summit in Nice, France, the European Union and Russia agree.", []),
        ("After the attack on Israel, Iran warned the U.S.", [("IRN", "USA", -3.0, "warned")]),
        # A non-state group's word before a demonym names the group, not its state.
        ("The opposition Syrian National Council meets Turkish officials.", []),
    ],
)
def test_a_meeting_opening_the_sentence_is_its_subjects(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An envoy posted to a country is what a passive act is done to: by the host ...
        (
            "Japan's ambassador to China was summoned by the Chinese foreign ministry.",
            [("CHN", "JPN", -3.0, "summoned")],
        ),
        ("The U.S. ambassador to Iceland is summoned.", [("ISL", "USA", -3.0, "summoned")]),
        # ... or by the agent named.
        (
            "Iran's ambassador to the United Nations is summoned by Britain.",
            [("GBR", "IRN", -3.0, "summoned")],
        ),
        # An active act keeps its target.
        (
            "Japan recalls its ambassador to China.",
            [("CHN", "JPN", -4.0, "recalls its ambassador")],
        ),
        # Only acts on envoys as envoys: harm to one is no act of the host.
        ("The Polish ambassador to Iraq is killed by a bomb in Baghdad.", []),
        ("The Syrian ambassador to France resigns in protest at the violence.", []),
    ],
)
def test_an_envoy_posted_to_a_country_is_acted_on_in_the_passive(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A noun's agent after "by" acts on the group after "on/against/to".
        ("An attack by Russia on Ukraine killed ten.", [("RUS", "UKR", -9.0, "attack")]),
        ("Sanctions by the U.S. against Iran took effect.", [("IRN", "USA", -4.0, "Sanctions")]),
        (
            "The first visit by a South Korean leader to Myanmar begins.",
            [("KOR", "MMR", 1.9, "visit")],
        ),
        ("A visit by President Joe Biden to Israel begins.", [("ISR", "USA", 1.9, "visit")]),
        # A verb before the noun does not speak for the noun's own act.
        (
            "Ukraine condemns an attack by Russia on Poland.",
            [("POL", "RUS", -9.0, "attack"), ("RUS", "UKR", -2.0, "condemns")],
        ),
        # Not a place the agent acts in.
        (
            "Iran confirms the death of a general in an attack in Tehran by Israel.",
            [("IRN", "ISR", -9.0, "attack")],
        ),
    ],
)
def test_a_nouns_agent_acts_on_the_group_after_it(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A journey of a state's people to another state is a visit, and names the state
        # by its capital too.
        (
            "The Palestinian President Mahmoud Abbas travels to Moscow seeking support.",
            [("PSE", "RUS", 1.9, "travels to")],
        ),
        ("Xi Jinping heads to Russia on his first trip abroad.", [("CHN", "RUS", 1.9, "heads to")]),
        # Not travel as a noun or an infinitive ("a ban on travel to", "to fly to").
        (
            "The United States lifts a ban on travel to Libya.",
            [("LBY", "USA", 2.0, "lifts a ban on")],
        ),
        ("Forces are on standby to fly to Tonga from Australia.", []),
        # Worry about a country's acts is concern, and dismay at a country disapproval.
        (
            "Japan is worried about China's military build-up.",
            [("CHN", "JPN", -2.0, "worried about")],
        ),
        # Dismay at a country is disapproval of it.
        (
            "Romania expresses dismay at Russia after it expels a diplomat.",
            [("ROU", "RUS", -2.0, "expresses dismay")],
        ),
    ],
)
def test_a_journey_to_a_state_is_a_visit(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Missiles launched at a state, or at its capital, attack it.
        (
            "Russia launched missiles at Kyiv overnight.",
            [("RUS", "UKR", -9.5, "launched missiles at")],
        ),
        ("Iran launched drones into Israel.", [("IRN", "ISR", -9.5, "launched drones into")]),
        # A launch at no one (a test) is no attack.
        ("North Korea launches a ballistic missile over Japan.", []),
        # An ambush by a state's forces attacks; one by no state names only a place.
        (
            "Two U.S. officials are ambushed by Mexican Federal Police officers.",
            [("MEX", "USA", -9.0, "ambushed")],
        ),
        ("Two British soldiers are killed in an ambush near Basra, Iraq.", []),
    ],
)
def test_missiles_launched_at_a_state_attack_it(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Espionage for a state is that state's act against the one that catches the spy.
        (
            "Lebanon arrests a man it suspects has spied for Israel.",
            [("ISR", "LBN", -2.0, "spied for")],
        ),
        (
            "China confirms that two officials were jailed for spying for the United Kingdom.",
            [("CHN", "GBR", -2.0, "spying for")],
        ),
        (
            "The U.S. spied on Germany's chancellor, Berlin says.",
            [("DEU", "USA", -2.0, "spied on")],
        ),
        # A spy agency is no act.
        ("Russia's foreign spy agency says the U.S. plots against Iran.", []),
    ],
)
def test_spying_for_a_state_is_its_act_against_the_catcher(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An amount of money fills a cue's gap as a number does: a pledge of it is aid.
        (
            "Saudi Arabia pledges US$3 billion to Lebanon to help strengthen its military.",
            [("LBN", "SAU", 5.2, "pledges US$3 billion")],
        ),
        (
            "Germany pledges 100 million euros to Greece.",
            [("DEU", "GRC", 5.2, "pledges 100 million")],
        ),
        (
            "Japan pledged \u00a32 million in aid to Haiti.",
            [("HTI", "JPN", 5.2, "pledged \u00a32 million")],
        ),
        # A pledge with no amount names no aid ("pledges to" is an intent to act).
        ("Iran pledges to respond to Israel's threats.", []),
    ],
)
def test_a_pledge_of_money_is_aid(text: str, expected: list[tuple[str, str, float, str]]) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A natural hazard named before a conflict cue does the harm, no state.
        ("Typhoon Koppu hits Japan after killing 11 people in the Philippines.", []),
        ("Floods in Poland kill five; the rains also flood parts of Hungary.", []),
        ("Honduras issues a hurricane warning up to the border with Nicaragua.", []),
        ("Mexico warns of flooding as the storm moves towards Belize.", []),
        # So does an accident, and a ship that sinks with no object.
        ("Two helicopters crash near Herat, Afghanistan, killing Spanish troops.", []),
        ("A Panama registered cargo ship sinks off Japan's southern islands.", []),
        ("North Korea sinks a South Korean warship.", [("KOR", "PRK", -10.0, "sinks")]),
        # A hazard that only dates the act leaves the act to its state.
        (
            "After the earthquake, Russia strikes Georgia.",
            [("GEO", "RUS", -9.0, "strikes")],
        ),
        # An aircraft named after a hazard is no hazard; "storm" as a verb is an act.
        (
            "Britain sends Typhoon fighter jets to guard against retaliation by Syria.",
            [("GBR", "SYR", -6.0, "retaliation")],
        ),
        (
            "Protesters storm the Syrian embassy as Turkey condemns Syria.",
            [("SYR", "TUR", -2.0, "condemns")],
        ),
    ],
)
def test_a_natural_hazard_or_an_accident_does_no_states_act(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Where only sport uses a word, the countries a shared cue joins are teams.
        ("Mali eliminates hosts South Africa on penalties to reach the semi-finals.", []),
        ("Iran and Russia meet in the final of the Wrestling World Championships.", []),
        ("In tennis, China beats Italy and Taiwan slams France.", []),
        ("In golf, France is declared the host country, defeating Spain.", []),
        ("Australia is chosen to host the Commonwealth Games ahead of India.", []),
        # A banned substance is doping, not a ban.
        ("A Czech defender fails a test for a banned substance after a match against Belarus.", []),
        # Not other cues of the sentence, nor the shared cues elsewhere.
        (
            "Egypt recalls its ambassador to Algeria after violence at a World Cup match.",
            [("DZA", "EGY", -4.0, "recalls its ambassador")],
        ),
        ("Iran and Russia meet in Minsk.", [("IRN", "RUS", 1.0, "meet")]),
    ],
)
def test_cues_sport_shares_are_sports_in_a_sports_sentence(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The act condemned fell on a country and its doer is not named: the condemner's
        # sympathy (-2 reversed: +1), and the act is no act of the condemner's.
        (
            "France condemned the bombing of a mosque in Pakistan.",
            [("FRA", "PAK", 1.0, "condemned")],
        ),
        (
            "India condemned the terrorist attack on Pakistan's army.",
            [("IND", "PAK", 1.0, "condemned")],
        ),
        (
            "The United States and Britain condemn the attack in southern Israel.",
            [
                ("GBR", "ISR", 1.0, "condemn"),
                ("GBR", "USA", 1.0, "condemn"),
                ("ISR", "USA", 1.0, "condemn"),
            ],
        ),
        # A country before the act names its doer: the condemnation is of that country.
        (
            "China condemns the U.S. attack on Iraq.",
            [("CHN", "USA", -2.0, "condemns"), ("IRQ", "USA", -9.0, "attack")],
        ),
        (
            "Russia condemned Israel's attack on Syria.",
            [("ISR", "RUS", -2.0, "condemned"), ("ISR", "SYR", -9.0, "attack")],
        ),
        # Not an act of harm: the country is what is condemned.
        (
            "France condemned the decision of Pakistan.",
            [("FRA", "PAK", -2.0, "condemned")],
        ),
    ],
)
def test_a_condemned_act_with_no_doer_named_is_sympathy_with_where_it_fell(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "China's military held large-scale joint exercises around Taiwan.",
            [("CHN", "TWN", -7.2, "joint exercises around")],
        ),
        ("Russia held drills near Finland.", [("FIN", "RUS", -7.2, "drills near")]),
        # joint exercises with a partner are still cooperation
        (
            "India held joint exercises with Japan.",
            [("IND", "JPN", 6.0, "joint exercises")],
        ),
    ],
)
def test_drills_around_a_country_are_a_show_of_force(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


def test_a_danger_adjective_is_no_threat() -> None:
    # "survival-threatening" describes a situation; only the blockade relates the two.
    text = "Japan called a blockade of Taiwan a survival-threatening situation for Japan."
    assert _gazetteer_pairs(text, default_lexicon()) == [("JPN", "TWN", -7.0, "blockade")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A list's joint act stands when the next country is beyond the cue's reach.
        (
            "Saudi Arabia and Iran agreed to restore diplomatic relations and reopen their "
            "embassies within two months, in a deal announced in Beijing after talks brokered "
            "by China.",
            [
                ("CHN", "IRN", 5.0, "brokered"),
                ("CHN", "SAU", 5.0, "brokered"),
                ("IRN", "SAU", 4.5, "restore diplomatic relations"),
            ],
        ),
        # A passive act has no object: the country after "following" names a time.
        (
            "Saudi diplomatic missions in Iran were attacked following Riyadh's execution of "
            "a cleric.",
            [],
        ),
        # ... but its agent after "by" and its origin after "from" still relate.
        ("Israel was attacked from Lebanon.", [("ISR", "LBN", -9.0, "attacked")]),
        (
            "Iraq was invaded by the U.S. after Saddam's defiance.",
            [("IRQ", "USA", -9.5, "invaded")],
        ),
    ],
)
def test_a_list_keeps_its_joint_act_and_a_passive_act_has_no_object(
    text: str, expected: list[tuple[str, str, float, str]]
) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected


def test_while_before_a_gerund_opens_a_clause_of_its_own() -> None:
    # "press for calm" has no country object; Israel is what the second clause's act is for.
    text = (
        "Japan protested, and the United States pressed for calm while also sending ships "
        "to protect Israel."
    )
    pairs = _gazetteer_pairs(text, default_lexicon())
    assert [pair for pair in pairs if "ISR" in pair[:2]] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # To broker is to mediate (CAMEO 045, +5): the broker relates to each party.
        # ... and the parties of the deal it brokers make it together (rule 9).
        (
            "Qatar brokered the deal between Israel and Iran.",
            [
                ("IRN", "ISR", 1.0, "deal"),
                ("IRN", "QAT", 5.0, "brokered"),
                ("ISR", "QAT", 5.0, "brokered"),
            ],
        ),
        (
            "A U.S.-brokered ceasefire between Israel and Lebanon took effect.",
            [
                ("ISR", "LBN", 8.0, "ceasefire"),
                ("ISR", "USA", 5.0, "brokered"),
                ("LBN", "USA", 5.0, "brokered"),
            ],
        ),
    ],
)
def test_a_broker_mediates(text: str, expected: list[tuple[str, str, float, str]]) -> None:
    assert _gazetteer_pairs(text, default_lexicon()) == expected
